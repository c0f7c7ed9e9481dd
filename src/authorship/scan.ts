import { UsageError } from '../kernel/errors.js';
import type { CommitRecord, HistoryReader, LogRequest, NotesReader, PatchReader, TreeReader } from '../git/types.js';
import { classifyCommit, CoverageAccumulator, type CommitClass } from './coverage.js';
import { envelope } from '../kernel/schemas.js';
import type { AnalyserFactory } from './analyse.js';
import { SummaryAccumulator } from './summary.js';
import type { CommitReport, RepositoryInfo, ScanReport, ScanWarning } from './types.js';

/** The part of a Context (context/context.ts) a scan needs. */
export interface ScanContext {
  git: HistoryReader & NotesReader;
  analyser: AnalyserFactory;
}

export interface ScanOptions {
  context: ScanContext;
  /** A revision or range (`v1.0..HEAD`); default HEAD's history. */
  range?: string;
  /** Every ref but notes, instead of `range`. */
  all?: boolean;
  /** With `all`, also the refs where tools keep their own records (BOOKKEEPING_REFS). */
  includeBookkeeping?: boolean;
  /** Also how complete and consistent the records are (coverage.ts), each line record checked against its commit through this reader (the context's git). */
  coverage?: TreeReader & PatchReader;
  /** Called with each commit's evidence class (coverage.ts) while its records are at hand: the dashboard's coverage over time. */
  onClassified?: (report: CommitReport, cls: CommitClass) => void;
}

/**
 * Refs where tools aiprov knows keep their own records: commits of the tool,
 * not of the project. Entire commits its checkpoints to
 * `entire/checkpoints/v1` and keeps shadow branches `entire/<hash>`, every
 * commit of which carries Entire's trailers. (Notes refs, git-ai's and
 * ours, are never history.)
 */
export const BOOKKEEPING_REFS: readonly { tool: string; pattern: string }[] = [
  { tool: 'Entire', pattern: 'refs/heads/entire/**' },
  { tool: 'Entire', pattern: 'refs/remotes/*/entire/**' },
];

/** A scan ready to stream: repository facts now, commits one at a time, summary and warnings at the end. */
export interface ScanSession {
  repository: RepositoryInfo;
  range: ScanReport['range'];
  /** Grows while `commits()` runs (bad notes are found as their commits are reached). */
  warnings: ScanWarning[];
  commits(): AsyncGenerator<CommitReport>;
  summary: SummaryAccumulator;
  /** With `coverage`: filled as commits stream, checked against the commits by `result`. */
  coverage?: CoverageAccumulator;
}

/**
 * Commits held from the first one with notes while their notes are read
 * together. Small on purpose: commits held across reads outlive V8's young
 * generation, and on 100,000 commits 256 cost more in collection than the
 * reads they saved (the scan bench: 64 as fast as reading no notes at all).
 */
const SCAN_BATCH = 64;

export async function openScan(options: ScanOptions): Promise<ScanSession> {
  const { git, analyser: analysers } = options.context;
  const warnings: ScanWarning[] = [];

  const [head, boundary] = await Promise.all([git.head(), git.shallowBoundary()]);
  const repository: RepositoryInfo = { root: git.root, head: head.sha, headRef: head.ref, shallow: boundary.length > 0, shallowBoundary: boundary };
  const all = options.all === true;
  if (options.range !== undefined && all) throw new UsageError('cannot be combined with a range', { field: 'all' });
  if (options.includeBookkeeping === true && !all)
    throw new UsageError('applies to a scan of every ref (all) only: a range names its refs itself', { field: 'includeBookkeeping' });
  if (options.range !== undefined) await git.checkRange(options.range);
  const range: ScanReport['range'] = { spec: all ? '--all' : (options.range ?? 'HEAD'), all };
  const request: LogRequest = { revisions: options.range !== undefined ? [options.range] : [], all };
  if (all && options.includeBookkeeping !== true) {
    request.exclude = BOOKKEEPING_REFS.map((b) => b.pattern);
    const leftOut = await Promise.all(BOOKKEEPING_REFS.map(async ({ tool, pattern }) => (await git.listRefs([pattern])).map((ref) => ({ ref, tool }))));
    if (leftOut.flat().length > 0) range.leftOut = leftOut.flat();
  }

  const unborn = head.sha === null && !all && options.range === undefined;
  if (unborn) {
    warnings.push({ code: 'UNBORN_HEAD', message: `HEAD${head.ref ? ` (${head.ref})` : ''} has no commits yet: nothing to scan` });
  }
  if (repository.shallow) {
    const visible = unborn ? 0 : await git.countCommits(request);
    warnings.push({
      code: 'SHALLOW',
      message:
        `shallow clone: history stops at ${plural(boundary.length, 'commit')} (${boundary.map((s) => s.slice(0, 12)).join(', ')}); ` +
        `${plural(visible, 'commit')} in range ${visible === 1 ? 'was' : 'were'} read and everything older is missing; run \`git fetch --unshallow\` to scan it`,
    });
  }

  const analyser = analysers.open(warnings);
  // A scan reports commits: records recovered for them need their detections, not their lines.
  analyser.notes.commitsOnly = true;
  const summary = new SummaryAccumulator();
  const coverage = options.coverage ? new CoverageAccumulator(options.coverage) : undefined;

  async function* commits(): AsyncGenerator<CommitReport> {
    if (unborn) return;
    const log = git.log(request)[Symbol.asyncIterator]();
    try {
      const hasNotes = await analyser.notes.noted();
      // Commits with notes, and those whose records may be recovered from the commits they came from, are read in batches.
      const noted = (record: CommitRecord): boolean => hasNotes(record.sha) || analyser.notes.recoverable(record);
      // A commit without notes is analysed as it comes; from one with notes on, commits wait in a batch whose notes are
      // read together (one round trip to git cat-file), then go out in git log's order.
      let batch: CommitRecord[] = [];
      // Of the batch, those with notes (or records to recover): each commit is asked once.
      let withNotes: string[] = [];
      const analysed = (record: CommitRecord): CommitReport => {
        const report = analyser.analyse(record);
        summary.add(report);
        coverage?.add(report, analyser.index.get(record.sha));
        if (options.onClassified) options.onClassified(report, classifyCommit(report, analyser.index.get(record.sha)).cls);
        return report;
      };
      const flush = async function* (): AsyncGenerator<CommitReport> {
        const shas = withNotes;
        await analyser.load(shas);
        for (const record of batch) yield analysed(record);
        analyser.notes.forget(shas);
        batch = [];
        withNotes = [];
      };
      for (let next = await log.next(); next.done !== true; next = await log.next()) {
        const record = next.value;
        const hasAny = noted(record);
        if (batch.length === 0 && !hasAny) yield analysed(record);
        else {
          batch.push(record);
          if (hasAny) withNotes.push(record.sha);
        }
        if (batch.length >= SCAN_BATCH) yield* flush();
      }
      yield* flush();
    } finally {
      // A consumer that stops early must not leave git running.
      await log.return?.();
    }
  }

  return { repository, range, warnings, commits, summary, ...(coverage ? { coverage } : {}) };
}

/** Scans and collects the whole report in memory; `openScan` streams instead. */
export async function scanHistory(options: ScanOptions): Promise<ScanReport> {
  const session = await openScan(options);
  const commits: CommitReport[] = [];
  for await (const commit of session.commits()) commits.push(commit);
  return {
    ...envelope('scanReport'),
    repository: session.repository,
    range: session.range,
    commits,
    summary: session.summary.result(),
    ...(session.coverage ? { coverage: await session.coverage.result() } : {}),
    warnings: session.warnings,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
