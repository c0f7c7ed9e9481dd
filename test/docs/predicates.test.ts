import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_KINDS, validateAgainst, type SchemaName } from '../../src/kernel/schemas.js';

const DOCS: [string, SchemaName][] = [
  ['ai-authorship.md', 'authorshipPredicate'],
  ['dependency-audit.md', 'dependencyAudit'],
  ['review.md', 'reviewPredicate'],
];
const read = (file: string): string => readFileSync(new URL(`../../docs/predicates/${file}`, import.meta.url), 'utf8');
const schemaOf = (kind: SchemaName): { properties: Record<string, unknown> } =>
  JSON.parse(readFileSync(new URL(`../../schemas/${DOCUMENT_KINDS[kind].file}`, import.meta.url), 'utf8')) as { properties: Record<string, unknown> };

describe("the predicate specifications in docs/predicates (in-toto's predicate template)", () => {
  it.each(DOCS)('%s: its example is a whole statement that validates against Statement v1 and the predicate schema', (file, kind) => {
    const text = read(file);
    const example = /## Example\n[\s\S]*?```json\n([\s\S]*?)\n```/.exec(text)?.[1];
    expect(example, 'an example statement').toBeDefined();
    const statement = JSON.parse(example ?? '') as { predicateType: string; predicate: unknown; subject: { digest: { gitCommit?: string } }[] };
    expect(validateAgainst('statement', statement)).toBeNull();
    expect(statement.predicateType).toBe(DOCUMENT_KINDS[kind].uri);
    expect(text).toContain(`Type URI: ${DOCUMENT_KINDS[kind].uri}`);
    expect(validateAgainst(kind, statement.predicate)).toBeNull();
    expect(statement.subject[0]?.digest.gitCommit).toMatch(/^[0-9a-f]{40}$/);
  });

  it.each(DOCS)('%s: follows the template and documents every field its schema defines', (file, kind) => {
    const text = read(file);
    for (const section of [
      '## Purpose',
      '## Use Cases',
      '## Prerequisites',
      '## Model',
      '## Schema',
      '### Parsing Rules',
      '### Fields',
      '## Example',
      '## Changelog and Migrations',
    ])
      expect(text, section).toContain(`\n${section}\n`);
    for (const field of Object.keys(schemaOf(kind).properties)) expect(text, field).toMatch(new RegExp(`\\| \`${field}[\`.\\[]`));
  });
});
