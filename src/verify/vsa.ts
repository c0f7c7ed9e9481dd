import { PREDICATE_TYPES, STATEMENT_TYPE, type ResourceDescriptor, type Statement } from '../attest/statement.js';
import type { VerifyResult } from './verify.js';
import { VERSION } from '../kernel/version.js';

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
  /** The policy file (its URI and SHA-256), or none: then the built-in policy (verify/content-policy.ts BUILT_IN_POLICY) is named. */
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
      policy: input.policy
        ? { uri: input.policy.uri, digest: { sha256: input.policy.sha256 } }
        : { uri: `${VERIFIER_ID}/builtin-policy/${input.predicateType}` },
      inputAttestations: input.inputs.map((i) => ({ uri: i.uri, digest: { sha256: i.sha256 } })),
      verificationResult: input.passed ? 'PASSED' : 'FAILED',
      verifiedLevels: input.passed ? input.levels : [],
    },
  };
}

/** What a VSA says of the verified thing, beyond the verification itself. */
export interface VsaAbout {
  /** The subject's name: `git+commit:<sha>`, the image's repository, or the artifact's file name. */
  name: string;
  /** `git+commit:<sha>`, `oci://<registry>/<repository>@<digest>`, or `file:<name>`. */
  resourceUri: string;
  /** The policy file applied (its URI and SHA-256), if one was. */
  policyFile?: { uri: string; sha256: string };
  /** A content policy was applied (a file, or the config's verify section); a maximum age was checked. */
  policyApplied: boolean;
  freshnessChecked: boolean;
  timeVerified: Date;
}

/** The VSA of one verification run (verify.ts), every bundle checked an input attestation. */
export function vsaForRun(result: VerifyResult, about: VsaAbout): Statement<VsaPredicate> {
  const short = Object.entries(PREDICATE_TYPES).find(([, uri]) => uri === result.predicateType)?.[0] ?? 'attestation';
  return vsaStatement({
    subject: { name: about.name, digest: 'gitCommit' in result.subject ? { gitCommit: result.subject.gitCommit } : { sha256: result.subject.sha256 } },
    resourceUri: about.resourceUri,
    predicateType: result.predicateType,
    ...(about.policyFile ? { policy: about.policyFile } : {}),
    inputs: [...result.bundles, ...result.reviews].map((o) => ({ uri: o.source, sha256: o.sha256 })),
    passed: result.outcome === 'pass',
    // AIPROV_POLICY_PASSED only when a rule of the policy was evaluated and passed: a policy with no rule for this type proves nothing.
    levels: verifiedLevels(
      short,
      about.policyApplied &&
        result.outcome === 'pass' &&
        (result.reviewRequired || result.bundles.some((b) => b.verification.verified && (b.verification.policyRules ?? 0) > 0)),
      about.freshnessChecked,
    ),
    timeVerified: about.timeVerified,
  });
}
