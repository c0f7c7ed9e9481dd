import { STATEMENT_TYPE, VERIFIED_TYPES, type Statement } from '../attest/statement.js';
import { UsageError } from '../kernel/errors.js';
import type { VsaPredicate } from '../verify/vsa.js';
import { VERSION } from '../kernel/version.js';
import { COMMIT_ID } from '../git/guards.js';

/**
 * A SLSA Source track Verification Summary Attestation (SLSA 1.2,
 * source-requirements.md, "Source verification summary attestation") of one
 * revision of a protected branch: the VSA predicate type, the commit as
 * `gitCommit`, the branch in `annotations.sourceRefs`, the repository as
 * `resourceUri`, and in `verifiedLevels` the Source level aiprov can itself
 * establish (`SLSA_SOURCE_LEVEL_1`: the revision is a commit of a git
 * repository) with the organisation properties aiprov checked (`ORG_SOURCE_`,
 * as the spec requires of an organisation's properties).
 */
export const SOURCE_VSA_TYPE = VERIFIED_TYPES['source-vsa'];
/** Where slsa-framework/source-tool keeps source provenance and VSAs: one DSSE bundle per line of the commit's note. */
export const SOURCE_NOTES_REF = 'refs/notes/commits';
export const SOURCE_VERIFIER_ID = 'https://aiprov.dev/source-verifier';
/** The one Source track level aiprov establishes; levels 2 and 3 are about the source control system's controls, which aiprov cannot see. */
export const SOURCE_LEVEL = 'SLSA_SOURCE_LEVEL_1';

/** aiprov's organisation properties, each about every commit of the range since the previous VSA (README, "SLSA Source track"). */
export const ORG_LEVELS = {
  /** Every AI commit of the range carries line-level authorship records (its own or recovered), not a trailer alone. */
  attributed: 'ORG_SOURCE_AI_ATTRIBUTED',
  /** Every AI-written hunk of the range under an escalated risk rule is covered by an authenticated review. */
  reviewed: 'ORG_SOURCE_AI_HIGH_RISK_REVIEWED',
  /** No dependency the range introduced is hallucinated, malicious or otherwise failing the audit, and every one was checked. */
  depsChecked: 'ORG_SOURCE_DEPS_CHECKED',
} as const;
export type OrgLevel = (typeof ORG_LEVELS)[keyof typeof ORG_LEVELS];

/** The VSA predicate as `verify --vsa-output` writes it (verify/vsa.ts), written only when the checks could be made: always PASSED. */
export type SourceVsaPredicate = VsaPredicate & { verificationResult: 'PASSED' };

export interface SourceVsaInput {
  commit: string;
  /** The fully qualified ref (`refs/heads/main`). */
  ref: string;
  /** `git+https://host/owner/name`. */
  resourceUri: string;
  /** The policy the checks ran under: the `.aiprov.yml` of the range's start, by its SHA-256. */
  policy: { uri: string; digest?: Record<string, string> };
  /** The previous VSA of the chain (the line of its note, by SHA-256), if any. */
  previous?: { uri: string; sha256: string };
  levels: readonly OrgLevel[];
  timeVerified: Date;
}

const FULL_REF = /^refs\/(?:heads|tags)\/\S+$/;

/** The statement: pure, and validated against schemas/slsa-source-vsa.schema.json in the tests. */
export function sourceVsaStatement(input: SourceVsaInput): Statement<SourceVsaPredicate> {
  if (!COMMIT_ID.test(input.commit)) throw new UsageError('is not a full commit id', { field: 'commit', value: input.commit });
  if (!FULL_REF.test(input.ref))
    throw new UsageError('must be fully qualified (refs/heads/main), as the Source track requires', { field: 'branch', value: input.ref });
  const levels = [...new Set(input.levels)].sort();
  return {
    _type: STATEMENT_TYPE,
    // Both spellings: the spec's `sourceRefs` and source-tool's `source_refs` (pkg/slsa), so that either reader finds the branch.
    subject: [{ digest: { gitCommit: input.commit }, annotations: { sourceRefs: [input.ref], source_refs: [input.ref] } }],
    predicateType: SOURCE_VSA_TYPE,
    predicate: {
      verifier: { id: SOURCE_VERIFIER_ID, version: { aiprov: VERSION } },
      timeVerified: input.timeVerified.toISOString(),
      resourceUri: input.resourceUri,
      policy: input.policy,
      inputAttestations: input.previous ? [{ uri: input.previous.uri, digest: { sha256: input.previous.sha256 } }] : [],
      verificationResult: 'PASSED',
      verifiedLevels: [SOURCE_LEVEL, ...levels],
    },
  };
}

/** `git+https://host/owner/name` for a repository identity's URL (`https://host/owner/name`). */
export function resourceUriFor(url: string): string {
  return url.startsWith('git+') ? url : `git+${url}`;
}
