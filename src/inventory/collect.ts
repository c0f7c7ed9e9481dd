import type { BlameCache } from '../blame/groups-cache.js';
import { createHash, randomUUID } from 'node:crypto';
import type { ScanWarning } from '../authorship/types.js';
import type { DashboardContext } from '../dashboard/collect.js';
import type { DepsReport } from '../deps/audit.js';
import type { FindingsReport } from '../findings/types.js';
import type { ReviewConfig, RiskConfig } from '../gate/config.js';
import type { HistoryReader, RepositoryConfig } from '../git/types.js';
import type { Clock } from '../kernel/clock.js';
import { VERSION } from '../kernel/version.js';
import type { SqlDatabase, SqlSession } from '../store/database.js';
import { repositoryIdentity, type RepositoryIdentity } from './identity.js';
import { readSnapshot } from './snapshot.js';
import { readVerifiedSnapshot, trustDigest, type VerifiedSource } from './verified.js';
import { writeSnapshot, type CommitChanges } from './write.js';

/** The part of a Context (context/context.ts) a collection needs. */
export interface CollectContext extends DashboardContext {
  git: DashboardContext['git'] & RepositoryConfig;
  clock: Clock;
}

export interface CollectOptions {
  context: CollectContext;
  store: SqlDatabase;
  /** The revision collected (default HEAD: in CI, the default branch just pushed). */
  rev?: string;
  /** The repository's URL and default branch, where the clone's own say is not what the organisation calls it. */
  repository?: { url?: string; defaultBranch?: string };
  risk?: RiskConfig;
  review?: ReviewConfig;
  policySource?: string;
  /** An audit of the same revision (`aiprov deps audit --format json`): its findings replace the repository's stored ones. */
  deps?: { report: DepsReport; file: string };
  /** A scanner's findings attributed at the collected revision (`collect --sarif`): they replace the repository's stored ones. */
  findings?: FindingsReport;
  /** Read and write the repository again even when nothing changed since its last collection. */
  full?: boolean;
  /** Count only what attestations verified with this trust say (verified.ts); nothing unsigned is read. */
  verified?: VerifiedSource;
  allowShallow?: boolean;
  /** Files left out of the figures (globs, as blame's --exclude): binaries a partial clone lacks, generated code. */
  exclude?: string[];
  /** `git blame`'s answers kept between runs (blame/groups-cache.ts); none: every file blamed afresh. */
  cache?: BlameCache;
  jobs?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * `first`: the store had not seen the repository; `updated`: a new head or new notes; `rewritten`: commits the store
 * held are no longer in the history (removed); `unchanged`: nothing new since the last collection (nothing written);
 * `superseded`: another collection stored a newer head meanwhile, which this one does not overwrite.
 */
export type CollectMode = 'first' | 'updated' | 'rewritten' | 'unchanged' | 'superseded';

export interface CollectResult {
  repository: RepositoryIdentity;
  head: string;
  previousHead: string | null;
  mode: CollectMode;
  commits: CommitChanges;
  totals: { lines: number; aiLines: number; files: number; commits: number };
  durationMs: number;
  warnings: ScanWarning[];
}

interface StoredState {
  head: string | null;
  notes_digest: string | null;
  head_committed_at: string | null;
}

/**
 * Adds one repository's state at a revision to the store. A repository
 * whose head, notes and inputs are what the store last saw is not read
 * again (a run that adds nothing says so and writes nothing but the time it
 * looked); otherwise it is read whole (one scan, one blame) and the store
 * is brought to it in one transaction holding the repository's lock, so
 * that two collectors of one repository write one after the other and the
 * second finds the work done.
 */
export async function collectRepository(options: CollectOptions): Promise<CollectResult> {
  const { context, store } = options;
  const started = context.clock.now();
  const identity = await repositoryIdentity(context.git, options.repository);
  const rev = await context.git.resolveCommit(options.rev ?? 'HEAD');
  const digest = await inputsDigest(context.git, options, rev);
  const before = await storedState(store, identity.url);
  // Collected from attestations, the head is the newest attested commit, not the revision: the digest holds the revision.
  const seen = (state: StoredState | undefined): boolean =>
    options.full !== true && state !== undefined && state.notes_digest === digest && (options.verified !== undefined || state.head === rev);
  const result = (mode: CollectMode, commits: CommitChanges, totals: CollectResult['totals'], warnings: ScanWarning[] = [], head = rev): CollectResult => ({
    repository: identity,
    head,
    previousHead: before?.head ?? null,
    mode,
    commits,
    totals,
    durationMs: context.clock.now().getTime() - started.getTime(),
    warnings,
  });
  const none: CommitChanges = { added: 0, changed: 0, removed: 0 };
  if (seen(before)) {
    await store.run('UPDATE repository_state SET checked_at = ? WHERE repo = ?', [started.toISOString(), identity.url]);
    return result('unchanged', none, await storedTotals(store, identity.url), [], before?.head ?? rev);
  }
  const snapshot = options.verified
    ? await readVerifiedSnapshot({ git: context.git, identity, rev, now: started, ...options.verified })
    : await readSnapshot({ context, rev, now: started, identity, ...pick(options) });
  const { lines, aiLines, files } = snapshot.totals;
  const totals = { lines, aiLines, files, commits: new Set(snapshot.commits.map((c) => c.sha)).size };
  const head = snapshot.head;
  return store.transaction(async (tx) => {
    const current = await storedState(tx, identity.url);
    if (seen(current)) return result('unchanged', none, totals, snapshot.warnings, head);
    if (current?.head != null && current.head !== head && (await isOlder(context.git, head, snapshot.headCommittedAt, current)))
      return result('superseded', none, totals, snapshot.warnings, head);
    const collectedAt = started.toISOString();
    const changes = await writeSnapshot(tx, snapshot, { digest, collectedAt, verifiedOnly: options.verified !== undefined });
    const mode: CollectMode = current === undefined ? 'first' : changes.removed > 0 ? 'rewritten' : 'updated';
    const done = result(mode, changes, totals, snapshot.warnings, head);
    await recordRun(tx, done, started, context.clock.now(), options.verified !== undefined);
    return done;
  }, identity.url);
}

function pick(options: CollectOptions) {
  return {
    ...(options.risk ? { risk: options.risk } : {}),
    ...(options.review ? { review: options.review } : {}),
    ...(options.policySource !== undefined ? { policySource: options.policySource } : {}),
    ...(options.deps ? { deps: options.deps } : {}),
    ...(options.findings ? { findings: options.findings } : {}),
    ...(options.allowShallow === true ? { allowShallow: true } : {}),
    ...(options.exclude && options.exclude.length > 0 ? { exclude: options.exclude } : {}),
    ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
  };
}

async function storedState(db: SqlSession, repo: string): Promise<StoredState | undefined> {
  const rows = await db.query<StoredState & Record<string, string | null>>(
    'SELECT head, notes_digest, head_committed_at FROM repository_state WHERE repo = ?',
    [repo],
  );
  return rows[0];
}

async function storedTotals(db: SqlSession, repo: string): Promise<CollectResult['totals']> {
  const rows = await db.query<{ lines: number; ai_lines: number; files: number; commits: number }>(
    'SELECT lines, ai_lines, files, commits FROM repository_state WHERE repo = ?',
    [repo],
  );
  const row = rows[0];
  return { lines: row?.lines ?? 0, aiLines: row?.ai_lines ?? 0, files: row?.files ?? 0, commits: row?.commits ?? 0 };
}

/**
 * What besides the head decides what a collection writes: every notes ref's tip (records, reviews, checks,
 * attestations), the audit given, the policy, and aiprov's version (a newer one may read the same history better).
 */
async function inputsDigest(git: HistoryReader, options: CollectOptions, rev: string): Promise<string> {
  const tips = [...(await git.refTips(['refs/notes/']))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ tips, version: VERSION, risk: options.risk ?? null, review: options.review ?? null, exclude: options.exclude ?? [] }));
  const v = options.verified;
  if (v)
    hash.update(
      JSON.stringify({
        rev,
        trust: trustDigest([v.trust]),
        reviews: trustDigest(v.reviewTrust),
        maxAgeMs: v.maxAgeMs ?? null,
        image: v.image ? [v.image.digest, ...v.image.inputs.map((i) => i.sha256)] : null,
      }),
    );
  if (options.deps) hash.update(JSON.stringify(options.deps.report));
  // The findings, not when they were attributed: the same log of the same head is nothing new.
  if (options.findings) hash.update(JSON.stringify({ rev: options.findings.rev, findings: options.findings.findings, density: options.findings.density }));
  return hash.digest('hex');
}

/** Whether `rev` is older than the head the store holds: an ancestor of it, or (when this clone lacks it) committed before it. */
async function isOlder(git: HistoryReader, rev: string, committedAt: string, stored: StoredState): Promise<boolean> {
  const storedHead = stored.head ?? '';
  try {
    return (await git.reachableAmong([storedHead], new Set([rev]))).has(rev);
  } catch {
    return stored.head_committed_at !== null && stored.head_committed_at > committedAt;
  }
}

async function recordRun(tx: SqlSession, r: CollectResult, started: Date, finished: Date, verifiedOnly: boolean): Promise<void> {
  await tx.run(
    `INSERT INTO collection_runs (id, repo, started_at, finished_at, duration_ms, head, previous_head, mode, commits_added, commits_changed,
       commits_removed, tool_version, verified_only) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      randomUUID(),
      r.repository.url,
      started.toISOString(),
      finished.toISOString(),
      finished.getTime() - started.getTime(),
      r.head,
      r.previousHead,
      r.mode,
      r.commits.added,
      r.commits.changed,
      r.commits.removed,
      VERSION,
      verifiedOnly ? 1 : 0,
    ],
  );
}
