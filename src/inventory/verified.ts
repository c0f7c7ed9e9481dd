import { createHash } from 'node:crypto';
import { keyId } from '../attest/sign.js';
import { PREDICATE_TYPES, type ReviewPredicate } from '../attest/statement.js';
import { ATTESTATIONS_REF, readStoredBundles } from '../attest/store.js';
import type { CommitReport, ScanWarning } from '../authorship/types.js';
import type { LineCounts } from '../blame/types.js';
import { dependencyRows } from '../dashboard/dependencies.js';
import type { DepsReport } from '../deps/audit.js';
import type { HistoryReader, NotesReader } from '../git/types.js';
import { VerificationError } from '../kernel/errors.js';
import type { Trust } from '../verify/signature.js';
import { verifyBundles, type BundleInput, type VerifySubject } from '../verify/verify.js';
import type { RepositoryIdentity } from './identity.js';
import { agentLines, sumAgentLines, type AgentLines } from './rows.js';
import { commitRow, type CommitRow, type RepositorySnapshot, type ReviewRow } from './snapshot.js';

/** Who is trusted to have signed what a verified-only collection counts. */
export interface VerifiedTrust {
  /** For the authorship and dependency-audit attestations. */
  trust: Trust;
  /** For review attestations (never the attestations' own signers); none: no review is counted. */
  reviewTrust: readonly Trust[];
  /** An attestation signed longer ago than this is not counted. */
  maxAgeMs?: number;
}

/** What a verified-only collection reads: the trust, and the image's attestations when there is an image. */
export interface VerifiedSource extends VerifiedTrust {
  /**
   * The attestations attached to the image built from the repository (read from its registry by the caller): the
   * authorship and audit attested about the image's digest say the head, the commit the image was built from.
   */
  image?: ImageBundles;
}

export interface VerifiedSnapshotOptions extends VerifiedSource {
  git: HistoryReader & NotesReader;
  identity: RepositoryIdentity;
  rev: string;
  now: Date;
}

export interface ImageBundles {
  /** `sha256:…`. */
  digest: string;
  reference: string;
  inputs: readonly BundleInput[];
}

interface AuthorshipPredicate {
  commit: string;
  commitReport: CommitReport | null;
  blame: { totals: LineCounts & { files: number }; files: (LineCounts & { path: string })[] };
}

/**
 * A repository's state as its signed attestations say it, and nothing
 * else (`collect --verified-only`): every commit of the revision's history
 * with attestations in refs/notes/aiprov-attestations is read, and only an
 * authorship attestation that verifies with the trust given counts (its
 * commit's own report, and for the newest one, the blame of its tree); the
 * dependency audit attested on that commit gives the findings, and reviews
 * count when a review signer trusted for reviews signed them. Unsigned notes,
 * trailers and the gate's decisions are claims and are not read; what
 * attestations do not say (unreviewed hunks, lines by commit) is left
 * unknown, never zero. An attestation that does not verify is counted
 * nowhere and said.
 */
export async function readVerifiedSnapshot(options: VerifiedSnapshotOptions): Promise<RepositorySnapshot> {
  const { git, rev } = options;
  const warnings: ScanWarning[] = [];
  const noted = await (await git.notesAt(ATTESTATIONS_REF)).noted();
  const history = await git.listCommits(rev);
  const attested = history.filter((sha) => noted.has(sha));
  const commits: CommitRow[] = [];
  const reviews: ReviewRow[] = [];
  let head: { sha: string; predicate: AuthorshipPredicate; bundles: readonly BundleInput[]; subject: VerifySubject } | undefined;
  let refused = 0;
  for (const sha of attested) {
    const bundles = await readStoredBundles(git, sha);
    const authorship = await verifiedPredicates(options, bundles, PREDICATE_TYPES.authorship, { gitCommit: sha }, [options.trust]);
    refused += authorship.refused;
    // Its schema was checked with its signature (verify/attestation.ts).
    const predicate = authorship.predicates[0] as AuthorshipPredicate | undefined;
    if (predicate) {
      head ??= { sha, predicate, bundles, subject: { gitCommit: sha } };
      if (predicate.commitReport) commits.push({ ...commitRow(predicate.commitReport, 'neither'), evidence: 'attested' });
    }
    const reviewed = await verifiedPredicates(options, bundles, PREDICATE_TYPES.review, { gitCommit: sha }, options.reviewTrust);
    for (const r of reviewed.predicates as ReviewPredicate[])
      reviews.push({
        sha,
        reviewer: r.reviewer.email ?? r.reviewer.name,
        reviewedAt: r.reviewedAt,
        decision: r.decision,
        scope: JSON.stringify(r.scope),
        evidence: 'verified',
      });
  }
  if (options.image) {
    head = await imageHead(options, options.image, history);
    if (head.predicate.commitReport && !commits.some((c) => c.sha === head?.sha))
      commits.push({ ...commitRow(head.predicate.commitReport, 'neither'), evidence: 'attested' });
  }
  if (refused > 0)
    warnings.push({
      code: 'BAD_NOTE',
      message: `${refused} authorship attestation${refused === 1 ? '' : 's'} in ${ATTESTATIONS_REF} did not verify with the trust given: not counted`,
    });
  if (!head)
    throw new VerificationError(
      'ATTESTATION_MISSING',
      `${options.identity.name}: no authorship attestation in the history of ${rev.slice(0, 12)} verifies with the trust given (${attested.length} commit${attested.length === 1 ? '' : 's'} with attestations read)`,
    );
  const audit = await verifiedPredicates(options, head.bundles, PREDICATE_TYPES.deps, head.subject, [options.trust]);
  const report = audit.predicates[0] as DepsReport | undefined;
  if (!report) warnings.push({ code: 'FILE_NOT_READ', message: `no verified dependency audit on ${head.sha.slice(0, 12)}: its findings are not known` });
  const fileLines = new Map(head.predicate.blame.files.map((f) => [f.path, countsRows(f)]));
  const headTime = (await git.commitTimes([head.sha])).get(head.sha) ?? 0;
  return {
    identity: options.identity,
    head: head.sha,
    headCommittedAt: new Date(headTime * 1000).toISOString(),
    totals: {
      lines: head.predicate.blame.totals.lines,
      aiLines: head.predicate.blame.totals.aiLines,
      suggestionLines: 0,
      files: head.predicate.blame.files.length,
    },
    commits,
    commitLines: new Map(),
    fileLines,
    headLines: sumAgentLines([...fileLines.values()].flat()),
    checks: [],
    reviews,
    findings: report ? dependencyRows(report, 'attested audit').rows : [],
    depsAuditedAt: report ? report.checkedAt : null,
    hunks: { total: null, shown: [] },
    warnings,
  };
}

/** The head an image's verified authorship attestation names: a commit of the revision's history, or an error naming both. */
async function imageHead(
  options: VerifiedSnapshotOptions,
  image: ImageBundles,
  history: readonly string[],
): Promise<{ sha: string; predicate: AuthorshipPredicate; bundles: readonly BundleInput[]; subject: VerifySubject }> {
  const subject = { sha256: image.digest.replace(/^sha256:/, '') };
  const found = await verifiedPredicates(options, image.inputs, PREDICATE_TYPES.authorship, subject, [options.trust]);
  const predicate = found.predicates[0] as AuthorshipPredicate | undefined;
  if (!predicate)
    throw new VerificationError(
      'ATTESTATION_MISSING',
      `${image.reference}: no authorship attestation attached to the image verifies with the trust given (${image.inputs.length} bundle${image.inputs.length === 1 ? '' : 's'} read)`,
    );
  if (!history.includes(predicate.commit))
    throw new VerificationError(
      'SUBJECT_MISMATCH',
      `${image.reference}: its authorship attestation is of commit ${predicate.commit.slice(0, 12)}, which is not in the history of ${options.rev.slice(0, 12)}`,
    );
  return { sha: predicate.commit, predicate, bundles: image.inputs, subject };
}

/**
 * The predicates of `type` on a commit whose signature, signer, statement and subject verify with one of `trusts`
 * (the content policy aside: the inventory records what an audit found, hallucinated names included); and how many
 * bundles claiming that type did not.
 */
async function verifiedPredicates(
  options: VerifiedSnapshotOptions,
  bundles: readonly BundleInput[],
  predicateType: string,
  subject: VerifySubject,
  trusts: readonly Trust[],
): Promise<{ predicates: unknown[]; refused: number }> {
  const accepted = new Map<string, unknown>();
  const claimed = new Set<string>();
  for (const trust of trusts) {
    const result = await verifyBundles({
      inputs: [...bundles],
      from: 'pool',
      trust,
      predicateType,
      subject,
      subjectText: 'gitCommit' in subject ? `commit ${subject.gitCommit}` : `image sha256:${subject.sha256}`,
      where: ATTESTATIONS_REF,
      now: options.now,
      ...(options.maxAgeMs !== undefined ? { maxAgeMs: options.maxAgeMs } : {}),
    });
    for (const b of result.bundles) {
      claimed.add(b.sha256);
      const v = b.verification;
      if ((v.verified || v.policyOnly) && v.statement) accepted.set(b.sha256, v.statement.predicate);
    }
  }
  return { predicates: [...accepted.values()], refused: [...claimed].filter((s) => !accepted.has(s)).length };
}

/** A file's lines by agent and model where the attestation has them together, else by agent (model `*`: not broken down). */
function countsRows(counts: LineCounts): AgentLines[] {
  if (counts.byContributor) return agentLines(counts);
  const rows: AgentLines[] = counts.lines > counts.aiLines ? [{ agent: '', model: '', lines: counts.lines - counts.aiLines }] : [];
  for (const [agent, lines] of Object.entries(counts.byAgent)) if (lines > 0) rows.push({ agent, model: '*', lines });
  return rows;
}

/** What identifies a trust, for the digest that says whether a repository needs collecting again. */
export function trustDigest(trusts: readonly Trust[]): string {
  const hash = createHash('sha256');
  for (const t of trusts) {
    if (t.kind === 'keys') for (const k of t.keys) hash.update(keyId(k));
    else hash.update(JSON.stringify(t.identity));
  }
  return hash.digest('hex');
}
