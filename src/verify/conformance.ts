import { createHash } from 'node:crypto';
import { IN_TOTO_PAYLOAD_TYPE } from '../attest/dsse.js';
import { CheckList, type Check } from './checks.js';
import { verifySignature, type SignedArtifact, type Trust } from './signature.js';

/**
 * sigstore-conformance's `verify-bundle` (docs/cli_protocol.md in
 * sigstore/sigstore-conformance), over aiprov's verifier: a bundle of
 * either kind, a message signature checked against the artifact or its
 * `sha256:` digest, a DSSE envelope whose in-toto statement must name that
 * digest as a subject. It answers whether the bundle verifies; what an
 * aiprov attestation must also satisfy (statement type, predicate type,
 * predicate) is `verifyAttestation`'s.
 */
export interface ConformanceResult {
  verified: boolean;
  checks: Check[];
}

export function verifyForConformance(bundle: unknown, trust: Trust, input: SignedArtifact): ConformanceResult {
  const checks = new CheckList(['bundle', 'signature', 'identity', 'payloadType', 'subject']);
  const outcome = verifySignature(bundle, trust, checks, input);
  if (!checks.passed) return { verified: false, checks: checks.checks };
  if (outcome.envelope) {
    if (outcome.envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
      checks.fail('payloadType', `is ${JSON.stringify(outcome.envelope.payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}`);
      return { verified: false, checks: checks.checks };
    }
    checks.pass('payloadType', IN_TOTO_PAYLOAD_TYPE);
    const digest = ('bytes' in input ? createHash('sha256').update(input.bytes).digest() : input.sha256).toString('hex');
    let subjects: unknown;
    try {
      subjects = (JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(outcome.envelope.payload)) as { subject?: unknown }).subject;
    } catch {
      subjects = undefined;
    }
    if (!Array.isArray(subjects)) {
      checks.fail('subject', 'the signed payload is not an in-toto statement with subjects');
    } else if (!subjects.some((s) => (s as { digest?: { sha256?: unknown } } | null)?.digest?.sha256 === digest)) {
      checks.fail('subject', `no subject has sha256 ${digest}`);
    } else {
      checks.pass('subject', `sha256 ${digest}`);
    }
  }
  return { verified: checks.passed, checks: checks.checks };
}

/**
 * The protocol's FILE_OR_DIGEST: `sha256:` and 64 hex digits that is not a
 * path on disk is a digest; anything else is a file.
 */
export function conformanceInput(value: string, isFile: (path: string) => boolean): { sha256: Buffer } | { file: string } {
  if (/^sha256:[0-9a-fA-F]{64}$/.test(value) && !isFile(value)) return { sha256: Buffer.from(value.slice(7), 'hex') };
  return { file: value };
}
