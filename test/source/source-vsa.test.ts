import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commitFiles, initRepo } from '../../fixtures/repos.js';
import { packument, startRegistry } from '../../fixtures/registry-server.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { ORG_LEVELS, sourceVsaStatement } from '../../src/source/vsa.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';

const env = { AIPROV_PASSWORD: 'pipeline-secret' };
const CLAUDE = 'Co-Authored-By: Claude <noreply@anthropic.com>';
const DANA = { name: 'Dana Human', email: 'dana@example.com' };
const RESOURCE = 'git+https://example.com/acme/app';
const git = (dir: string, ...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });

/** Statements of the VSAs on a commit's note in refs/notes/commits, by line. */
function vsasOn(
  dir: string,
  sha: string,
): { line: string; statement: { subject: { annotations?: Record<string, string[]> }[]; predicate: Record<string, unknown> } }[] {
  const text = git(dir, 'notes', '--ref=commits', 'show', sha);
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const payload = (JSON.parse(line) as { dsseEnvelope?: { payload: string } }).dsseEnvelope?.payload;
      // Another tool's line may carry no envelope: kept, with no statement.
      return {
        line,
        statement: (payload === undefined ? { subject: [], predicate: {} } : JSON.parse(Buffer.from(payload, 'base64').toString('utf8'))) as never,
      };
    });
}

/** An aiprov note saying Claude wrote these lines of the commit. */
function lineRecord(dir: string, sha: string, file: string, lines: [number, number]): void {
  const note = {
    schema: 'https://aiprov.dev/authorship-note/v1',
    records: [
      { agent: 'claude-code', files: [{ path: file, ranges: [lines] }], tool: { name: 'aiprov', version: '0.1.0' }, recordedAt: '2026-01-01T00:00:00Z' },
    ],
  };
  git(dir, 'notes', '--ref=aiprov', 'add', '-f', '-m', JSON.stringify(note), sha);
}

let keys: string;
beforeAll(async () => {
  keys = await tempDir();
  for (const prefix of ['ci', 'forger']) expect((await runCli(['keygen', '--prefix', path.join(keys, prefix)], { env })).code).toBe(0);
});

const attest = (dir: string, extra: string[] = [], options: { key?: string; env?: Record<string, string> } = {}) =>
  runCli(
    [
      'attest',
      '--repo',
      dir,
      '--predicate',
      'source-vsa',
      '--key',
      path.join(keys, options.key ?? 'ci.key'),
      '--branch',
      'refs/heads/main',
      '--resource-uri',
      RESOURCE,
      ...extra,
    ],
    {
      env: { ...env, ...options.env },
    },
  );

async function repo(): Promise<{ dir: string; root: string }> {
  const dir = await tempDir();
  initRepo(dir);
  const root = await commitFiles(dir, { 'README.md': '# app\n', 'src/app.ts': 'export const app = 1;\n' }, 'Initial commit', DANA);
  return { dir, root };
}

describe('attest --predicate source-vsa: a SLSA Source VSA of a protected branch, chained by range', () => {
  it('grants each property over the range checked, continues from the previous trusted VSA, and keeps source-tool lines beside it', async () => {
    const { dir, root } = await repo();
    const good = await commitFiles(dir, { 'src/app.ts': 'export const app = 1;\nexport const more = 2;\n' }, `More\n\n${CLAUDE}\n`, DANA);
    lineRecord(dir, good, 'src/app.ts', [2, 2]);
    // A line another tool keeps on the commit (source-tool's provenance): it stays, first.
    git(dir, 'notes', '--ref=commits', 'add', '-m', '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","other":"tool"}', good);

    const missing = await attest(dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /no earlier source VSA by aiprov, signed by whom you trust, on refs\/heads\/main's first-parent history of [0-9a-f]{12}: give --since REV/,
    );

    const first = await attest(dir, ['--since', root]);
    expect(first.stderr).toContain('granted ORG_SOURCE_AI_ATTRIBUTED: 1 AI commit of 1, each with line records');
    expect(first.code).toBe(0);
    const [other, vsa] = vsasOn(dir, good);
    expect(other?.line).toBe('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","other":"tool"}');
    expect(vsa?.statement.subject[0]?.annotations).toEqual({ sourceRefs: ['refs/heads/main'], source_refs: ['refs/heads/main'] });
    expect(vsa?.statement.predicate).toMatchObject({
      verifier: { id: 'https://aiprov.dev/source-verifier' },
      resourceUri: RESOURCE,
      verificationResult: 'PASSED',
      verifiedLevels: ['SLSA_SOURCE_LEVEL_1', 'ORG_SOURCE_AI_ATTRIBUTED', 'ORG_SOURCE_AI_HIGH_RISK_REVIEWED', 'ORG_SOURCE_DEPS_CHECKED'],
      inputAttestations: [],
    });
    expect(validateAgainst('sourceVsaPredicate', vsa?.statement.predicate)).toBeNull();

    // The next revision: the range starts at the previous VSA, which the new one names.
    const person = await commitFiles(dir, { 'README.md': '# app\n\nUsage.\n' }, 'Docs', DANA);
    const second = await attest(dir);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`1 commit checked since the previous VSA on ${good.slice(0, 12)}`);
    const next = vsasOn(dir, person)[0]?.statement.predicate as { inputAttestations: { uri: string }[]; verifiedLevels: string[] };
    expect(next.inputAttestations.map((a) => a.uri)).toEqual([`refs/notes/commits:${good.slice(0, 12)}#2`]);
    expect(next.verifiedLevels).toHaveLength(4);

    // verify reads it back from refs/notes/commits, and checks what the Source track tells a consumer to check.
    const pub = path.join(keys, 'ci.pub');
    const verified = await runCli(['verify', '--repo', dir, '--commit', person, '--from-notes', '--type', 'source-vsa', '--key', pub]);
    expect(verified.code).toBe(0);
    const policy = path.join(await tempDir(), 'policy.yml');
    await writeFile(
      policy,
      `sourceVsa:\n  resourceUri: ${RESOURCE}\n  sourceRefs: [refs/heads/main]\n  levels: [ORG_SOURCE_AI_ATTRIBUTED, SLSA_SOURCE_LEVEL_1]\n`,
    );
    expect((await runCli(['verify', '--repo', dir, '--commit', person, '--from-notes', '--type', 'source-vsa', '--key', pub, '--policy', policy])).code).toBe(
      0,
    );
    await writeFile(policy, 'sourceVsa:\n  sourceRefs: [refs/heads/release]\n  levels: [SLSA_SOURCE_LEVEL_2]\n');
    const refused = await runCli(['verify', '--repo', dir, '--commit', person, '--from-notes', '--type', 'source-vsa', '--key', pub, '--policy', policy]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/sourceRefs refs\/heads\/main name none of refs\/heads\/release; levels not verified: SLSA_SOURCE_LEVEL_2/);
  });

  it('a property lost in one range stays lost along the chain until a longer range is checked again; a forged VSA does not shorten the range', async () => {
    const { dir, root } = await repo();
    expect((await attest(dir, ['--since', root])).code).toBe(2); // HEAD is the root: no range
    const seed = await commitFiles(dir, { 'docs/a.md': 'a\n' }, 'Docs', DANA);
    expect((await attest(dir, ['--since', root])).code).toBe(0);
    // An agent's commit with a trailer and no line records.
    const bare = await commitFiles(dir, { 'src/app.ts': 'export const app = 3;\n' }, `Tweak\n\n${CLAUDE}\n`, DANA);
    const lost = await attest(dir);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain(`not granted ORG_SOURCE_AI_ATTRIBUTED: 1 AI commit without line records: ${bare.slice(0, 12)} (claude-code)`);
    expect(vsasOn(dir, bare)[0]?.statement.predicate.verifiedLevels).toEqual([
      'SLSA_SOURCE_LEVEL_1',
      'ORG_SOURCE_AI_HIGH_RISK_REVIEWED',
      'ORG_SOURCE_DEPS_CHECKED',
    ]);

    // A clean range after it does not win the property back: the chain says the history before it lacks it.
    const clean = await commitFiles(dir, { 'docs/b.md': 'b\n' }, 'More docs', DANA);
    const still = await attest(dir);
    expect(still.code).toBe(1);
    expect(still.stderr).toContain(`not granted ORG_SOURCE_AI_ATTRIBUTED: the previous VSA (refs/notes/commits:${bare.slice(0, 12)}#1) did not grant it`);

    // A VSA granting everything, signed by a key nobody trusts, on a newer commit: ignored, the range still starts at the trusted one.
    const forged = await commitFiles(dir, { 'docs/c.md': 'c\n' }, 'Even more docs', DANA);
    const forger = await attest(dir, ['--since', seed], { key: 'forger.key' });
    expect(forger.code).toBe(1);
    expect(vsasOn(dir, forged)).toHaveLength(1);
    const latest = await commitFiles(dir, { 'docs/d.md': 'd\n' }, 'Last docs', DANA);
    const after = await attest(dir);
    expect(after.stderr).toContain(`2 commits checked since the previous VSA on ${clean.slice(0, 12)}`);
    expect(after.code).toBe(1);

    // Checking the whole history again, once the commit has its records, gives it back.
    lineRecord(dir, bare, 'src/app.ts', [1, 1]);
    const again = await attest(dir, ['--since', root]);
    expect(again.code).toBe(0);
    expect(vsasOn(dir, latest).at(-1)?.statement.predicate.inputAttestations).toEqual([]);
    expect(vsasOn(dir, latest).at(-1)?.statement.predicate.verifiedLevels).toContain('ORG_SOURCE_AI_ATTRIBUTED');
  });

  it('an unreviewed escalated AI hunk withholds the review property; a hallucinated dependency the deps one; a registry that does not answer writes nothing (exit 2)', async () => {
    const server = await startRegistry({
      npm: { express: packument('express', { versions: ['5.1.0'], created: '2010-12-29T19:38:25.450Z' }) },
      downloads: { express: 1e8 },
    });
    const user = path.join(await tempDir(), 'user.npmrc');
    await writeFile(user, `registry=${server.npmUrl}\n`);
    const cache = ['--cache-dir', path.join(await tempDir(), 'cache')];
    try {
      const { dir, root } = await repo();
      const crypto = await commitFiles(dir, { 'src/crypto/sign.ts': 'export const sign = (k: string) => k;\n' }, `Signing\n\n${CLAUDE}\n`, DANA);
      lineRecord(dir, crypto, 'src/crypto/sign.ts', [1, 1]);
      const deps = await commitFiles(
        dir,
        { 'package.json': '{ "dependencies": { "express": "^5.1.0", "express-search-helpers-pro": "^1.0.0" } }\n' },
        'Deps',
        DANA,
      );
      const run = await attest(dir, ['--since', root, ...cache], { env: { npm_config_userconfig: user } });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /not granted ORG_SOURCE_AI_HIGH_RISK_REVIEWED: 1 escalated AI hunk without an authenticated review: src\/crypto\/sign\.ts:1-1 \(crypto\)/,
      );
      expect(run.stderr).toContain('not granted ORG_SOURCE_DEPS_CHECKED: flagged: express-search-helpers-pro (hallucinated)');
      expect(vsasOn(dir, deps)[0]?.statement.predicate.verifiedLevels).toEqual(['SLSA_SOURCE_LEVEL_1', 'ORG_SOURCE_AI_ATTRIBUTED']);
      await server.close();
      git(dir, 'notes', '--ref=commits', 'remove', deps);
      const down = await attest(dir, ['--since', root, '--cache-dir', path.join(await tempDir(), 'empty')], { env: { npm_config_userconfig: user } });
      expect(down.code).toBe(2);
      expect(down.stderr).toMatch(
        /no VSA written: could not decide: 2 introduced names could not be looked up \(npm:express, npm:express-search-helpers-pro\)/,
      );
      expect(() => git(dir, 'notes', '--ref=commits', 'show', deps)).toThrow();
    } finally {
      await server.close().catch(() => undefined);
    }
  });

  it('the statement is pure and refuses what the Source track forbids; the flags that do not apply are refused before anything is read', async () => {
    const base = {
      commit: 'a'.repeat(40),
      resourceUri: RESOURCE,
      policy: { uri: 'x' },
      levels: [ORG_LEVELS.reviewed, ORG_LEVELS.attributed],
      timeVerified: new Date(0),
    };
    const s = sourceVsaStatement({ ...base, ref: 'refs/heads/main' });
    expect(s.predicate.verifiedLevels).toEqual(['SLSA_SOURCE_LEVEL_1', 'ORG_SOURCE_AI_ATTRIBUTED', 'ORG_SOURCE_AI_HIGH_RISK_REVIEWED']);
    expect(validateAgainst('statement', s)).toBeNull();
    expect(() => sourceVsaStatement({ ...base, ref: 'main' })).toThrow(/fully qualified/);
    const { dir } = await repo();
    const mixed = await runCli(['attest', '--repo', dir, '--predicate', 'source-vsa,authorship', '--key', path.join(keys, 'ci.key')], { env });
    expect([mixed.code, mixed.stderr]).toEqual([
      2,
      'aiprov: --predicate source-vsa is a VSA of the revision, made alone: attest the other predicates in another run\n',
    ]);
    const stray = await runCli(['attest', '--repo', dir, '--predicate', 'authorship', '--key', path.join(keys, 'ci.key'), '--since', 'HEAD'], { env });
    expect([stray.code, stray.stderr]).toEqual([2, 'aiprov: --since applies to --predicate source-vsa only\n']);
    const noRemote = await runCli(['attest', '--repo', dir, '--predicate', 'source-vsa', '--key', path.join(keys, 'ci.key'), '--branch', 'refs/heads/main'], {
      env,
    });
    expect([noRemote.code, noRemote.stderr]).toEqual([
      2,
      'aiprov: the repository has no origin remote with a URL: give --resource-uri git+https://host/owner/name\n',
    ]);
  });
});

describe("verify --type source-vsa on slsa-framework/source-tool's own VSA (fixtures/source-tool)", () => {
  const COMMIT = 'cfe06d63a7c8a9a282e83fee31aeac9d9eaf9fce';
  const IDENTITY = 'https://github.com/slsa-framework/source-actions/.github/workflows/compute_slsa_source.yml@refs/heads/main';
  const ISSUER = 'https://token.actions.githubusercontent.com';
  const fixture = path.join(import.meta.dirname, '../../fixtures/source-tool');

  async function sourceToolRepo(note?: string): Promise<string> {
    const dir = await tempDir();
    initRepo(dir);
    // The commit object alone (same id; its tree is not needed to read its notes), and its note as source-tool wrote it.
    expect(git(dir, 'hash-object', '-t', 'commit', '-w', path.join(fixture, 'cfe06d63a7c8.commit')).trim()).toBe(COMMIT);
    git(dir, 'notes', '--ref=commits', 'add', '-F', note ?? path.join(fixture, 'cfe06d63a7c8.note'), COMMIT);
    return dir;
  }
  const verify = (dir: string, ...extra: string[]) => runCli(['verify', '--repo', dir, '--commit', COMMIT, '--from-notes', '--type', 'source-vsa', ...extra]);

  it("verifies offline against the public-good root with source-tool's identity; its levels, refs and repository meet a policy", async () => {
    const dir = await sourceToolRepo();
    const run = await verify(dir, '--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 log entry, 1 verified timestamp (1 by a timestamp authority the trusted root does not list, not counted)');
    expect(run.stdout).toContain('valid against schemas/slsa-source-vsa.schema.json');
    const policy = path.join(await tempDir(), 'policy.yml');
    await writeFile(
      policy,
      'sourceVsa:\n  verifiers: [https://github.com/slsa-framework/source-actions]\n  resourceUri: git+https://github.com/slsa-framework/source-tool\n  sourceRefs: [refs/heads/main]\n  levels: [SLSA_SOURCE_LEVEL_2, TAG_HYGIENE]\n',
    );
    expect((await verify(dir, '--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER, '--policy', policy)).code).toBe(0);
    await writeFile(policy, 'sourceVsa:\n  levels: [ORG_SOURCE_AI_ATTRIBUTED]\n');
    const lacking = await verify(dir, '--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER, '--policy', policy);
    expect(lacking.code).toBe(1);
    expect(lacking.stdout).toContain('levels not verified: ORG_SOURCE_AI_ATTRIBUTED');
  });

  it('another identity, or a VSA whose payload was changed, does not verify', async () => {
    const wrong = await verify(
      await sourceToolRepo(),
      '--certificate-identity',
      IDENTITY.replace('source-actions', 'attacker'),
      '--certificate-oidc-issuer',
      ISSUER,
    );
    expect(wrong.code).toBe(1);
    const lines = (await readFile(path.join(fixture, 'cfe06d63a7c8.note'), 'utf8')).split('\n').filter((l) => l !== '');
    const bundle = JSON.parse(lines[1] ?? '') as { dsseEnvelope: { payload: string } };
    const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8').replace('"TAG_HYGIENE"', '"ORG_SOURCE_AI_ATTRIBUTED"');
    bundle.dsseEnvelope.payload = Buffer.from(payload).toString('base64');
    const note = path.join(await tempDir(), 'note');
    await writeFile(note, `${lines[0] ?? ''}\n${JSON.stringify(bundle)}\n`);
    const tampered = await verify(await sourceToolRepo(note), '--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/failed {2}signature/);
    // Without its log entry, the one timestamp left is by an authority the root does not list: nothing proves when it was signed.
    const unlogged = JSON.parse(lines[1] ?? '') as { verificationMaterial: { tlogEntries: unknown[] } };
    unlogged.verificationMaterial.tlogEntries = [];
    await writeFile(note, `${JSON.stringify(unlogged)}\n`);
    const untimed = await verify(await sourceToolRepo(note), '--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER);
    expect(untimed.code).toBe(1);
    expect(untimed.stdout).toMatch(/failed {2}signature +does not verify/);
  });

  it("aiprov's VSA has the fields source-tool's makes, and the branch under both spellings", async () => {
    const lines = (await readFile(path.join(fixture, 'cfe06d63a7c8.note'), 'utf8')).split('\n').filter((l) => l !== '');
    const theirs = JSON.parse(
      Buffer.from((JSON.parse(lines[1] ?? '') as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload, 'base64').toString('utf8'),
    ) as {
      subject: { annotations: Record<string, unknown> }[];
      predicate: Record<string, unknown>;
    };
    expect(validateAgainst('sourceVsaPredicate', theirs.predicate)).toBeNull();
    const ours = sourceVsaStatement({
      commit: COMMIT,
      ref: 'refs/heads/main',
      resourceUri: RESOURCE,
      policy: { uri: 'x' },
      levels: [],
      timeVerified: new Date(0),
    });
    for (const field of Object.keys(theirs.predicate)) expect(ours.predicate, field).toHaveProperty(field);
    for (const key of Object.keys(theirs.subject[0]?.annotations ?? {})) expect(ours.subject[0]?.annotations, key).toHaveProperty(key);
  });
});
