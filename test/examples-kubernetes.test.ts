import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Environment } from '@marcbachmann/cel-js';
import { Ajv } from 'ajv';
import * as jmespath from 'jmespath';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { linearRepo } from '../fixtures/repos.js';
import { packument } from '../fixtures/registry-server.js';
import { scanHistory } from '../src/authorship/scan.js';
import { authorshipPredicate, PREDICATE_TYPES, statement, subjects } from '../src/attest/statement.js';
import { blameTree } from '../src/blame/blame.js';
import type { DepsReport } from '../src/deps/audit.js';
import { check, registry } from './deps/helpers.js';
import { ctx, tempDir } from './helpers.js';

/**
 * What can be checked of the admission policies without a cluster: each
 * parses, validates against the schema of its kind from the project's own
 * CRD (unknown fields refused, as kubectl --validate=strict does), and its
 * conditions, evaluated on predicates aiprov made, admit a clean image and
 * refuse one with a hallucinated dependency. Kyverno's JMESPath conditions
 * run on the jmespath library, its CEL on cel-js (Kyverno's own functions
 * stood in for by ones returning the statement); CUE only structurally.
 */
const DIR = fileURLToPath(new URL('../examples/kubernetes/', import.meta.url));
const SCHEMAS = fileURLToPath(new URL('../fixtures/kubernetes/', import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const SCHEMA_OF: Record<string, string> = {
  'kyverno.io/v1 ClusterPolicy': 'kyverno-clusterpolicy-v1',
  'policies.kyverno.io/v1 ImageValidatingPolicy': 'kyverno-imagevalidatingpolicy-v1',
  'policy.sigstore.dev/v1beta1 ClusterImagePolicy': 'policy-controller-clusterimagepolicy-v1beta1',
};

interface Doc {
  apiVersion: string;
  kind: string;
  spec: Record<string, unknown>;
}
const docs = FILES.map((f) => ({ file: f, doc: parse(readFileSync(path.join(DIR, f), 'utf8')) as Doc }));

/** Object schemas with properties and no preserve-unknown-fields marker refuse fields they do not name. */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const s = Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, ps]) => [p, strict(ps)])) : strict(v),
    ]),
  ) as Record<string, unknown>;
  if (s.type === 'object' && s.properties !== undefined && s['x-kubernetes-preserve-unknown-fields'] !== true && s.additionalProperties === undefined)
    s.additionalProperties = false;
  return s;
}

let clean: { deps: DepsReport; authorship: unknown };
let hallucinated: DepsReport;

beforeAll(async () => {
  const server = await registry({ npm: { express: packument('express') }, downloads: { express: 90_000_000 } });
  clean = { deps: await check(server, ['express']), authorship: undefined };
  hallucinated = await check(server, ['express', 'react-magic-helpers-pro']);
  const repo = await tempDir();
  const shas = await linearRepo(repo, 3);
  const context = await ctx(repo);
  const commit = shas.at(-1) ?? '';
  const scan = await scanHistory({ context });
  clean.authorship = authorshipPredicate({
    commit,
    attestedAt: new Date(),
    range: commit,
    scanSummary: scan.summary,
    commitReport: scan.commits[0] ?? null,
    blame: await blameTree({ context }),
  });
});

describe('examples/kubernetes: admission policies, checked without a cluster', () => {
  it("every file parses and validates against its kind's schema from the project's CRD, unknown fields refused; a misspelt field is caught", () => {
    expect(FILES.length).toBe(5);
    const ajv = new Ajv({ strict: false, allErrors: true });
    // The formats Kubernetes' OpenAPI schemas name: integers and times the API server checks, not what this test is about.
    for (const format of ['int32', 'int64', 'date-time']) ajv.addFormat(format, true);
    for (const { file, doc } of docs) {
      const name = SCHEMA_OF[`${doc.apiVersion} ${doc.kind}`];
      expect(name, file).toBeDefined();
      const schema = strict(JSON.parse(readFileSync(path.join(SCHEMAS, `${name ?? ''}.schema.json`), 'utf8'))) as { properties: Record<string, unknown> };
      // Every object has these, whether or not its CRD's schema names them.
      schema.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...schema.properties };
      const validate = ajv.compile(schema);
      expect(validate(doc) ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message ?? ''}`), file).toEqual([]);
      const typo = structuredClone(doc);
      typo.spec.validatonFailureAction = 'Enforce';
      expect(validate(typo), `${file} with a misspelt field`).toBe(false);
    }
  });

  it("Kyverno ClusterPolicy conditions (JMESPath over the predicate): a clean audit and aiprov's authorship pass, a hallucinated dependency fails", () => {
    const policies = docs.filter((d) => d.doc.kind === 'ClusterPolicy');
    expect(policies).toHaveLength(2);
    for (const { file, doc } of policies) {
      const rules = doc.spec.rules as {
        verifyImages: { type: string; attestations: { type: string; conditions: { all: { key: string; operator: string; value: unknown }[] }[] }[] }[];
      }[];
      const attestations = rules
        .flatMap((r) => r.verifyImages)
        .flatMap((v) => {
          expect(v.type).toBe('SigstoreBundle');
          return v.attestations;
        });
      const holds = (predicate: unknown, type: string): boolean =>
        attestations
          .filter((a) => a.type === type)
          .every((a) =>
            a.conditions.every((c) =>
              c.all.every((cond) => {
                expect(cond.operator, file).toBe('Equals');
                const expr = /^\{\{\s*(.+?)\s*\}\}$/.exec(cond.key)?.[1] ?? '';
                return (jmespath.search(predicate, expr) as unknown) === cond.value;
              }),
            ),
          );
      expect(attestations.map((a) => a.type).sort(), file).toEqual([PREDICATE_TYPES.authorship, PREDICATE_TYPES.deps]);
      expect(holds(clean.deps, PREDICATE_TYPES.deps), file).toBe(true);
      expect(holds(hallucinated, PREDICATE_TYPES.deps), file).toBe(false);
      expect(holds(clean.authorship, PREDICATE_TYPES.authorship), file).toBe(true);
    }
  });

  it("Kyverno ImageValidatingPolicy validations parse as CEL and, over aiprov's statements, admit the clean image and refuse the other", () => {
    const ivp = docs.find((d) => d.doc.kind === 'ImageValidatingPolicy')?.doc;
    const validations = (ivp?.spec.validations ?? []) as { expression: string }[];
    expect(validations).toHaveLength(3);
    const admit = (deps: DepsReport): boolean[] => {
      const statements: Record<string, unknown> = {
        deps: statement(subjects('a'.repeat(40)), PREDICATE_TYPES.deps, deps),
        authorship: statement(subjects('a'.repeat(40)), PREDICATE_TYPES.authorship, clean.authorship),
      };
      const env = new Environment({ unlistedVariablesAreDyn: true })
        .registerFunction('verifyAttestationSignatures(dyn, dyn, list): int', () => 1n)
        .registerFunction('extractPayload(dyn, dyn): dyn', (_image: unknown, attestation: unknown) => statements[String(attestation)]);
      return validations.map(
        (v) =>
          env.evaluate(v.expression, {
            images: { containers: ['registry.example.com/acme/app@sha256:00'] },
            attestations: { deps: 'deps', authorship: 'authorship' },
            attestors: { release: 'release' },
          }) as boolean,
      );
    };
    expect(admit(clean.deps)).toEqual([true, true, true]);
    expect(admit(hallucinated)).toEqual([true, false, true]);
  });

  it('policy-controller CUE policies (structurally): each constrains fields the statement aiprov signs has, with the values a clean one holds', () => {
    const cips = docs.filter((d) => d.doc.kind === 'ClusterImagePolicy');
    expect(cips.map((c) => (c.doc.spec.authorities as { signatureFormat: string }[])[0]?.signatureFormat).sort()).toEqual(['bundle', 'legacy']);
    for (const { file, doc } of cips) {
      for (const authority of doc.spec.authorities as { attestations: { predicateType: string; policy: { type: string; data: string } }[] }[]) {
        for (const a of authority.attestations) {
          expect(a.policy.type, file).toBe('cue');
          const body = a.predicateType === PREDICATE_TYPES.deps ? clean.deps : clean.authorship;
          const signed = statement(subjects('a'.repeat(40)), a.predicateType, body) as unknown as Record<string, unknown>;
          expect(a.policy.data, file).toContain(`predicateType: "${a.predicateType}"`);
          // Each `a: b: c: value` line and each `key: value` inside braces names a path of the statement with that value.
          const lines = a.policy.data
            .split('\n')
            .map((l) => l.trim())
            .filter((l) => l !== '' && l !== '}');
          let prefix: string[] = [];
          for (const line of lines) {
            const parts = line.split(/:\s+/).map((p) => p.trim());
            const value = parts.pop() ?? '';
            const keys = [...prefix, ...parts];
            if (value === '{') {
              prefix = keys;
              continue;
            }
            const actual = keys.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], signed);
            expect(actual, `${file}: ${keys.join('.')}`).toEqual(JSON.parse(value));
          }
        }
      }
    }
  });
});
