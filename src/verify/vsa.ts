import { STATEMENT_TYPE, type ResourceDescriptor, type Statement } from '../attest/statement.js';
import { VERSION } from '../version.js';

/**
 * A SLSA Verification Summary Attestation (https://slsa.dev/verification_summary/v1)
 * of one `aiprov verify` run, for systems that gate on VSAs instead of
 * verifying the evidence themselves (slsa-verifier verify-vsa, Kyverno,
 * policy-controller). The levels are aiprov's own names: SLSA reserves the
 * `SLSA_` prefix for its track levels, which this is not.
 */
export const VSA_PREDICATE_TYPE = 'https://slsa.dev/verification_summary/v1';
export const VERIFIER_ID = 'https://aiprov.dev/verifier';

export interface VsaPredicate {
  verifier: { id: string; version: Record<string, string> };
  timeVerified: string;
  resourceUri: string;
  policy: { uri: string; digest?: Record<string, string> };
  inputAttestations: { uri: string; digest: Record<string, string> }[];
  verificationResult: 'PASSED' | 'FAILED';
  verifiedLevels: string[];
}

export interface VsaInput {
  subject: ResourceDescriptor;
  resourceUri: string;
  predicateType: string;
  /** The policy file (its URI and SHA-256), or none: then the built-in checks are the policy. */
  policy?: { uri: string; sha256: string };
  /** The bundles that were verified, by where they were read and their SHA-256. */
  inputs: { uri: string; sha256: string }[];
  passed: boolean;
  /** What passed, as aiprov level names (`AIPROV_SIGNATURE_VERIFIED`, …); empty when it failed. */
  levels: string[];
  timeVerified: Date;
}

/** The aiprov level names for a verification of this predicate type: what a downstream gate may require. */
export function verifiedLevels(shortName: string, withPolicy: boolean, withFreshness: boolean): string[] {
  const levels = ['AIPROV_SIGNATURE_VERIFIED', `AIPROV_${shortName.toUpperCase()}_ATTESTED`];
  if (withFreshness) levels.push('AIPROV_FRESH');
  if (withPolicy) levels.push('AIPROV_POLICY_PASSED');
  return levels;
}

export function vsaStatement(input: VsaInput): Statement<VsaPredicate> {
  for (const level of input.levels) if (/^SLSA_/i.test(level)) throw new Error(`verified level ${level}: the SLSA_ prefix is SLSA's own`);
  return {
    _type: STATEMENT_TYPE,
    subject: [input.subject],
    predicateType: VSA_PREDICATE_TYPE,
    predicate: {
      verifier: { id: VERIFIER_ID, version: { aiprov: VERSION } },
      timeVerified: input.timeVerified.toISOString(),
      resourceUri: input.resourceUri,
      policy: input.policy ? { uri: input.policy.uri, digest: { sha256: input.policy.sha256 } } : { uri: `${VERIFIER_ID}/builtin-checks/${input.predicateType}` },
      inputAttestations: input.inputs.map((i) => ({ uri: i.uri, digest: { sha256: i.sha256 } })),
      verificationResult: input.passed ? 'PASSED' : 'FAILED',
      verifiedLevels: input.passed ? input.levels : [],
    },
  };
}
