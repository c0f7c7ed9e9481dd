import { PREDICATE_TYPES, type ReviewPredicate } from '../attest/statement.js';
import { claimedPredicateType } from '../attest/store.js';
import { PolicyError, VerificationError, type AiprovError, type VerificationCode } from '../kernel/errors.js';
import type { Outcome } from '../policy/decision.js';
import { envelope, type Envelope } from '../kernel/schemas.js';
import { verifyAttestation, type AttestationVerification } from './attestation.js';
import type { Check, CheckName } from './checks.js';
import type { ContentPolicy } from './content-policy.js';
import type { Trust } from './signature.js';

/** A bundle to verify: where it was read, its bytes' digest, and its JSON (undefined when it is not JSON: a failed check, not a crash). */
export interface BundleInput {
  source: string;
  sha256: string;
  json: unknown;
}

export type VerifySubject = { gitCommit: string } | { sha256: string };

export interface VerifyOptions {
  inputs: BundleInput[];
  /**
   * Where the bundles came from. `files`: named by the user, each must
   * verify. `pool`: read from notes or a registry, where anyone may add one:
   * the bundles of the asked type are candidates, and one trusted
   * attestation of it is enough.
   */
  from: 'files' | 'pool';
  trust: Trust;
  /**
   * Who may sign the review a policy requires: trusted for reviews only,
   * apart from `trust` (a key that signs authorship or audits is not a
   * reviewer's). Required when the policy requires a review.
   */
  reviewTrust?: readonly Trust[];
  predicateType: string;
  subject: VerifySubject;
  /** How the subject is named to people: `commit …`, `image …`, `artifact sha256:…`. */
  subjectText: string;
  /** Where the bundles were looked for, said when none of the type was found. */
  where: string;
  now: Date;
  maxAgeMs?: number;
  policy?: ContentPolicy;
}

export interface BundleResult extends BundleInput {
  verification: AttestationVerification;
}

/** Why a verification failed: the evidence (VerificationError's code) or only the content policy (POLICY_FAILED). */
export type VerifyFailure = { kind: 'verification'; code: VerificationCode } | { kind: 'policy' };

export interface VerifyResult {
  /** pass, or fail: verify has no other answer (what it cannot read at all is an error before this). */
  outcome: Extract<Outcome, 'pass' | 'fail'>;
  failure: VerifyFailure | null;
  predicateType: string;
  subject: VerifySubject;
  subjectText: string;
  bundles: BundleResult[];
  /** Whether the policy requires an approving review/v1 attestation, and the ones checked for it. */
  reviewRequired: boolean;
  reviews: BundleResult[];
  /** One line each, for people: what failed. */
  problems: string[];
}

const FAILURE_CODES: Partial<Record<CheckName, VerificationCode>> = {
  bundle: 'BUNDLE_INVALID',
  identity: 'IDENTITY_UNTRUSTED',
  predicateType: 'PREDICATE_TYPE_MISMATCH',
  subject: 'SUBJECT_MISMATCH',
  freshness: 'ATTESTATION_STALE',
};

/**
 * The whole of `aiprov verify` after the bundles are read: each bundle of
 * the asked type through every check (attestation.ts), the review a policy
 * may require, and the combined answer with what failed and why. The CLI
 * and the demo both call it; the CLI only reads the inputs and prints.
 */
export async function verifyBundles(options: VerifyOptions): Promise<VerifyResult> {
  const { inputs, predicateType, subject, now, trust } = options;
  const pooled = options.from === 'pool';
  const reviewType = PREDICATE_TYPES.review;
  const reviewRequired = options.policy?.review?.required === true && predicateType !== reviewType;
  const check = (input: BundleInput, asked: string): Promise<BundleResult> =>
    verifyAttestation({
      bundle: input.json,
      trust,
      predicateType: asked,
      subject,
      now,
      ...(options.maxAgeMs !== undefined ? { maxAgeMs: options.maxAgeMs } : {}),
      ...(options.policy ? { policy: options.policy } : {}),
    }).then((verification) => ({ ...input, verification }));

  const reviewTrust = options.reviewTrust ?? [];
  if (reviewRequired && reviewTrust.length === 0)
    throw new PolicyError(
      'TRUST_MATERIAL_MISSING',
      "the policy requires a review, and nobody is trusted to sign one: give --review-key PUB, or --review-identity with --review-oidc-issuer, or list review.signers in the policy (the attestations' signers are not trusted for reviews)",
    );
  // A review verifies when one of the review signers signed it; the first that does is the one reported.
  const checkReview = async (input: BundleInput): Promise<BundleResult> => {
    let last: AttestationVerification | undefined;
    for (const t of reviewTrust) {
      last = await verifyAttestation({
        bundle: input.json,
        trust: t,
        predicateType: reviewType,
        subject,
        now,
        ...(options.maxAgeMs !== undefined ? { maxAgeMs: options.maxAgeMs } : {}),
      });
      if (last.verified) break;
    }
    return { ...input, verification: last ?? { verified: false, policyOnly: false, checks: [] } };
  };
  const reviewInputs = reviewRequired ? inputs.filter((i) => claimedPredicateType(i.json) === reviewType) : [];
  const candidates = inputs.filter(
    (i) => !reviewInputs.includes(i) && (!pooled || claimedPredicateType(i.json) === predicateType || claimedPredicateType(i.json) === undefined),
  );
  const bundles = await Promise.all(candidates.map((i) => check(i, predicateType)));
  const reviews = await Promise.all(reviewInputs.map((i) => checkReview(i)));
  const { problems, failure } = judge(bundles, reviews, { pooled, reviewRequired, predicateType, where: options.where });
  return {
    outcome: problems.length === 0 ? 'pass' : 'fail',
    failure,
    predicateType,
    subject,
    subjectText: options.subjectText,
    bundles,
    reviewRequired,
    reviews,
    problems,
  };
}

/** The problems with a set of checked bundles, and which kind of failure they make. */
function judge(
  bundles: BundleResult[],
  reviews: BundleResult[],
  how: { pooled: boolean; reviewRequired: boolean; predicateType: string; where: string },
): { problems: string[]; failure: VerifyFailure | null } {
  // Verified as evidence (signature, identity, statement, freshness), whatever the content policy says of it.
  const trustedAny = bundles.some((o) => o.verification.verified || o.verification.policyOnly);
  const policyFailures = bundles.filter((o) => o.verification.policyOnly);
  const otherFailures = bundles.filter((o) => !o.verification.verified && !o.verification.policyOnly);
  // The first check that failed in the first bundle that did not verify: named in the problem and in the error's code.
  const first = otherFailures[0]?.verification.checks.find((c) => c.result === 'failed');
  const approved = reviews.filter(
    (r) => r.verification.verified && (r.verification.statement?.predicate as ReviewPredicate | undefined)?.decision === 'approved',
  );
  const problems: string[] = [];
  let evidenceFailed = false;
  if (bundles.length === 0) {
    evidenceFailed = true;
    problems.push(`no attestation of type ${how.predicateType} ${how.where}`);
  } else if (how.pooled ? !trustedAny : otherFailures.length > 0) {
    // From a pool one trusted attestation is enough (others may be anyone's); named files must each verify.
    evidenceFailed = true;
    problems.push(
      `${otherFailures.length} of ${bundles.length} bundle${bundles.length === 1 ? '' : 's'} did not verify (${first ? `${first.name}: ${first.detail}` : 'failed'})`,
    );
  }
  if (policyFailures.length > 0) {
    const one = policyFailures.length === 1;
    problems.push(
      `${policyFailures.length} verified attestation${one ? '' : 's'} break${one ? 's' : ''} the policy (${policyFailures[0]?.verification.checks.find((c) => c.name === 'policy')?.detail ?? ''})`,
    );
  }
  if (how.reviewRequired && approved.length === 0) {
    problems.push(
      `the policy requires an approving review/v1 attestation from a trusted review signer; ${reviews.length === 0 ? 'there is none' : `none of the ${reviews.length} present verifies and approves`}`,
    );
  }
  if (problems.length === 0) return { problems, failure: null };
  if (!evidenceFailed && (policyFailures.length > 0 || how.reviewRequired)) return { problems, failure: { kind: 'policy' } };
  const code = bundles.length === 0 ? 'ATTESTATION_MISSING' : ((first ? FAILURE_CODES[first.name] : undefined) ?? 'SIGNATURE_INVALID');
  return { problems, failure: { kind: 'verification', code } };
}

/** The error a failed verification is reported as (one line: every problem), or undefined when it passed. */
export function verificationError(result: VerifyResult): AiprovError | undefined {
  if (result.failure === null) return undefined;
  const summary = result.problems.join('; ');
  return result.failure.kind === 'policy' ? new PolicyError('POLICY_FAILED', summary) : new VerificationError(result.failure.code, summary);
}

/** One bundle's verification as the report gives it. */
export interface BundleReport {
  bundle: string;
  sha256: string;
  verified: boolean;
  signer: string | null;
  signedAt: string | null;
  checks: Check[];
}

/** `aiprov verify --format json` (schemas/verify-report.schema.json). */
export interface VerifyReport extends Envelope<'verifyReport'> {
  predicateType: string;
  subject: VerifySubject;
  subjectText: string;
  verified: boolean;
  outcome: VerifyResult['outcome'];
  problems: string[];
  bundles: BundleReport[];
  /** Present when the policy requires a review: the review/v1 bundles checked for it. */
  reviews?: BundleReport[];
}

export function verifyReport(result: VerifyResult): VerifyReport {
  const bundle = (o: BundleResult): BundleReport => ({
    bundle: o.source,
    sha256: o.sha256,
    verified: o.verification.verified,
    signer: o.verification.signer ?? null,
    signedAt: o.verification.signedAt?.toISOString() ?? null,
    checks: o.verification.checks,
  });
  return {
    ...envelope('verifyReport'),
    predicateType: result.predicateType,
    subject: result.subject,
    subjectText: result.subjectText,
    verified: result.outcome === 'pass',
    outcome: result.outcome,
    problems: result.problems,
    bundles: result.bundles.map(bundle),
    ...(result.reviewRequired ? { reviews: result.reviews.map(bundle) } : {}),
  };
}
