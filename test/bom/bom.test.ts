import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commitAt, sharedLinesRepo } from '../../fixtures/repos.js';
import { scanHistory } from '../../src/authorship/scan.js';
import { blameTree } from '../../src/blame/blame.js';
import { contentSerial, generateBom, publicUrl, type BomOptions } from '../../src/bom/bom.js';
import { modelKey } from '../../src/bom/facts.js';
import { bomProblems } from '../../src/bom/validate.js';
import { fixedClock } from '../../src/kernel/clock.js';
import type { DepsReport } from '../../src/deps/audit.js';
import { importHistory } from '../../src/git/fast-import.js';
import { ctx, tempDir } from '../helpers.js';
import { bomFixture, bomRegistry } from './fixture.js';
import { runCli } from '../cli/run-cli.js';
import { NOW, npmConfigDir } from '../deps/helpers.js';

type Json = Record<string, unknown>;
interface Component {
  'type': string;
  'name': string;
  'bom-ref': string;
  'properties'?: { name: string; value: string }[];
  'evidence'?: Json;
  'pedigree'?: { commits: { uid: string }[] };
  'modelCard'?: Json;
}

const GOLDEN = path.join(path.dirname(new URL(import.meta.url).pathname), 'golden', 'blame-repo.cdx.json');
const server = await bomRegistry();

let repo: string;
let shas: string[];
let deps: DepsReport;

beforeAll(async () => {
  ({ repo, shas, deps } = await bomFixture(server));
});

const bom = async (options: Omit<BomOptions, 'context'> = {}) =>
  generateBom({ context: await ctx(repo, { clock: fixedClock(NOW) }), reproducible: true, ...options });
const components = (doc: Json): Component[] => doc.components as Component[];
const prop = (c: { properties?: { name: string; value: string }[] }, name: string): string | undefined => c.properties?.find((p) => p.name === name)?.value;

describe('aiprov bom', () => {
  it('matches the golden BOM of the fixture repository (AIPROV_UPDATE_GOLDEN=1 regenerates it), and validates against CycloneDX 1.6', async () => {
    const { text, bom: doc } = await bom();
    if (process.env.AIPROV_UPDATE_GOLDEN === '1') {
      await mkdir(path.dirname(GOLDEN), { recursive: true });
      await writeFile(GOLDEN, text);
    }
    expect(text).toBe(await readFile(GOLDEN, 'utf8'));
    expect(await bomProblems(text, '1.6')).toEqual([]);
    expect(doc.specVersion).toBe('1.6');
    expect(text).not.toContain('SECRET');
    expect((doc.metadata as { component: Json }).component).toMatchObject({
      'type': 'application',
      'name': 'blame-fixture',
      'version': shas.at(-1),
      'bom-ref': 'repository',
      'externalReferences': [{ type: 'vcs', url: 'https://github.com/example/blame-fixture.git', comment: `commit ${shas.at(-1) ?? ''}` }],
    });
  });

  it('has each model and agent that contributed, with the commits the scan found and the lines blame found', async () => {
    const { bom: doc } = await bom();
    const context = await ctx(repo);
    const [scan, blame] = await Promise.all([scanHistory({ context }), blameTree({ context, contributors: true })]);
    const models = components(doc).filter((c) => c.type === 'machine-learning-model');
    // Known by construction (fixtures/blame-repo.ts): trailers, notes, a git-ai note, an Agent Trace record, an aider author name.
    expect(models.map((m) => m.name).sort()).toEqual([
      'anthropic/claude-opus-4',
      'claude-opus-4.6',
      'claude-sonnet-4.5',
      'gpt-5',
      'gpt-5-codex',
      'model not recorded (OpenAI Codex)',
      'model not recorded (aider)',
      'swe-1',
    ]);
    const commitsByKey = new Map<string, number>();
    for (const commit of scan.commits) {
      const keys = new Set(commit.detections.filter((d) => d.role === 'author').map((d) => modelKey(d.agent, d.model)));
      if (commit.ai) for (const key of keys) commitsByKey.set(key, (commitsByKey.get(key) ?? 0) + 1);
    }
    const linesByKey = new Map<string, number>();
    for (const [contributor, n] of Object.entries(blame.totals.byContributor ?? {})) {
      if (contributor.includes('+')) continue;
      const [agent, model] = [contributor.slice(0, contributor.indexOf('/')), contributor.slice(contributor.indexOf('/') + 1)];
      linesByKey.set(modelKey(agent, model), (linesByKey.get(modelKey(agent, model)) ?? 0) + n);
    }
    for (const m of models) {
      const key = m['bom-ref'].slice('model:'.length);
      expect([key, prop(m, 'aiprov:commits')]).toEqual([key, String(commitsByKey.get(key) ?? 0)]);
      expect([key, prop(m, 'aiprov:lines')]).toEqual([key, String(linesByKey.get(key) ?? 0)]);
      expect(prop(m, 'cdx:ai-ml:model:modality')).toBe('code');
      expect(m.modelCard).toEqual({ modelParameters: { task: 'code-generation' }, considerations: { useCases: ['code generation in this repository'] } });
    }
    expect(new Set([...commitsByKey.keys(), ...linesByKey.keys()])).toEqual(new Set(models.map((m) => m['bom-ref'].slice('model:'.length))));
    const agents = components(doc).filter((c) => c['bom-ref'].startsWith('agent:'));
    expect(agents.map((a) => prop(a, 'aiprov:agent')).sort()).toEqual(['aider', 'claude-code', 'codex', 'cursor', 'other']);
    for (const a of agents) {
      const id = prop(a, 'aiprov:agent') ?? '';
      expect([id, prop(a, 'aiprov:commits')]).toEqual([id, String(scan.summary.byAgent[id]?.commits ?? 0)]);
      expect([id, prop(a, 'aiprov:lines')]).toEqual([id, String(blame.totals.byAgent[id] ?? 0)]);
    }
    const props = Object.fromEntries((doc.properties as { name: string; value: string }[]).map((p) => [p.name, p.value]));
    expect(props).toMatchObject({
      'aiprov:lines': String(blame.totals.lines),
      'aiprov:ai-lines': String(blame.totals.aiLines),
      'aiprov:commits': String(scan.summary.commits),
      'aiprov:ai-commits': String(scan.summary.aiCommits),
      'cdx:ai:codegen:detected': 'true',
      'cdx:ai:codegen:tools': 'aider,claude-code,codex,cursor,other',
      'cdx:ai:codegen:confidence': '0.99',
      'cdx:ai:oversight:aiLineRatio': (blame.totals.aiLines / blame.totals.lines).toFixed(4),
    });
  });

  it('says how each model was identified, where its lines are and which commits are its own', async () => {
    const { bom: doc } = await bom();
    const byName = new Map(components(doc).map((c) => [c.name, c]));
    const codex = byName.get('gpt-5-codex');
    expect(codex?.evidence).toEqual({
      identity: [
        {
          field: 'name',
          confidence: 1,
          concludedValue: 'gpt-5-codex',
          methods: [{ technique: 'attestation', confidence: 1, value: 'refs/notes/aiprov: 1 commit' }],
        },
      ],
      occurrences: [{ location: 'a.ts', additionalContext: '4 lines written by this model at this revision' }],
    });
    expect(codex?.pedigree?.commits.map((c) => c.uid)).toEqual([shas[2]]);
    const sonnet = byName.get('claude-sonnet-4.5');
    expect((sonnet?.evidence?.identity as { methods: Json[] }[])[0]?.methods).toEqual([
      { technique: 'other', confidence: 0.9, value: 'claude-code/identity: 1 commit' },
    ]);
    // A model blame credits through an Agent Trace record only: lines, no commit evidence.
    const opus4 = byName.get('anthropic/claude-opus-4');
    expect(opus4?.evidence).toEqual({ occurrences: [{ location: 'd.ts', additionalContext: '2 lines written by this model at this revision' }] });
    expect(opus4?.pedigree).toBeUndefined();
  });

  it('caps occurrences and commits per model, and says so in the document', async () => {
    const dir = await tempDir();
    execFileSync('git', ['init', '--quiet', '--initial-branch=main', dir]);
    const files = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`src/f${String(i).padStart(2, '0')}.ts`, 'x\n'.repeat(i + 1)]));
    await importHistory(dir, [
      commitAt(0, 'Many files\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n', { files }),
      ...Array.from({ length: 6 }, (_, i) =>
        commitAt(i + 1, `More ${i}\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n`, { files: { [`more${i}.ts`]: 'y\n' } }),
      ),
    ]);
    const result = await generateBom({ context: await ctx(dir), reproducible: true, caps: { files: 10, commits: 3 } });
    const model = components(result.bom).find((c) => c.name === 'claude-sonnet-4.5');
    const occurrences = (model?.evidence?.occurrences ?? []) as { location: string }[];
    // The files with the most lines first: f39 (40 lines) down to f30.
    expect(occurrences.map((o) => o.location)).toEqual(Array.from({ length: 10 }, (_, i) => `src/f${39 - i}.ts`));
    expect(prop(model ?? {}, 'aiprov:occurrences-capped')).toBe('10 of 46 files listed, those with the most lines (cap 10)');
    expect(model?.pedigree?.commits).toHaveLength(3);
    expect(prop(model ?? {}, 'aiprov:commits-capped')).toBe('3 of 7 commits listed, the newest (cap 3)');
    expect(prop(model ?? {}, 'aiprov:files')).toBe('46');
  });

  it('names the agents that share lines: every agent present by name, the shared lines adding up', async () => {
    const dir = await tempDir();
    await sharedLinesRepo(dir);
    const result = await generateBom({ context: await ctx(dir), reproducible: true });
    expect(await bomProblems(result.text, '1.6')).toEqual([]);
    const properties = (result.bom.properties ?? []) as { name: string; value: string }[];
    const value = (name: string): string | undefined => properties.find((p) => p.name === name)?.value;
    // 1-2 Claude Code alone, 3-4 both, 5-6 Cursor alone.
    expect([value('aiprov:ai-lines'), value('aiprov:shared-lines'), value('aiprov:shared-lines:claude-code+cursor')]).toEqual(['6', '2', '2']);
    const agents = components(result.bom).filter((c) => c['bom-ref'].startsWith('agent:'));
    expect(agents.map((a) => [prop(a, 'aiprov:agent'), prop(a, 'aiprov:lines')]).sort()).toEqual([
      ['claude-code', '2'],
      ['cursor', '2'],
    ]);
  });

  it('is byte-for-byte reproducible with --reproducible; otherwise has a timestamp and a fresh serial number', async () => {
    const [a, b] = [await bom(), await bom()];
    expect(a.text).toBe(b.text);
    expect(a.bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((a.bom.metadata as Json).timestamp).toBeUndefined();
    expect(contentSerial(a.bom)).toBe(a.bom.serialNumber);
    const [c, d] = [await bom({ reproducible: false }), await bom({ reproducible: false })];
    expect(c.bom.serialNumber).not.toBe(d.bom.serialNumber);
    expect((c.bom.metadata as Json).timestamp).toBe(NOW);
  });

  it('validates against CycloneDX 1.7 when asked for it', async () => {
    const { text, bom: doc } = await bom({ spec: '1.7', deps });
    expect(doc.specVersion).toBe('1.7');
    expect(await bomProblems(text, '1.7')).toEqual([]);
  });

  it('1.7 cites the evidence each model and each AI-introduced dependency rests on (JSON Pointers into the BOM); 1.6 has no citations', async () => {
    const { text, bom: doc } = await bom({ spec: '1.7', deps });
    expect(await bomProblems(text, '1.7')).toEqual([]);
    const citations = doc.citations as { 'bom-ref': string; 'pointers': string[]; 'attributedTo': string; 'note': string; 'timestamp'?: string }[];
    const refs = new Set([...components(doc).map((c) => c['bom-ref']), 'tool:aiprov']);
    const resolve = (pointer: string): unknown =>
      pointer
        .split('/')
        .slice(1)
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
    for (const c of citations) {
      for (const p of c.pointers) expect(resolve(p), p).toBeDefined();
      expect(refs.has(c.attributedTo), c.attributedTo).toBe(true);
    }
    const cited = (ref: string) => citations.filter((c) => c.pointers.some((p) => components(doc)[Number(p.split('/')[2])]?.['bom-ref'] === ref));
    // Codex's record in refs/notes/aiprov: declared, the agent's word.
    expect(cited('model:gpt-5-codex')).toEqual([
      expect.objectContaining({ attributedTo: 'agent:codex', note: 'declared: an authorship record in git notes (refs/notes/aiprov) on 1 commit' }),
    ]);
    // Claude's trailer names its model: declared.
    expect(cited('model:claude-opus-4.6').map((c) => c.note)).toEqual([expect.stringMatching(/^declared: .* on 1 commit$/)]);
    // The name the audit found nowhere, introduced by Claude's commit: the audit's finding, at the time it asked the registry.
    const library = components(doc).find((c) => c.type === 'library' && prop(c, 'aiprov:introduced-by-ai') === 'true');
    expect(cited(library?.['bom-ref'] ?? '')).toEqual([
      expect.objectContaining({
        attributedTo: 'tool:aiprov',
        timestamp: deps.checkedAt,
      }),
    ]);
    expect(cited(library?.['bom-ref'] ?? '')[0]?.note).toMatch(
      /^the dependency audit: verdict \w+; introduced by commit [0-9a-f]{12}, which the scan credits to claude-code$/,
    );
    expect((await bom({ deps })).bom.citations).toBeUndefined();
  });

  it('with a dependency audit: libraries with purls and verdicts, the AI-introduced ones hung off their model, findings as vulnerabilities', async () => {
    const { text, bom: doc } = await bom({ deps });
    expect(await bomProblems(text, '1.6')).toEqual([]);
    const libraries = components(doc).filter((c) => c.type === 'library');
    expect(libraries.map((l) => [l['bom-ref'], prop(l, 'aiprov:verdict')])).toEqual([
      ['pkg:npm/express@5.1.0', 'ok'],
      ['pkg:npm/in-toto-attestation', 'hallucinated'],
    ]);
    expect(libraries.map((l) => prop(l, 'aiprov:introduced-by'))).toEqual([shas.at(-1), shas.at(-1)]);
    const graph = new Map((doc.dependencies as { ref: string; dependsOn?: string[] }[]).map((d) => [d.ref, d.dependsOn ?? []]));
    expect(graph.get('model:claude-opus-4.6')).toEqual(['pkg:npm/express@5.1.0', 'pkg:npm/in-toto-attestation']);
    expect(graph.get('agent:claude-code')).toEqual(['model:anthropic/claude-opus-4', 'model:claude-opus-4.6', 'model:claude-sonnet-4.5']);
    expect(graph.get('repository')).toEqual(expect.arrayContaining(['agent:claude-code', 'pkg:npm/express@5.1.0', 'pkg:npm/in-toto-attestation']));
    const vulnerabilities = doc.vulnerabilities as Json[];
    expect(vulnerabilities).toHaveLength(deps.dependencies.reduce((n, d) => n + (d.local === undefined ? d.findings.length : 0), 0));
    expect(vulnerabilities.find((v) => v.id === 'AIPROV-NOT-FOUND')).toMatchObject({
      source: { name: 'aiprov' },
      ratings: [{ score: 9, severity: 'critical', method: 'other' }],
      analysis: { state: 'in_triage' },
      // A BOM-Link to the component in this document, the purl after the '#': the form GUAC reads affected packages in.
      affects: [{ ref: `urn:cdx:${String(doc.serialNumber).slice('urn:uuid:'.length)}/1#pkg:npm/in-toto-attestation` }],
    });
    const annotation = (doc.annotations as { text: string }[])[0]?.text ?? '';
    expect(annotation).toMatch(/^\d+\.\d% of lines at [0-9a-f]{12} were written by AI agents .*; 1 hallucinated package among \d+ dependencies$/);
  });

  it('writes findings the way GUAC reads them (its CycloneDX parser refuses the whole document otherwise); a suppressed one as not_affected', async () => {
    const reviewed = structuredClone(deps);
    const finding = reviewed.dependencies.find((d) => d.name === 'in-toto-attestation')?.findings[0];
    if (finding) finding.suppressed = { reason: 'reserved by our security team', expires: '2027-01-01' };
    const { text, bom: doc } = await bom({ deps: reviewed });
    expect(await bomProblems(text, '1.6')).toEqual([]);
    const vulnerabilities = doc.vulnerabilities as {
      id: string;
      ratings: { score?: number }[];
      analysis: { state: string; detail?: string };
      affects: { ref: string }[];
    }[];
    expect(vulnerabilities.length).toBeGreaterThan(0);
    for (const v of vulnerabilities) {
      // GUAC: an id "<type>-<id>", a state among resolved, exploitable, in_triage, not_affected, a score on every rating, affects as "…#pkg:…".
      expect(v.id).toMatch(/^[A-Z]+-.+/);
      expect(['resolved', 'exploitable', 'in_triage', 'not_affected']).toContain(v.analysis.state);
      for (const r of v.ratings) expect(typeof r.score).toBe('number');
      for (const a of v.affects) expect(a.ref.split('#')).toEqual([expect.stringMatching(/^urn:cdx:[0-9a-f-]{36}\/1$/), expect.stringMatching(/^pkg:/)]);
    }
    expect(vulnerabilities.find((v) => v.id === 'AIPROV-NOT-FOUND')?.analysis).toEqual({
      state: 'not_affected',
      detail: 'suppressed: reserved by our security team (until 2027-01-01)',
    });
  });

  it('refuses a dependency report of another commit or repository, naming both', async () => {
    const stale = { ...deps, repository: { root: repo, head: shas[0] ?? null } };
    await expect(bom({ deps: stale })).rejects.toMatchObject({
      code: 'BOM_INPUT_MISMATCH',
      message: `the dependency report is of commit ${shas[0] ?? ''}, not of ${shas.at(-1) ?? ''}: audit the same commit`,
    });
    await expect(bom({ deps: { ...deps, repository: { root: '/elsewhere', head: shas.at(-1) ?? null } } })).rejects.toMatchObject({
      code: 'BOM_INPUT_MISMATCH',
    });
  });

  it('references each attestation bundle with its SHA-256', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'authorship.sigstore.json'), '{"a":1}\n');
    await writeFile(path.join(dir, 'deps audit.sigstore.json'), '{"b":2}\n');
    const out = path.join(await tempDir(), 'bom.json');
    const run = await runCli(['bom', '--repo', repo, '--attestations', dir, '--reproducible', '--output', out, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(await readFile(out, 'utf8')) as { metadata: { component: { externalReferences: Json[] } } };
    expect(doc.metadata.component.externalReferences.filter((r) => r.type === 'attestation')).toEqual([
      {
        url: `${dir}/authorship.sigstore.json`,
        type: 'attestation',
        comment: 'Sigstore bundle of an in-toto attestation about this commit',
        hashes: [{ alg: 'SHA-256', content: 'e346432021b04179518d9614f3560ccd71354a4ee101ddcb893d6959a9d6301c' }],
      },
      {
        url: `${dir}/deps%20audit.sigstore.json`,
        type: 'attestation',
        comment: 'Sigstore bundle of an in-toto attestation about this commit',
        hashes: [{ alg: 'SHA-256', content: '651b5768de252a9f4d2083046d83f81c31369beb73d14411492b20ea8fd1fcf5' }],
      },
    ]);
  });
});

const SBOM = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'fixtures', 'sbom', 'cyclonedx-npm-svc.cdx.json');

describe('aiprov bom --merge', () => {
  it('enriches an SBOM made by cyclonedx-npm: its components keep their bom-refs, an AI-introduced library is matched by purl, the result validates', async () => {
    const sbom = JSON.parse(await readFile(SBOM, 'utf8')) as Json & { components: Component[]; dependencies: { ref: string; dependsOn?: string[] }[] };
    const { text, bom: doc } = await bom({ deps, merge: { sbom: structuredClone(sbom), file: SBOM } });
    expect(await bomProblems(text, '1.6')).toEqual([]);
    expect(doc.version).toBe(2);
    const merged = components(doc);
    const refs = new Set(merged.map((c) => c['bom-ref']));
    for (const c of sbom.components) expect(refs.has(c['bom-ref'])).toBe(true);
    expect(merged.filter((c) => c.type === 'library').length).toBe(sbom.components.length + 1);
    // express 5.1.0 is the SBOM's own component, now with the audit's verdict; the hallucinated name is added.
    const express = merged.find((c) => c['bom-ref'] === 'svc@1.0.0|express@5.1.0');
    expect(prop(express ?? {}, 'aiprov:verdict')).toBe('ok');
    expect(refs.has('pkg:npm/express@5.1.0')).toBe(false);
    expect(refs.has('pkg:npm/in-toto-attestation')).toBe(true);
    const graph = new Map((doc.dependencies as { ref: string; dependsOn?: string[] }[]).map((d) => [d.ref, d.dependsOn ?? []]));
    expect(graph.get('model:claude-opus-4.6')).toEqual(['pkg:npm/in-toto-attestation', 'svc@1.0.0|express@5.1.0']);
    expect(graph.get('svc@1.0.0')).toEqual(expect.arrayContaining(['svc@1.0.0|express@5.1.0', 'agent:claude-code', 'pkg:npm/in-toto-attestation']));
    for (const d of sbom.dependencies) expect(graph.get(d.ref)).toEqual(expect.arrayContaining(d.dependsOn ?? []));
    const metadata = doc.metadata as { component: Component & { externalReferences: Json[] }; tools: { components: { name: string }[] } };
    expect(metadata.component['bom-ref']).toBe('svc@1.0.0');
    expect(metadata.component.externalReferences).toContainEqual(expect.objectContaining({ type: 'vcs', url: 'https://github.com/example/blame-fixture.git' }));
    expect(metadata.tools.components.map((t) => t.name)).toEqual(['npm', 'cyclonedx-library', 'cyclonedx-npm', 'aiprov']);
    expect((doc.vulnerabilities as { affects: { ref: string }[] }[]).flatMap((v) => v.affects.map((a) => a.ref))).toContain(
      `urn:cdx:${String(doc.serialNumber).slice('urn:uuid:'.length)}/2#pkg:npm/in-toto-attestation`,
    );
    expect((doc.annotations as { subjects: string[] }[])[0]?.subjects).toEqual(['svc@1.0.0']);
  });

  it('refuses an SBOM that is not CycloneDX, is too old for model components, or does not validate, naming the file', async () => {
    const sbom = JSON.parse(await readFile(SBOM, 'utf8')) as Json & { components: Json[] };
    await expect(bom({ merge: { sbom: { spdxVersion: 'SPDX-2.3' }, file: 'x.spdx.json' } })).rejects.toMatchObject({
      code: 'BOM_INPUT_INVALID',
      message: 'SBOM x.spdx.json is not a CycloneDX JSON document (no "bomFormat": "CycloneDX")',
    });
    await expect(bom({ merge: { sbom: { ...sbom, specVersion: '1.4' }, file: 'old.json' } })).rejects.toMatchObject({
      code: 'BOM_INPUT_INVALID',
      message: expect.stringMatching(/^SBOM old\.json is CycloneDX 1\.4; aiprov merges into 1\.5, 1\.6 and 1\.7/) as unknown,
    });
    const broken = { ...sbom, components: [{ ...sbom.components[0], type: 'robot' }, ...sbom.components.slice(1)] };
    await expect(bom({ merge: { sbom: broken, file: 'broken.json' } })).rejects.toMatchObject({
      code: 'BOM_INPUT_INVALID',
      message: expect.stringMatching(
        /^SBOM broken\.json does not validate against CycloneDX 1\.6: \$\.components\[0\]\.type: must be equal to one of the allowed values/,
      ) as unknown,
    });
  });
});

describe('aiprov bom on the command line', () => {
  it('with --deps-report of another commit: exit 2, one line naming the commits, nothing written', async () => {
    const file = path.join(await tempDir(), 'deps.json');
    await writeFile(file, JSON.stringify({ ...deps, repository: { root: repo, head: shas[0] } }));
    const out = path.join(await tempDir(), 'bom.json');
    const run = await runCli(['bom', '--repo', repo, '--deps-report', file, '--output', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`aiprov: the dependency report is of commit ${shas[0] ?? ''}, not of ${shas.at(-1) ?? ''}: audit the same commit\n`);
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a --deps-report that is not an audit report is refused, naming the file', async () => {
    const file = path.join(await tempDir(), 'deps.json');
    await writeFile(file, '{"schema":"nope"}');
    const run = await runCli(['bom', '--repo', repo, '--deps-report', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^aiprov: dependency report ${file} is not an aiprov dependency audit: .+\\n$`));
    const missing = await runCli(['bom', '--repo', repo, '--deps-report', `${file}.missing`]);
    expect(missing.stderr).toBe(`aiprov: dependency report ${file}.missing: no such file\n`);
  });

  it('--deps-report of the same commit: the BOM says what the audit said', async () => {
    const file = path.join(await tempDir(), 'deps.json');
    await writeFile(file, JSON.stringify(deps));
    const run = await runCli(['bom', '--repo', repo, '--deps-report', file, '--reproducible', '--quiet']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe((await bom({ deps })).text);
  });

  it('--deps audits now (the registry named by your npm config) and puts the result in the BOM', async () => {
    const { env } = await npmConfigDir(server);
    const run = await runCli(['bom', '--repo', repo, '--deps', '--cache-dir', await tempDir('aiprov-cache-'), '--reproducible', '--quiet'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as Json;
    expect(
      components(doc)
        .filter((c) => c.type === 'library')
        .map((l) => [l['bom-ref'], prop(l, 'aiprov:verdict')]),
    ).toEqual([
      ['pkg:npm/express@5.1.0', 'ok'],
      ['pkg:npm/in-toto-attestation', 'hallucinated'],
    ]);
    expect((await runCli(['bom', '--repo', repo, '--offline'])).stderr).toBe('aiprov: --offline applies to --deps only\n');
  });

  it('writes CycloneDX or SPDX 3 JSON only, and says so for another format', async () => {
    const run = await runCli(['bom', '--repo', repo, '--format', 'table']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('aiprov: bom writes cyclonedx (CycloneDX JSON, the default) or spdx3 (SPDX 3.0.1 JSON-LD), not --format table\n');
  });
});

describe('remote URLs as a BOM may publish them', () => {
  it('drops credentials, turns scp-like addresses into ssh URLs, and leaves out local paths', () => {
    expect(publicUrl('https://user:token@github.com/o/r.git')).toBe('https://github.com/o/r.git');
    expect(publicUrl('git@github.com:o/r.git')).toBe('ssh://github.com/o/r.git');
    expect(publicUrl('ssh://git@host:2222/o/r')).toBe('ssh://host:2222/o/r');
    expect(publicUrl('/srv/git/r.git')).toBeNull();
    expect(publicUrl('file:///srv/git/r.git')).toBeNull();
  });
});
