import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateBom } from '../../src/bom/bom.js';
import { NO_ASSERTION_ELEMENT } from '../../src/bom/spdx3.js';
import { spdx3Problems } from '../../src/bom/spdx3-validate.js';
import { modelSupplier } from '../../src/bom/suppliers.js';
import type { DepsReport } from '../../src/deps/audit.js';
import { fixedClock } from '../../src/kernel/clock.js';
import { runCli } from '../cli/run-cli.js';
import { ctx, tempDir } from '../helpers.js';
import { NOW } from '../deps/helpers.js';
import { bomFixture, bomRegistry } from './fixture.js';

type El = Record<string, unknown> & { type: string; spdxId: string };
const ROOT = path.join(import.meta.dirname, '..', '..');
const SCHEMA = path.join(ROOT, 'data', 'spdx-3.0.1', 'spdx-json-schema.json');

const server = await bomRegistry();
let repo: string;
let deps: DepsReport;
beforeAll(async () => {
  ({ repo, deps } = await bomFixture(server));
});

const spdx = async (extra: { deps?: DepsReport } = {}) =>
  (await generateBom({ context: await ctx(repo, { clock: fixedClock(NOW) }), reproducible: true, format: 'spdx3', ...extra })).bom as {
    '@context': string;
    '@graph': El[];
  };

/** Python's jsonschema (Draft 2020-12), a second implementation beside Ajv: the problems it finds, one per line (about ten seconds of CPU: its anyOf over every SPDX class). */
function pythonProblems(file: string): string {
  const script = `import json,sys
from jsonschema import Draft202012Validator
v = Draft202012Validator(json.load(open(sys.argv[1])))
for e in v.iter_errors(json.load(open(sys.argv[2]))): print(e.message[:200])`;
  return execFileSync('python3', ['-c', script, SCHEMA, file], { encoding: 'utf8' });
}

describe('aiprov bom --format spdx3: SPDX 3.0.1 JSON-LD with the AI profile', () => {
  it("validates against SPDX's published 3.0.1 schema, by Ajv and by Python's jsonschema; the models, agents and files are the CycloneDX BOM's", async () => {
    const doc = await spdx({ deps });
    expect(doc['@context']).toBe('https://spdx.org/rdf/3.0.1/spdx-context.jsonld');
    expect(spdx3Problems(doc)).toEqual([]);
    const file = path.join(await tempDir(), 'bom.spdx.json');
    await writeFile(file, JSON.stringify(doc));
    expect(pythonProblems(file)).toBe('');

    const graph = doc['@graph'];
    const byId = new Map(graph.map((e) => [e.spdxId, e]));
    const creation = graph[0] as unknown as { type: string; specVersion: string; createdBy: string[] };
    expect([creation.type, creation.specVersion]).toEqual(['CreationInfo', '3.0.1']);
    expect(byId.get(creation.createdBy[0] ?? '')?.type).toBe('SoftwareAgent');
    const models = graph.filter((e) => e.type === 'ai_AIPackage');
    // The same models as the CycloneDX AI-BOM of the same state, each supplied by its vendor or by no assertion.
    const cdx = (await generateBom({ context: await ctx(repo, { clock: fixedClock(NOW) }), reproducible: true })).bom as {
      components: { 'type': string; 'name': string; 'bom-ref': string; 'evidence'?: { occurrences?: { location: string }[] } }[];
    };
    const cdxModels = cdx.components.filter((c) => c.type === 'machine-learning-model');
    expect(models.map((m) => m.name).sort()).toEqual(cdxModels.map((c) => c.name).sort());
    for (const m of models) {
      expect(m.software_primaryPurpose).toBe('model');
      const name = String(m.name);
      const supplier = modelSupplier(m.software_packageVersion === 'unknown' ? null : name);
      expect(m.suppliedBy === NO_ASSERTION_ELEMENT ? undefined : byId.get(m.suppliedBy as string)?.name, name).toBe(supplier);
    }
    expect(models.find((m) => m.name === 'claude-opus-4.6')?.suppliedBy).not.toBe(NO_ASSERTION_ELEMENT);
    // Each model generates the files it wrote, as the CycloneDX BOM's occurrences say.
    for (const c of cdxModels) {
      const model = models.find((m) => m.name === c.name);
      const generates = graph.find((e) => e.type === 'Relationship' && e.from === model?.spdxId && e.relationshipType === 'generates');
      const files = ((generates?.to as string[] | undefined) ?? []).map((id) => byId.get(id)?.name).sort();
      expect(files, c.name).toEqual([...new Set((c.evidence?.occurrences ?? []).map((o) => o.location))].sort());
    }
    // The agents are tools that use their models; the repository uses the agents.
    const tools = graph.filter((e) => e.type === 'Tool' && e.name !== 'aiprov 0.1.0').map((e) => e.name);
    expect(tools).toContain('Claude Code');
    // Python's jsonschema takes some ten seconds of CPU on this schema whatever the document: a busy machine must not fail the test.
  }, 180_000);

  it('the audited dependencies are packages the repository depends on, each verdict a review annotation; the hallucinated one says so', async () => {
    const graph = (await spdx({ deps }))['@graph'];
    const packages = graph.filter((e) => e.type === 'software_Package' && typeof e.software_packageUrl === 'string');
    expect(packages.map((p) => p.software_packageUrl).sort()).toEqual(['pkg:npm/express@5.1.0', 'pkg:npm/in-toto-attestation']);
    const annotation = (name: string) =>
      graph.find((e) => e.type === 'Annotation' && e.subject === packages.find((p) => p.name === name)?.spdxId)?.statement as string | undefined;
    expect(annotation('in-toto-attestation')).toMatch(
      /^aiprov dependency audit [^:]+:\d\d:\d\d[^:]*: hallucinated — .*introduced by [0-9a-f]{12} \(claude-code\)$/,
    );
    expect(annotation('express')).toMatch(/: ok/);
    const dependsOn = graph.find((e) => e.type === 'Relationship' && e.relationshipType === 'dependsOn');
    expect((dependsOn?.to as string[]).length).toBe(2);
  });

  it('the AI profile asks more of an AIPackage than the schema checks: aiprov writes what it knows, and not the release time or download location of a hosted model', async () => {
    const model = await readFile(path.join(ROOT, 'fixtures', 'spdx', 'AIPackage.md'), 'utf8');
    const required = [...model.slice(model.indexOf('## External properties restrictions')).matchAll(/^- \/\w+\/\w+\/(\w+)\n {2}- minCount: 1$/gm)].map(
      (m) => m[1],
    );
    expect(required.sort()).toEqual(['downloadLocation', 'packageVersion', 'primaryPurpose', 'releaseTime', 'suppliedBy']);
    const field = (name: string): string => (['packageVersion', 'primaryPurpose', 'downloadLocation'].includes(name) ? `software_${name}` : name);
    for (const m of (await spdx())['@graph'].filter((e) => e.type === 'ai_AIPackage')) {
      const present = (required as string[]).filter((name) => m[field(name)] !== undefined).sort();
      expect(present, String(m.name)).toEqual(['packageVersion', 'primaryPurpose', 'suppliedBy']);
    }
  });

  it('draft-shaped SPDX 3 AI output, as tools wrote it before 3.0.1, is refused by the released schema; so is ours with one thing changed', async () => {
    const draft = {
      '@context': 'https://spdx.org/rdf/3.0.0/spdx-context.jsonld',
      '@graph': [
        { '@type': 'CreationInfo', '@id': '_:ci', 'specVersion': '3.0.0', 'created': '2024-06-01T00:00:00Z', 'createdBy': ['urn:tool'] },
        { '@type': 'AIPackage', '@id': 'SPDXRef-model', 'name': 'gpt-4o', 'primaryPurpose': 'model', 'autonomyType': 'yes', 'creationInfo': '_:ci' },
      ],
    };
    expect(spdx3Problems(draft).length).toBeGreaterThan(0);

    const ours = await spdx();
    const mutate = (change: (doc: { '@context': string; '@graph': El[] }) => void) => {
      const copy = structuredClone(ours);
      change(copy);
      return spdx3Problems(copy);
    };
    const firstModel = (doc: { '@graph': El[] }): El => doc['@graph'].find((e) => e.type === 'ai_AIPackage') as El;
    expect(mutate((d) => (d['@context'] = 'https://spdx.org/rdf/3.0.0/spdx-context.jsonld'))).not.toEqual([]);
    expect(mutate((d) => (firstModel(d).type = 'AIPackage'))).not.toEqual([]);
    expect(
      mutate((d) => {
        const m = firstModel(d);
        m.primaryPurpose = m.software_primaryPurpose;
        delete m.software_primaryPurpose;
      }),
    ).not.toEqual([]);
    expect(mutate((d) => (firstModel(d).ai_autonomyType = 'maybe'))).not.toEqual([]);
    expect(mutate((d) => (firstModel(d).creationInfo = { specVersion: '3.0.1' }))).not.toEqual([]);
  });

  it('through the CLI: written whole, the same bytes twice with --reproducible; --spec and --merge do not apply; an unknown format is refused', async () => {
    const dir = await tempDir();
    const out = (n: number) => path.join(dir, `bom${n}.spdx.json`);
    for (const n of [1, 2]) expect((await runCli(['bom', '--repo', repo, '--format', 'spdx3', '--reproducible', '-o', out(n)])).code).toBe(0);
    expect(await readFile(out(1), 'utf8')).toBe(await readFile(out(2), 'utf8'));
    expect(spdx3Problems(JSON.parse(await readFile(out(1), 'utf8')))).toEqual([]);
    const spec = await runCli(['bom', '--repo', repo, '--format', 'spdx3', '--spec', '1.7']);
    expect([spec.code, spec.stderr]).toEqual([2, 'aiprov: --spec is the CycloneDX version; --format spdx3 writes SPDX 3.0.1\n']);
    const merge = await runCli(['bom', '--repo', repo, '--format', 'spdx3', '--merge', out(1)]);
    expect([merge.code, merge.stderr]).toEqual([2, 'aiprov: --merge enriches a CycloneDX SBOM; the SPDX 3 document is written whole\n']);
    const xml = await runCli(['bom', '--repo', repo, '--format', 'xml']);
    expect([xml.code, xml.stderr]).toEqual([2, 'aiprov: bom writes cyclonedx (CycloneDX JSON, the default) or spdx3 (SPDX 3.0.1 JSON-LD), not --format xml\n']);
  });
});
