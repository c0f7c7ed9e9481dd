import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { formatsFor, RENDERERS } from '../src/render/renderers.js';
import { DOCUMENT_KINDS, envelope, REPORT_KINDS, schemaPath, type SchemaName } from '../src/kernel/schemas.js';
import { VERSION } from '../src/kernel/version.js';
import { runCli } from './cli/run-cli.js';

describe('report kinds: one map from kind to URI, schema file and renderers', () => {
  it("each kind's schema file exists, has its own $id, and pins the kind's URI in `schema` (a statement in `_type`; a predicate's is its statement's predicateType)", async () => {
    for (const [name, kind] of Object.entries(DOCUMENT_KINDS) as [SchemaName, (typeof DOCUMENT_KINDS)[SchemaName]][]) {
      const schema = JSON.parse(await readFile(schemaPath(name), 'utf8')) as { $id: string; properties: Record<string, { const?: string } | undefined> };
      expect(schema.$id, name).toBe(`https://aiprov.dev/schemas/${kind.file}`);
      const carriedIn = 'carriedIn' in kind ? kind.carriedIn : 'schema';
      if (carriedIn === 'predicateType') expect(schema.properties.schema, name).toBeUndefined();
      else expect(schema.properties[carriedIn]?.const ?? null, name).toBe(kind.uri);
    }
  });

  it('every report kind has an envelope and a JSON renderer; the CLI accepts exactly the formats it has renderers for', async () => {
    for (const kind of REPORT_KINDS) {
      expect(envelope(kind)).toEqual({ schema: DOCUMENT_KINDS[kind].uri, tool: { name: 'aiprov', version: VERSION } });
      expect(RENDERERS[kind].json, kind).toBeTypeOf('function');
    }
    expect(formatsFor('dependencyAudit')).toEqual(['table', 'json', 'sarif', 'markdown']);
    expect(formatsFor('scanReport')).toEqual(['table', 'json', 'markdown']);
    expect(formatsFor('recordResult')).toEqual(['table', 'json']);
    const refused = await runCli(['scan', '--format', 'sarif']);
    expect(refused).toMatchObject({ code: 2, stderr: 'aiprov: scan does not support --format sarif (it supports table, json, markdown)\n' });
  });
});
