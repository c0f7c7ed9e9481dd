import { generateKeyPairSync, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { pae } from '../../src/attest/dsse.js';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { describe, expect, it } from 'vitest';
import { signWithKey, type SerializedBundle } from '../../src/attest/sign.js';
import { PREDICATE_TYPES, reviewPredicate, statement, subjects } from '../../src/attest/statement.js';
import { verifyAttestation, type AttestationVerification, type AttestationVerifyOptions } from '../../src/verify/attestation.js';

const COMMIT = 'c'.repeat(40);
const review = reviewPredicate({
  reviewer: { name: 'Dana Human' },
  scope: { range: 'main..feature' },
  decision: 'approved',
  reviewedAt: '2026-11-22T10:00:00Z',
});
const pair = (kind: 'p256' | 'ed25519'): { privateKey: KeyObject; publicKey: KeyObject } =>
  kind === 'p256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
const keys = pair('p256');
const bundle = await signWithKey(statement(subjects(COMMIT), PREDICATE_TYPES.review, review), keys.privateKey);

const NOW = new Date('2026-11-22T12:00:00Z');
const check = (bundleJson: unknown, extra: Partial<AttestationVerifyOptions> = {}): Promise<AttestationVerification> =>
  verifyAttestation({
    bundle: bundleJson,
    trust: { kind: 'keys', keys: [keys.publicKey] },
    predicateType: PREDICATE_TYPES.review,
    subject: { gitCommit: COMMIT },
    now: NOW,
    ...extra,
  });
const failed = (v: AttestationVerification): string | undefined => v.checks.find((c) => c.result === 'failed')?.name;
const b64 = (o: unknown): string => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64');
const mutate = (
  f: (b: SerializedBundle & { dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string; keyid: string }[] } }) => void,
): unknown => {
  const copy = structuredClone(bundle) as Parameters<typeof f>[0];
  f(copy);
  return copy;
};

describe('key-signed bundles', () => {
  for (const kind of ['p256', 'ed25519'] as const) {
    it(`${kind}: signed, and every check passes; the signature also verifies with plain node:crypto over the PAE`, async () => {
      const k = pair(kind);
      const b = await signWithKey(statement(subjects(COMMIT), PREDICATE_TYPES.review, review), k.privateKey);
      expect(b.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
      const v = await check(b, { trust: { kind: 'keys', keys: [keys.publicKey, k.publicKey] }, maxAgeMs: 86_400_000 });
      expect(v.checks.map((c) => [c.name, c.result])).toEqual([
        ['bundle', 'passed'],
        ['signature', 'passed'],
        ['identity', 'passed'],
        ['payloadType', 'passed'],
        ['statement', 'passed'],
        ['predicateType', 'passed'],
        ['subject', 'passed'],
        ['predicate', 'passed'],
        ['freshness', 'passed'],
        ['policy', 'passed'],
      ]);
      expect(v.signedAt?.toISOString()).toBe('2026-11-22T10:00:00.000Z');
      expect(v.verified).toBe(true);
      expect(v.statement?.predicate).toEqual(review);
      // Cross-check, independent of sigstore-js: the signature is over the DSSE pre-authentication encoding of the payload, by plain node:crypto.
      const envelope = b.dsseEnvelope as { payload: string; payloadType: string; signatures: { sig: string }[] };
      const signed = pae(envelope.payloadType, Buffer.from(envelope.payload, 'base64'));
      expect(cryptoVerify(kind === 'p256' ? 'sha256' : null, signed, k.publicKey, Buffer.from(envelope.signatures[0]?.sig ?? '', 'base64'))).toBe(true);
      expect(
        cryptoVerify(
          kind === 'p256' ? 'sha256' : null,
          Buffer.concat([signed, Buffer.from(' ')]),
          k.publicKey,
          Buffer.from(envelope.signatures[0]?.sig ?? '', 'base64'),
        ),
      ).toBe(false);
    });
  }

  it('each failure is named by its check, and what follows is skipped, not passed', async () => {
    const other = pair('p256');
    const cases: [string, unknown, string, Partial<AttestationVerifyOptions>?][] = [
      [
        'tampered payload',
        mutate((b) => {
          b.dsseEnvelope.payload = b64({
            ...(JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64').toString()) as object),
            predicate: { ...review, decision: 'rejected' },
          });
        }),
        'signature',
      ],
      [
        'tampered payloadType',
        mutate((b) => {
          b.dsseEnvelope.payloadType = 'application/json';
        }),
        'signature',
      ],
      ['wrong key', bundle, 'signature', { trust: { kind: 'keys', keys: [other.publicKey] } }],
      ['no trusted key at all', bundle, 'signature', { trust: { kind: 'keys', keys: [] } }],
      ['too old (the statement says 10:00; at most an hour allowed at 12:00)', bundle, 'freshness', { maxAgeMs: 3_600_000 }],
      [
        'a key bundle checked against a certificate identity',
        bundle,
        'signature',
        {
          trust: {
            kind: 'certificate',
            root: { mediaType: 'x', tlogs: [], ctlogs: [], certificateAuthorities: [], timestampAuthorities: [] } as unknown as TrustedRoot,
            identity: { subject: { exact: 'a' }, issuer: 'b' },
          },
        },
      ],
      ['a subject for another commit', bundle, 'subject', { subject: { gitCommit: 'd'.repeat(40) } }],
      ['a wrong predicate type', bundle, 'predicateType', { predicateType: PREDICATE_TYPES.authorship }],
      ['no bundle at all', null, 'bundle'],
      [
        'an empty signature',
        mutate((b) => {
          (b.dsseEnvelope.signatures[0] as { sig: string }).sig = '';
        }),
        'bundle',
      ],
      [
        'no verification material',
        mutate((b) => {
          delete (b as { verificationMaterial?: unknown }).verificationMaterial;
        }),
        'bundle',
      ],
      [
        'two signatures',
        mutate((b) => {
          b.dsseEnvelope.signatures.push({ ...(b.dsseEnvelope.signatures[0] as { sig: string; keyid: string }) });
        }),
        'bundle',
      ],
    ];
    for (const [what, input, name, extra] of cases) {
      const v = await check(input, extra);
      expect([what, v.verified, v.policyOnly, failed(v)]).toEqual([what, false, false, name]);
      const at = v.checks.findIndex((c) => c.result === 'failed');
      expect(
        v.checks.slice(at + 1).every((c) => c.result === 'skipped'),
        what,
      ).toBe(true);
      expect(v.checks).toHaveLength(10);
    }
  });

  it('a signature lifted from another statement does not verify this one', async () => {
    const otherStatement = await signWithKey(statement(subjects('d'.repeat(40)), PREDICATE_TYPES.review, review), keys.privateKey);
    const lifted = mutate((b) => {
      b.dsseEnvelope.signatures = structuredClone((otherStatement as typeof b).dsseEnvelope.signatures);
    });
    expect(failed(await check(lifted))).toBe('signature');
  });

  it('a signed statement whose predicate breaks its schema fails the predicate check', async () => {
    const bad = await signWithKey(statement(subjects(COMMIT), PREDICATE_TYPES.review, { ...review, decision: 'lgtm' }), keys.privateKey);
    expect(failed(await check(bad))).toBe('predicate');
  });

  it('survives thousands of random mutations: none verifies, none throws', async () => {
    const text = JSON.stringify(bundle);
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    let verified = 0;
    for (let i = 0; i < 3000; i++) {
      const chars = text.split('');
      for (let m = 0; m <= random(3); m++) chars[random(chars.length)] = String.fromCharCode(32 + random(95));
      const mutated = chars.join('');
      if (mutated === text) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(mutated);
      } catch {
        parsed = mutated;
      }
      // A mutation that leaves the signed content and signature intact (say, in the mediaType's version) may still verify; any other may not.
      const v = await check(parsed);
      if (v.verified) {
        verified++;
        expect(JSON.stringify(v.statement)).toBe(Buffer.from((bundle as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload, 'base64').toString());
      }
    }
    // Most mutations break the bundle; the few that verify touched only what is not signed (the DSSE keyid, say), and yield the same statement.
    expect(verified).toBeLessThan(300);
  });

  it('survives field mutations: every field of the bundle removed, emptied, retyped or swapped; none verifies, none throws', async () => {
    const paths: string[][] = [];
    const walk = (value: unknown, at: string[]): void => {
      paths.push(at);
      if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
    };
    walk(bundle, []);
    const replacements: unknown[] = [undefined, null, '', 0, [], {}, 'AAAA', [{}], 'x'.repeat(10_000)];
    let tried = 0;
    for (const at of paths.slice(1)) {
      for (const replacement of replacements) {
        const copy = structuredClone(bundle) as unknown as Record<string, unknown>;
        let parent: Record<string, unknown> = copy;
        for (const key of at.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
        const last = at.at(-1) ?? '';
        if (replacement === undefined) Reflect.deleteProperty(parent, last);
        else parent[last] = replacement;
        if (JSON.stringify(copy) === JSON.stringify(bundle)) continue;
        tried++;
        const v = await check(copy);
        // Only what is not signed and not trusted may change: the DSSE keyid, the key hint (it only picks which trusted key to try first; the signature decides),
        // and the empty lists of log entries and timestamps a key-signed bundle carries (none is required of it; any that were present would be verified).
        if (v.verified)
          expect(at.join('.'), 'verified after mutating').toMatch(
            /^(dsseEnvelope\.signatures\.0\.keyid|verificationMaterial\.publicKey\.hint|verificationMaterial\.(timestampVerificationData|tlogEntries)(\..*)?)$/,
          );
      }
    }
    expect(tried).toBeGreaterThan(100);
  });
});
