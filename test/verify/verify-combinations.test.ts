/**
 * verify's combinations, in process (src/verify/verify.ts): files that must
 * each verify, pools where one trusted attestation is enough, content
 * policies, and the review a policy may require. Each row is one situation
 * and the one answer it must give; the CLI only reads inputs and prints.
 */
import { CLEAN_AUDIT as cleanAudit, HALLUCINATED_AUDIT as audit } from '../../fixtures/audits.js';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWithKey } from '../../src/attest/sign.js';
import { PREDICATE_TYPES, reviewPredicate, statement, subjects, type ReviewDecision } from '../../src/attest/statement.js';
import { PolicyError, VerificationError } from '../../src/kernel/errors.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import type { ContentPolicy } from '../../src/verify/content-policy.js';
import { verificationError, verifyBundles, verifyReport, type BundleInput, type VerifyOptions } from '../../src/verify/verify.js';
import { vsaForRun } from '../../src/verify/vsa.js';

const COMMIT = 'c'.repeat(40);
const OTHER = 'd'.repeat(40);
const NOW = new Date('2026-11-22T12:00:00Z');
const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
/** The reviewer's own key: trusted for reviews only, as the attestations' key is not. */
const reviewer = generateKeyPairSync('ed25519');

const review = (decision: ReviewDecision) =>
  reviewPredicate({ reviewer: { name: 'Dana Human' }, scope: { range: 'main..feature' }, decision, reviewedAt: '2026-11-22T10:00:00Z' });

async function input(source: string, type: string, predicate: unknown, key = trusted.privateKey, commit = COMMIT): Promise<BundleInput> {
  const bundle = await signWithKey(statement(subjects(commit), type, predicate), key);
  const bytes = Buffer.from(JSON.stringify(bundle));
  return { source, sha256: createHash('sha256').update(bytes).digest('hex'), json: bundle };
}

const deps = await input('deps.json', PREDICATE_TYPES.deps, audit);
const clean = await input('clean.json', PREDICATE_TYPES.deps, cleanAudit);
const depsByStranger = await input('stranger.json', PREDICATE_TYPES.deps, audit, stranger.privateKey);
const depsOfAnother = await input('other.json', PREDICATE_TYPES.deps, audit, trusted.privateKey, OTHER);
const approved = await input('approved.json', PREDICATE_TYPES.review, review('approved'), reviewer.privateKey);
const rejected = await input('rejected.json', PREDICATE_TYPES.review, review('rejected'), reviewer.privateKey);
const approvedByAttestationKey = await input('approved-ci.json', PREDICATE_TYPES.review, review('approved'));
const approvedByStranger = await input('approved-stranger.json', PREDICATE_TYPES.review, review('approved'), stranger.privateKey);
const notJson: BundleInput = { source: 'garbage.json', sha256: '0'.repeat(64), json: undefined };

const DENY: ContentPolicy = { deps: { denyVerdicts: ['hallucinated'] } };
const REVIEW: ContentPolicy = { review: { required: true } };

const run = (inputs: BundleInput[], from: VerifyOptions['from'], policy?: ContentPolicy) =>
  verifyBundles({
    inputs,
    from,
    trust: { kind: 'keys', keys: [trusted.publicKey] },
    reviewTrust: [{ kind: 'keys', keys: [reviewer.publicKey] }],
    predicateType: PREDICATE_TYPES.deps,
    subject: { gitCommit: COMMIT },
    subjectText: `commit ${COMMIT}`,
    where: from === 'files' ? 'among the bundles given' : 'in the pool',
    now: NOW,
    ...(policy ? { policy } : {}),
  });

describe('verify decides every combination in one place', () => {
  it('the audits used as predicates are valid dependency audits', () => {
    expect(validateAgainst('dependencyAudit', audit)).toBeNull();
    expect(validateAgainst('dependencyAudit', cleanAudit)).toBeNull();
  });

  // [situation, inputs, from, policy, outcome, failure (error class and code), the first problem]
  it.each([
    ['one good file', [clean], 'files', undefined, 'pass', null, undefined],
    // Fail closed: with no policy given, the built-in one refuses a hallucinated package.
    [
      'no policy given: the built-in policy refuses a hallucinated package',
      [deps],
      'files',
      undefined,
      'fail',
      'POLICY_FAILED',
      /^1 verified attestation breaks the policy \(the built-in policy: 1 dependency is hallucinated: npm:express-search-helpers-pro\)$/,
    ],
    [
      'no bundle at all',
      [],
      'files',
      undefined,
      'fail',
      'ATTESTATION_MISSING',
      /^no attestation of type https:\/\/aiprov\.dev\/dependency-audit\/v1 among the bundles given$/,
    ],
    [
      "files must each verify: a stranger's beside a good one",
      [deps, depsByStranger],
      'files',
      undefined,
      'fail',
      'SIGNATURE_INVALID',
      /^1 of 2 bundles did not verify \(signature: /,
    ],
    ['a file about another commit', [depsOfAnother], 'files', undefined, 'fail', 'SUBJECT_MISMATCH', /^1 of 1 bundle did not verify \(subject: /],
    ['a file that is not JSON', [notJson], 'files', undefined, 'fail', 'BUNDLE_INVALID', /^1 of 1 bundle did not verify \(bundle: /],
    ["a pool: one trusted is enough, a stranger's beside it does not matter", [depsByStranger, clean], 'pool', undefined, 'pass', null, undefined],
    ["a pool with only a stranger's", [depsByStranger], 'pool', undefined, 'fail', 'SIGNATURE_INVALID', /^1 of 1 bundle did not verify/],
    [
      'a pool of other types only: none of the asked type',
      [approved],
      'pool',
      undefined,
      'fail',
      'ATTESTATION_MISSING',
      /^no attestation of type .* in the pool$/,
    ],
    ['a verified audit the policy refuses', [deps], 'files', DENY, 'fail', 'POLICY_FAILED', /^1 verified attestation breaks the policy \(/],
    // Any policy refuses a hallucinated name by default; the review cases use the clean audit.
    [
      'a policy without a deps section still refuses the hallucinated name',
      [deps],
      'pool',
      REVIEW,
      'fail',
      'POLICY_FAILED',
      /^1 verified attestation breaks the policy \(/,
    ],
    [
      'the policy requires a review and there is none',
      [clean],
      'pool',
      REVIEW,
      'fail',
      'POLICY_FAILED',
      /requires an approving review\/v1 attestation from a trusted review signer; there is none$/,
    ],
    ['a trusted approving review', [clean, approved], 'pool', REVIEW, 'pass', null, undefined],
    ['only a rejection', [clean, rejected], 'pool', REVIEW, 'fail', 'POLICY_FAILED', /none of the 1 present verifies and approves$/],
    ['an approval by a stranger', [clean, approvedByStranger], 'pool', REVIEW, 'fail', 'POLICY_FAILED', /none of the 1 present verifies and approves$/],
    [
      "an approval signed by the attestations' key, which is not trusted for reviews",
      [clean, approvedByAttestationKey],
      'pool',
      REVIEW,
      'fail',
      'POLICY_FAILED',
      /none of the 1 present verifies and approves$/,
    ],
    ['no evidence and no review: the evidence failure wins', [depsByStranger], 'files', REVIEW, 'fail', 'SIGNATURE_INVALID', /^1 of 1 bundle did not verify/],
  ] as const)('%s', async (_situation, inputs, from, policy, outcome, code, problem) => {
    const result = await run([...inputs], from, policy);
    expect(result.outcome).toBe(outcome);
    const error = verificationError(result);
    if (code === null) {
      expect(error).toBeUndefined();
      expect(result.problems).toEqual([]);
    } else {
      expect(error).toBeInstanceOf(code === 'POLICY_FAILED' ? PolicyError : VerificationError);
      expect(error?.code).toBe(code);
      expect(error?.exitCode).toBe(1);
      expect(result.problems[0]).toMatch(problem);
    }
    const report = verifyReport(result);
    expect(validateAgainst('verifyReport', report)).toBeNull();
    expect(report.verified).toBe(outcome === 'pass');
    expect(report.reviews !== undefined).toBe(policy === REVIEW);
  });

  it('a policy that requires a review with nobody trusted to sign one stops verification (exit 2), naming what to give', async () => {
    await expect(
      verifyBundles({
        inputs: [clean, approved],
        from: 'pool',
        trust: { kind: 'keys', keys: [trusted.publicKey] },
        predicateType: PREDICATE_TYPES.deps,
        subject: { gitCommit: COMMIT },
        subjectText: `commit ${COMMIT}`,
        where: 'in the pool',
        now: NOW,
        policy: REVIEW,
      }),
    ).rejects.toMatchObject({
      code: 'TRUST_MATERIAL_MISSING',
      exitCode: 2,
      message: expect.stringMatching(/^the policy requires a review, and nobody is trusted to sign one: give --review-key/) as unknown,
    });
  });

  it('its VSA: the subject, every bundle checked an input, levels only when it passed', async () => {
    const passed = await run([clean, approved], 'pool', REVIEW);
    const vsa = vsaForRun(passed, {
      name: `git+commit:${COMMIT}`,
      resourceUri: `git+commit:${COMMIT}`,
      policyApplied: true,
      freshnessChecked: false,
      timeVerified: NOW,
    });
    expect(validateAgainst('statement', vsa)).toBeNull();
    expect(validateAgainst('vsaPredicate', vsa.predicate)).toBeNull();
    expect(vsa.subject).toEqual([{ name: `git+commit:${COMMIT}`, digest: { gitCommit: COMMIT } }]);
    expect(vsa.predicate.inputAttestations.map((i) => i.uri)).toEqual(['clean.json', 'approved.json']);
    expect(vsa.predicate.verificationResult).toBe('PASSED');
    expect(vsa.predicate.verifiedLevels).toEqual(['AIPROV_SIGNATURE_VERIFIED', 'AIPROV_DEPS_ATTESTED', 'AIPROV_POLICY_PASSED']);
    const failed = vsaForRun(await run([deps], 'files', DENY), {
      name: 'x',
      resourceUri: `git+commit:${COMMIT}`,
      policyApplied: true,
      freshnessChecked: true,
      timeVerified: NOW,
    });
    expect([failed.predicate.verificationResult, failed.predicate.verifiedLevels]).toEqual(['FAILED', []]);
    // A policy with no rule for this predicate type passes it, but proves nothing: no AIPROV_POLICY_PASSED (issue 24, case 9).
    const about = { name: 'x', resourceUri: `git+commit:${COMMIT}`, policyApplied: true, freshnessChecked: false, timeVerified: NOW };
    const ruleless = vsaForRun(await run([clean], 'files', { deps: { denyVerdicts: [] } }), about);
    expect([ruleless.predicate.verificationResult, ruleless.predicate.verifiedLevels]).toEqual([
      'PASSED',
      ['AIPROV_SIGNATURE_VERIFIED', 'AIPROV_DEPS_ATTESTED'],
    ]);
    const ruled = vsaForRun(await run([clean], 'files', DENY), about);
    expect(ruled.predicate.verifiedLevels).toContain('AIPROV_POLICY_PASSED');
  });
});
