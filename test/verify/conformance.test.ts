import { createHash, createPublicKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyForConformance } from '../../src/verify/conformance.js';
import type { Trust } from '../../src/verify/signature.js';
import { parseTrustedRoot, publicGoodRoot } from '../../src/verify/trusted-root.js';

// sigstore-conformance's bundle-verify cases, as committed (fixtures/sigstore-conformance/README.md).
const SUITE = fileURLToPath(new URL('../../fixtures/sigstore-conformance/bundle-verify/', import.meta.url));
const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';
const CASES = readdirSync(SUITE)
  .filter((n) => statSync(path.join(SUITE, n)).isDirectory())
  .sort();

function materials(name: string): { bundle: unknown; artifact: Buffer; trust: () => Trust } {
  const file = (f: string): string => path.join(SUITE, name, f);
  const optional = (f: string): string | undefined => (existsSync(file(f)) ? readFileSync(file(f), 'utf8').trim() : undefined);
  let bundle: unknown;
  try {
    bundle = JSON.parse(readFileSync(file('bundle.sigstore.json'), 'utf8'));
  } catch {
    bundle = undefined;
  }
  const artifact = readFileSync(existsSync(file('artifact')) ? file('artifact') : path.join(SUITE, 'a.txt'));
  const trust = (): Trust => {
    const rootText = optional('trusted_root.json');
    const root = rootText !== undefined ? parseTrustedRoot(JSON.parse(rootText), name) : publicGoodRoot().root;
    const key = optional('key.pub');
    return key !== undefined
      ? { kind: 'keys', keys: [createPublicKey(key)], root }
      : { kind: 'certificate', root, identity: { subject: { exact: optional('identity') ?? DEFAULT_IDENTITY }, issuer: optional('issuer') ?? DEFAULT_ISSUER } };
  };
  return { bundle, artifact, trust };
}

/** What the protocol's client reports for a case: verified, or the reason it did not (a trusted root refused is a failure too). */
function run(name: string, input: 'path' | 'digest'): { verified: boolean; reason: string } {
  const m = materials(name);
  try {
    const artifact = input === 'path' ? { bytes: m.artifact } : { sha256: createHash('sha256').update(m.artifact).digest() };
    const result = verifyForConformance(m.bundle, m.trust(), artifact);
    const failed = result.checks.find((c) => c.result === 'failed');
    return { verified: result.verified, reason: failed ? `${failed.name}: ${failed.detail}` : '' };
  } catch (error) {
    return { verified: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

describe('sigstore-conformance bundle-verify, every offline case', () => {
  it('has the whole suite (70 cases)', () => {
    expect(CASES.length).toBe(70);
    expect(CASES.filter((n) => n.endsWith('_fail')).length).toBeGreaterThan(40);
  });

  for (const input of ['path', 'digest'] as const) {
    it(`every case right with the artifact given as a ${input === 'path' ? 'file' : 'sha256: digest'}`, () => {
      const wrong = CASES.map((name) => ({ name, ...run(name, input) })).filter((r) => r.verified === r.name.endsWith('_fail'));
      expect(wrong.map((r) => `${r.name}: ${r.verified ? 'verified' : r.reason}`)).toEqual([]);
    });
  }

  it('refuses a trusted root whose log has no validity start (which @sigstore/verify would read as unbounded)', () => {
    const r = run('trust-root-tlog-missing-validity-start_fail', 'path');
    expect(r.verified).toBe(false);
    expect(r.reason).toMatch(/tlogs\[\d\].*no validFor\.start/);
    // The same bundle with the start in place verifies: the refusal is about the root, not the bundle.
    expect(run('rekor2-happy-path', 'path').verified).toBe(true);
  });

  it('fails for the right reason, not by accident', () => {
    expect(run('dsse-mismatch-sig_fail', 'path').reason).toMatch(/^signature:/);
    expect(run('managed-key-no-key_fail', 'path').reason).toMatch(/^bundle:|^signature:/);
    expect(run('bundle-invalid-base64-signature_fail', 'path').reason).toMatch(/^bundle:/);
    expect(run('wrong-material_fail', 'digest').verified).toBe(false);
  });
});

describe('bin/sigstore-conformance (the CLI protocol)', () => {
  const BIN = fileURLToPath(new URL('../../bin/sigstore-conformance.js', import.meta.url));
  const cli = (args: string[]): { status: number | null; stderr: string } => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  const dir = (name: string, f: string): string => path.join(SUITE, name, f);

  it('verify-bundle with identity, with a digest, with a key; exit 1 for a failing case, 2 for a bad command line', () => {
    const a = path.join(SUITE, 'a.txt');
    const digest = `sha256:${createHash('sha256').update(readFileSync(a)).digest('hex')}`;
    const identity = ['--certificate-identity', DEFAULT_IDENTITY, '--certificate-oidc-issuer', DEFAULT_ISSUER];
    expect(cli(['verify-bundle', '--bundle', dir('happy-path-v0.3', 'bundle.sigstore.json'), ...identity, a])).toMatchObject({ status: 0, stderr: '' });
    expect(cli(['verify-bundle', '--bundle', dir('happy-path-v0.3', 'bundle.sigstore.json'), ...identity, digest]).status).toBe(0);
    expect(
      cli(['verify-bundle', '--bundle', dir('managed-key-happy-path', 'bundle.sigstore.json'), '--key', dir('managed-key-happy-path', 'key.pub'), a]).status,
    ).toBe(0);
    const bad = cli([
      'verify-bundle',
      '--bundle',
      dir('trust-root-tlog-missing-validity-start_fail', 'bundle.sigstore.json'),
      ...identity,
      '--trusted-root',
      dir('trust-root-tlog-missing-validity-start_fail', 'trusted_root.json'),
      a,
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/validFor\.start/);
    expect(
      cli([
        'verify-bundle',
        '--bundle',
        dir('happy-path-v0.3', 'bundle.sigstore.json'),
        ...identity.slice(0, 1),
        DEFAULT_IDENTITY.replace('main', 'evil'),
        ...identity.slice(2),
        a,
      ]).status,
    ).toBe(1);
    expect(cli(['verify-bundle', '--bundle', 'x', a]).status).toBe(2);
    expect(cli(['sign-bundle']).status).toBe(2);
  });
});
