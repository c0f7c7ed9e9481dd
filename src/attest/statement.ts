import type { BlameReport } from '../blame/types.js';
import type { CommitReport, ScanSummary } from '../authorship/types.js';
import type { DepsReport } from '../deps/audit.js';
import { UsageError } from '../kernel/errors.js';
import { DOCUMENT_KINDS } from '../kernel/schemas.js';
import { VERSION } from '../kernel/version.js';
import { COMMIT_ID } from '../git/guards.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';

/** The predicate types aiprov signs (PRODUCT.md), and the short names `--type` and `--predicate` take. */
export const PREDICATE_TYPES = {
  authorship: DOCUMENT_KINDS.authorshipPredicate.uri,
  deps: DOCUMENT_KINDS.dependencyAudit.uri,
  bom: 'https://cyclonedx.org/bom',
  review: DOCUMENT_KINDS.reviewPredicate.uri,
} as const;
export type PredicateName = keyof typeof PREDICATE_TYPES;
export type PredicateType = (typeof PREDICATE_TYPES)[PredicateName];

/** The types `verify` also reads that `attest` does not make as a predicate of a commit: the SLSA Source track's VSA of a revision (`attest --predicate source-vsa` makes it through src/source/). */
export const VERIFIED_TYPES = { ...PREDICATE_TYPES, 'source-vsa': 'https://slsa.dev/verification_summary/v1' } as const;
export type VerifiedType = (typeof VERIFIED_TYPES)[keyof typeof VERIFIED_TYPES];

/** A full predicate type URI, from itself or its short name; anything else is a usage error (never a silent default). */
export function predicateType(nameOrUri: string): VerifiedType {
  const byName = (VERIFIED_TYPES as Record<string, VerifiedType>)[nameOrUri];
  if (byName) return byName;
  const byUri = Object.values(VERIFIED_TYPES).find((uri) => uri === nameOrUri);
  if (byUri) return byUri;
  throw new UsageError(
    `is not a predicate type aiprov knows (${Object.keys(VERIFIED_TYPES).join(', ')}, or their URIs: ${Object.values(VERIFIED_TYPES).join(', ')})`,
    { field: 'type', value: nameOrUri },
  );
}

export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest: Record<string, string>;
  annotations?: Record<string, unknown>;
}

export interface Statement<P = unknown> {
  _type: typeof STATEMENT_TYPE;
  subject: ResourceDescriptor[];
  predicateType: string;
  predicate: P;
}

export interface ArtifactDigest {
  name: string;
  sha256: string;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The subjects of a statement about a commit: the commit itself
 * (`digest.gitCommit`), then any artifacts built from it (`sha256`), in the
 * order given. Each is checked: a subject a verifier would match by a
 * malformed digest is no subject.
 */
export function subjects(commit: string, artifacts: readonly ArtifactDigest[] = []): ResourceDescriptor[] {
  if (!COMMIT_ID.test(commit)) throw new UsageError('is not a full commit id', { field: 'commit', value: commit });
  const out: ResourceDescriptor[] = [{ name: `git+commit:${commit}`, digest: { gitCommit: commit } }];
  for (const a of artifacts) {
    if (!SHA256.test(a.sha256))
      throw new UsageError('is not a SHA-256 digest (64 lowercase hex digits)', { field: 'artifact', value: `${a.name}: ${a.sha256}` });
    out.push({ name: a.name, digest: { sha256: a.sha256 } });
  }
  return out;
}

export function statement<P>(subject: ResourceDescriptor[], type: string, predicate: P): Statement<P> {
  return { _type: STATEMENT_TYPE, subject, predicateType: type, predicate };
}

/** What `ai-authorship/v1` says of a commit: its own detections, the scan of its range, the blame of its tree, and how they were made. */
export interface AuthorshipPredicate {
  tool: { name: 'aiprov'; version: string };
  commit: string;
  /** When the statement was made (ISO 8601): the only time a key-signed bundle, with no log or timestamp, can state. */
  attestedAt: string;
  parameters: { range: string; since: string | null; detection: BlameReport['detection'] };
  /** The commit's own report (null when the range left it out). */
  commitReport: CommitReport | null;
  scan: ScanSummary;
  blame: { totals: BlameReport['totals']; files: BlameReport['files'] };
}

export function authorshipPredicate(input: {
  commit: string;
  attestedAt: Date;
  range: string;
  scanSummary: ScanSummary;
  commitReport: CommitReport | null;
  blame: BlameReport;
}): AuthorshipPredicate {
  return {
    tool: { name: 'aiprov', version: VERSION },
    commit: input.commit,
    attestedAt: input.attestedAt.toISOString(),
    parameters: { range: input.range, since: input.blame.since, detection: input.blame.detection },
    commitReport: input.commitReport,
    scan: input.scanSummary,
    blame: { totals: input.blame.totals, files: input.blame.files },
  };
}

/** The dependency audit is its own predicate: the report as `aiprov deps audit --format json` writes it. */
export function depsPredicate(report: DepsReport): DepsReport {
  return report;
}

export type ReviewDecision = 'approved' | 'changes-requested' | 'rejected';

/** `review/v1`: a person's decision on AI-written code, and what it covered. */
export interface ReviewPredicate {
  reviewer: { name: string; email?: string };
  /** What was reviewed: the commit range, and paths when not the whole change. */
  scope: { range: string; paths?: string[] };
  decision: ReviewDecision;
  reviewedAt: string;
  comment?: string;
  tool: { name: 'aiprov'; version: string };
}

export function reviewPredicate(input: Omit<ReviewPredicate, 'tool'>): ReviewPredicate {
  return { ...input, tool: { name: 'aiprov', version: VERSION } };
}
