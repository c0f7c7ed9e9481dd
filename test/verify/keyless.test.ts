import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signKeyless, type SerializedBundle } from '../../src/attest/sign.js';
import { PREDICATE_TYPES, reviewPredicate, statement, subjects } from '../../src/attest/statement.js';
import { verifyAttestation, type AttestationVerifyOptions } from '../../src/verify/attestation.js';
import { parseTrustedRoot, publicGoodRoot } from '../../src/verify/trusted-root.js';
import { linearRepo } from '../../fixtures/repos.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';
import { identityToken, startMockSigstore, type MockSigstore } from './mock-sigstore.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const SAN = 'https://github.com/acme/app/.github/workflows/attest.yml@refs/heads/main';
const EVIL = 'https://github.com/acme/app-evil/.github/workflows/attest.yml@refs/heads/main';
const COMMIT = 'c'.repeat(40);
const review = reviewPredicate({
  reviewer: { name: 'Dana Human' },
  scope: { range: 'main..feature' },
  decision: 'approved',
  reviewedAt: '2026-11-22T10:00:00Z',
});

let sigstore: MockSigstore;
let good: SerializedBundle;
let evil: SerializedBundle;
let dir: string;

const sign = (subject: string): Promise<SerializedBundle> =>
  signKeyless(statement(subjects(COMMIT), PREDICATE_TYPES.review, review), {
    identityProvider: { getToken: () => Promise.resolve(identityToken(subject, ISSUER)) },
    fulcioURL: sigstore.url,
    rekorURL: 'http://127.0.0.1:9',
    tlogUpload: false,
    tsaURL: sigstore.tsaURL,
  });

beforeAll(async () => {
  sigstore = await startMockSigstore();
  [good, evil] = await Promise.all([sign(SAN), sign(EVIL)]);
  dir = await tempDir();
  await writeFile(path.join(dir, 'root.json'), JSON.stringify(sigstore.trustedRoot));
});
afterAll(async () => {
  await sigstore.close();
});

const verify = (bundle: unknown, identity: { exact: string } | { pattern: string } = { exact: SAN }, extra: Partial<AttestationVerifyOptions> = {}) =>
  verifyAttestation({
    bundle,
    trust: { kind: 'certificate', root: parseTrustedRoot(sigstore.trustedRoot, 'mock'), identity: { subject: identity, issuer: ISSUER } },
    predicateType: PREDICATE_TYPES.review,
    subject: { gitCommit: COMMIT },
    now: new Date(),
    ...extra,
  });
const failed = async (p: ReturnType<typeof verify>): Promise<string | undefined> => (await p).checks.find((c) => c.result === 'failed')?.name;

describe('keyless: Fulcio certificate and RFC 3161 timestamp (mock Sigstore on 127.0.0.1)', () => {
  it('a bundle v0.3 with the certificate and a timestamp, verified offline against the trusted root: every check', async () => {
    expect(good.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(good.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(1);
    const v = await verify(good, { exact: SAN }, { maxAgeMs: 600_000 });
    expect(v.checks.filter((c) => c.result !== 'passed')).toEqual([]);
    expect(v.signer).toBe(`${SAN} (${ISSUER})`);
    expect(Math.abs((v.signedAt?.getTime() ?? 0) - Date.now())).toBeLessThan(120_000);
    expect((await verify(good, { pattern: 'https://github\\.com/acme/app/.*' })).verified).toBe(true);
  });

  it('an identity that only partly matches fails, exact or by pattern (acme/app against acme/app-evil); so do another issuer and another root', async () => {
    expect(await failed(verify(evil))).toBe('identity');
    // Unanchored, `https://github.com/acme/app` would match the evil identity: anchored here, it does not.
    expect(await failed(verify(evil, { pattern: 'https://github\\.com/acme/app' }))).toBe('identity');
    expect(await failed(verify(evil, { pattern: 'https://github\\.com/acme/app.*' }))).toBeUndefined();
    const otherIssuer = await verifyAttestation({
      bundle: good,
      trust: {
        kind: 'certificate',
        root: parseTrustedRoot(sigstore.trustedRoot, 'mock'),
        identity: { subject: { exact: SAN }, issuer: 'https://accounts.google.com' },
      },
      predicateType: PREDICATE_TYPES.review,
      subject: { gitCommit: COMMIT },
      now: new Date(),
    });
    expect(otherIssuer.checks.find((c) => c.result === 'failed')?.name).toBe('identity');
    const publicGood = await verifyAttestation({
      bundle: good,
      trust: { kind: 'certificate', root: publicGoodRoot().root, identity: { subject: { exact: SAN }, issuer: ISSUER } },
      predicateType: PREDICATE_TYPES.review,
      subject: { gitCommit: COMMIT },
      now: new Date(),
    });
    expect(publicGood.checks.find((c) => c.result === 'failed')?.name).toBe('signature');
  });

  it('too old by its verified timestamp; without its timestamp it does not verify at all', async () => {
    const later = new Date(Date.now() + 2 * 86_400_000);
    const old = await verify(good, { exact: SAN }, { maxAgeMs: 86_400_000, now: later });
    expect(old.checks.find((c) => c.result === 'failed')).toMatchObject({
      name: 'freshness',
      detail: expect.stringMatching(/verified timestamp.*older than the 1d allowed/) as unknown,
    });
    const stripped = structuredClone(good);
    stripped.verificationMaterial.timestampVerificationData = { rfc3161Timestamps: [] };
    expect(await failed(verify(stripped))).toBe('signature');
  });

  it('a key bundle where a certificate is expected, and the reverse, fail the signature check', async () => {
    const keyTrust = await verifyAttestation({
      bundle: good,
      trust: { kind: 'keys', keys: [] },
      predicateType: PREDICATE_TYPES.review,
      subject: { gitCommit: COMMIT },
      now: new Date(),
    });
    expect(keyTrust.checks.find((c) => c.result === 'failed')?.detail).toMatch(/signed with a certificate/);
  });
});

describe('aiprov attest --keyless, stored in notes, and aiprov verify --from-notes', () => {
  it('signs with the CI token, appends to refs/notes/aiprov-attestations, and verifies by identity offline; exit 1 for the wrong identity, 2 without an issuer', async () => {
    const repo = await tempDir();
    const shas = await linearRepo(repo, 3);
    const head = shas.at(-1) ?? '';
    const out = path.join(dir, 'out');
    const env = { SIGSTORE_ID_TOKEN: identityToken(SAN, ISSUER) };
    const keyless = ['--keyless', '--fulcio-url', sigstore.url, '--no-tlog-upload', '--tsa-url', sigstore.tsaURL];
    const first = await runCli(['attest', '--repo', repo, ...keyless, '--predicate', 'authorship', '--store', 'both', '--output-dir', out, '--quiet'], { env });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(await readdir(out)).toEqual([`${head.slice(0, 12)}.authorship.sigstore.json`]);
    // A second run appends; nothing is replaced.
    expect((await runCli(['attest', '--repo', repo, ...keyless, '--predicate', 'authorship,bom', '--store', 'notes', '--quiet'], { env })).code).toBe(0);
    const trust = ['--certificate-identity', SAN, '--certificate-oidc-issuer', ISSUER, '--trusted-root', path.join(dir, 'root.json')];
    const ok = await runCli(['verify', '--repo', repo, '--from-notes', '--type', 'authorship', ...trust, '--max-age', '1h', '--format', 'json']);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout) as { verified: boolean; bundles: { bundle: string; verified: boolean }[] };
    expect(report.verified).toBe(true);
    expect(report.bundles.map((b) => b.bundle)).toEqual([
      `refs/notes/aiprov-attestations:${head.slice(0, 12)}#1`,
      `refs/notes/aiprov-attestations:${head.slice(0, 12)}#2`,
    ]);
    expect((await runCli(['verify', '--repo', repo, '--from-notes', '--type', 'bom', ...trust])).code).toBe(0);

    const evilIdentity = await runCli([
      'verify',
      '--repo',
      repo,
      '--from-notes',
      '--type',
      'authorship',
      '--certificate-identity-regexp',
      'https://github\\.com/acme/app-evil/.*',
      '--certificate-oidc-issuer',
      ISSUER,
      '--trusted-root',
      path.join(dir, 'root.json'),
    ]);
    expect(evilIdentity.code).toBe(1);
    expect(evilIdentity.stdout).toMatch(/failed +identity/);
    const otherIssuer = await runCli([
      'verify',
      '--repo',
      repo,
      '--from-notes',
      '--type',
      'authorship',
      '--certificate-identity',
      SAN,
      '--certificate-oidc-issuer',
      'https://accounts.google.com',
      '--trusted-root',
      path.join(dir, 'root.json'),
    ]);
    expect(otherIssuer.code).toBe(1);
    expect(otherIssuer.stdout).toMatch(
      /failed +identity +certificate issuer "https:\/\/token\.actions\.githubusercontent\.com" is not "https:\/\/accounts\.google\.com"/,
    );
    // No attestation of the type on that commit: a failure, not a pass.
    const none = await runCli(['verify', '--repo', repo, '--commit', shas[0] ?? '', '--from-notes', '--type', 'authorship', ...trust]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no attestation of type https:\/\/aiprov\.dev\/ai-authorship\/v1 on commit/);
    const noIssuer = await runCli(['verify', '--repo', repo, '--from-notes', '--type', 'authorship', '--certificate-identity', SAN]);
    expect(noIssuer.code).toBe(2);
    expect(noIssuer.stderr).toMatch(/--certificate-oidc-issuer/);
  });

  it('Fulcio unreachable: a one-line SIGNING_FAILED naming the service (exit 2), nothing signed; no token: exit 2 and what to do, no bundle written', async () => {
    const down = signKeyless(statement(subjects(COMMIT), PREDICATE_TYPES.review, review), {
      identityProvider: { getToken: () => Promise.resolve(identityToken(SAN, ISSUER)) },
      fulcioURL: 'http://127.0.0.1:9',
      rekorURL: 'http://127.0.0.1:9',
      tlogUpload: false,
      tsaURL: sigstore.tsaURL,
      retries: 0,
    });
    await expect(down).rejects.toMatchObject({
      code: 'SIGNING_FAILED',
      exitCode: 2,
      message: expect.stringMatching(/^keyless signing failed \(Fulcio http:\/\/127\.0\.0\.1:9, TSA .*\): [^\n]+$/) as unknown,
    });
    const repo = await tempDir();
    await linearRepo(repo, 1);
    const out = path.join(dir, 'down');
    const noToken = await runCli(
      ['attest', '--repo', repo, '--keyless', '--fulcio-url', sigstore.url, '--no-tlog-upload', '--tsa-url', sigstore.tsaURL, '--output-dir', out],
      { env: { SIGSTORE_ID_TOKEN: '', ACTIONS_ID_TOKEN_REQUEST_URL: '', BUILDKITE: '' } },
    );
    expect(noToken.code).toBe(2);
    expect(noToken.stderr.trim().split('\n')).toHaveLength(1);
    expect(noToken.stderr).toMatch(/no OIDC token/);
    expect(await readdir(out)).toEqual([]);
  });
});
