import { cpSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attestCommit } from '../../src/attest/attest.js';
import { appendBundles } from '../../src/attest/store.js';
import { auditRepository } from '../../src/deps/audit.js';
import { openRepository } from '../../src/git/repository.js';
import { collectRepository } from '../../src/inventory/collect.js';
import { readOrgReport } from '../../src/inventory/org-report.js';
import { renderOrgText } from '../../src/render/org-page.js';
import { fixedClock } from '../../src/kernel/clock.js';
import type { SqlDatabase } from '../../src/store/database.js';
import { openStore } from '../../src/store/open.js';
import { runCli } from '../cli/run-cli.js';
import { buildDashboardRepo, type DashboardRepo } from '../dashboard/dashboard-repo.js';
import { NOW as AUDIT_NOW, npmConfigDir, registry, settingsFor } from '../deps/helpers.js';
import { ctx, tempDir } from '../helpers.js';
import { backends } from '../store/backends.js';
import { linearRepo } from '../../fixtures/repos.js';
import { pushSampleImage } from '../../src/demo/image.js';
import { RegistryClient } from '../../src/oci/client.js';
import { parseImageReference } from '../../src/oci/reference.js';
import type { LocalRegistry } from '../../src/oci/registry-process.js';
import { startDockerRegistry } from '../oci/docker-registry.js';

const NOW = '2026-04-10T12:00:00Z';
const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const server = await registry({ npm: {} });

let work: string;
let repo: DashboardRepo;
beforeAll(async () => {
  work = await tempDir('aiprov-verified-');
  repo = await buildDashboardRepo(path.join(work, 'shop'));
  execFileSync('git', ['-C', repo.dir, 'reset', '-q', '--hard']);
  const [, login, , , util, head] = repo.shas as [string, string, string, string, string, string];
  const context = await ctx(repo.dir, { clock: fixedClock(NOW) });
  const git = await openRepository(repo.dir);
  const { dir, env } = await npmConfigDir(server);
  const audit = await auditRepository({
    context: await ctx(repo.dir, { clock: fixedClock(AUDIT_NOW), env: { vars: env } }),
    cacheDir: await tempDir('aiprov-cache-'),
    npmrcDir: dir,
    settings: settingsFor(server),
  });
  // The trusted key attests the login commit and the head (authorship, and the head's audit).
  for (const [commit, predicates] of [
    [login, ['authorship']],
    [head, ['authorship', 'deps']],
  ] as const) {
    const made = await attestCommit({ context, commit, predicates, ...(commit === head ? { deps: audit } : {}), signer: { privateKey: trusted.privateKey } });
    await appendBundles(
      git,
      commit,
      made.map((a) => a.bundle),
    );
  }
  // Someone else's attestation of the util commit: well formed, signed, and not by anyone trusted.
  const forged = await attestCommit({ context, commit: util, predicates: ['authorship'], signer: { privateKey: stranger.privateKey } });
  await appendBundles(
    git,
    util,
    forged.map((a) => a.bundle),
  );
  writeFileSync(path.join(work, 'trusted.pub'), trusted.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(path.join(work, 'nobody.pub'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(path.join(work, 'reviewer.pub'), repo.reviewKey);
});

async function collectVerified(store: SqlDatabase, dir: string, reviewKeys: string[] = []) {
  return collectRepository({
    context: await ctx(dir, { clock: fixedClock(NOW) }),
    store,
    repository: { url: 'https://github.com/acme/shop' },
    verified: {
      trust: { kind: 'keys', keys: [trusted.publicKey] },
      reviewTrust: reviewKeys.length > 0 ? [{ kind: 'keys', keys: reviewKeys.map((k) => createPublicKey(k)) }] : [],
    },
  });
}

describe.each(backends())('collect --verified-only into $name', (backend) => {
  it('counts what the trusted attestations say and nothing unsigned; a forged attestation is refused and said; unknowns stay unknown', async () => {
    const store = await openStore({ target: await backend.target('verified'), cwd: '/', now: new Date(NOW) });
    const result = await collectVerified(store, repo.dir, [repo.reviewKey]);
    const [, login, , token, , head] = repo.shas;
    expect(result).toMatchObject({ mode: 'first', head, commits: { added: 2 }, totals: { lines: 13, aiLines: 8, commits: 2 } });
    expect(result.warnings.map((w) => w.message)).toContain(
      '1 authorship attestation in refs/notes/aiprov-attestations did not verify with the trust given: not counted',
    );
    const commits = await store.query<{ sha: string; evidence: string }>('SELECT sha, evidence FROM commit_authorship ORDER BY authored_at');
    expect(commits).toEqual([
      { sha: login, evidence: 'attested' },
      { sha: head, evidence: 'attested' },
    ]);
    const [state] = await store.query('SELECT verified_only, unreviewed_hunks, deps_audited_at FROM repository_state');
    expect(state).toMatchObject({ verified_only: 1, unreviewed_hunks: null });
    expect(state?.deps_audited_at).not.toBeNull();
    // The gate's decisions are unsigned notes: claims, not read.
    expect(await store.query('SELECT COUNT(*) AS n FROM check_records')).toEqual([{ n: 0 }]);
    // The signed review counts for the review signer trusted; the unsigned review notes do not.
    expect(await store.query('SELECT sha, reviewer, evidence FROM review_records')).toEqual([
      { sha: token, reviewer: 'riley@example.com', evidence: 'verified' },
    ]);
    const again = await collectVerified(store, repo.dir, [repo.reviewKey]);
    expect(again).toMatchObject({ mode: 'unchanged', head });
    // On the organisation's page: hunks not known (a dash, never 0); the attested audit found nothing.
    const org = await readOrgReport({ store, now: new Date(NOW) });
    expect(org.repositories[0]).toMatchObject({ verifiedOnly: true, unreviewedHunks: null, findings: 0 });
    expect(org.totals).toMatchObject({ hunksUnknown: 1, notAudited: 0 });
    expect(renderOrgText(org)).toContain('unreviewed high-risk hunks not known');
    await store.close();
  });

  it('without a review signer no review counts; with no trusted attestation at all, the repository is refused by name', async () => {
    const store = await openStore({ target: await backend.target('untrusted'), cwd: '/', now: new Date(NOW) });
    await collectVerified(store, repo.dir);
    expect(await store.query('SELECT COUNT(*) AS n FROM review_records')).toEqual([{ n: 0 }]);
    const bare = path.join(work, `unattested-${backend.name}`);
    cpSync(repo.dir, bare, { recursive: true });
    execFileSync('git', ['-C', bare, 'update-ref', '-d', 'refs/notes/aiprov-attestations']);
    await expect(collectVerified(store, bare)).rejects.toMatchObject({
      code: 'ATTESTATION_MISSING',
      message: expect.stringMatching(
        /^acme\/shop: no authorship attestation in the history of [0-9a-f]{12} verifies with the trust given \(0 commits with attestations read\)$/,
      ) as unknown,
    });
    await store.close();
  });
});

describe('aiprov collect --verified-only', () => {
  it('takes the trust as verify does; a key that signed nothing verifies nothing (exit 1), trust flags without it are refused (exit 2)', async () => {
    const store = path.join(work, 'cli.db');
    const ok = await runCli(['collect', '--repo', repo.dir, '--store', store, '--verified-only', '--key', path.join(work, 'trusted.pub'), '--format', 'json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ repositories: [{ mode: 'first', commits: { added: 2 } }] });
    const nobody = await runCli([
      'collect',
      '--repo',
      repo.dir,
      '--store',
      path.join(work, 'cli2.db'),
      '--verified-only',
      '--key',
      path.join(work, 'nobody.pub'),
    ]);
    expect(nobody.code).toBe(1);
    // Four commits hold attestations: the two attested, the forged one, and the signed review's.
    expect(nobody.stderr).toMatch(
      /no authorship attestation in the history of [0-9a-f]{12} verifies with the trust given \(4 commits with attestations read\)/,
    );
    const stray = await runCli(['collect', '--repo', repo.dir, '--store', store, '--key', path.join(work, 'trusted.pub')]);
    expect(stray).toMatchObject({ code: 2, stderr: 'aiprov: trust flags, --image and --max-age apply to --verified-only\n' });
    const none = await runCli(['collect', '--repo', repo.dir, '--store', store, '--verified-only']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nothing to trust: give --key PUB/);
  });
});

describe("collect --verified-only --image, against Debian's docker-registry", () => {
  let registry: LocalRegistry;
  const env = { AIPROV_PASSWORD: 'pipeline-secret' };
  beforeAll(async () => {
    registry = await startDockerRegistry();
    expect((await runCli(['keygen', '--prefix', path.join(work, 'ci')], { env })).code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await registry.stop();
  });

  async function pushed(name: string): Promise<string> {
    const image = `${registry.host}/acme/${name}:1.0`;
    const client = new RegistryClient(parseImageReference(image), { access: 'push' });
    await pushSampleImage(client, '1.0');
    return image;
  }

  it("takes the head from the image's verified authorship attestation; an image built from another history is refused by name", async () => {
    const image = await pushed('shop');
    const attest = await runCli(['attest', '--repo', repo.dir, '--key', path.join(work, 'ci.key'), '--image', image, '--predicate', 'authorship'], { env });
    expect(attest.code, attest.stderr).toBe(0);
    const store = path.join(work, 'image.db');
    const args = ['collect', '--repo', repo.dir, '--store', store, '--verified-only', '--key', path.join(work, 'ci.pub'), '--image', image, '--format', 'json'];
    const run = await runCli(args);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ repositories: [{ mode: 'first', head: repo.shas[5], totals: { lines: 13, aiLines: 8 } }] });
    expect((await runCli(args)).stdout).toContain('"mode":"unchanged"');

    const elsewhere = path.join(work, 'elsewhere');
    await linearRepo(elsewhere, 3);
    const other = await pushed('other');
    expect(
      (await runCli(['attest', '--repo', elsewhere, '--key', path.join(work, 'ci.key'), '--image', other, '--predicate', 'authorship'], { env })).code,
    ).toBe(0);
    const refused = await runCli(['collect', '--repo', repo.dir, '--store', store, '--verified-only', '--key', path.join(work, 'ci.pub'), '--image', other]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^aiprov: 127\.0\.0\.1:\d+\/acme\/other@sha256:[0-9a-f]{64}: its authorship attestation is of commit [0-9a-f]{12}, which is not in the history of [0-9a-f]{12}\n$/,
    );
  });
});
