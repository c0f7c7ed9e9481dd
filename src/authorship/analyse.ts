import type { CommitRecord, HistoryReader, NotesReader } from '../git/types.js';
import { NotesLoader, NotesRunCache } from './commit-notes.js';
import type { CacheUse } from '../kernel/cache-store.js';
import { DetectionSet, engineFor, type Match, type SignatureEngine } from './engine.js';
import type { LineRecordIndex } from './line-records.js';
import type { SignatureDef } from './signature-types.js';
import type { RecordRecovery } from './recovery.js';
import type { CommitReport, ScanWarning } from './types.js';

/**
 * Makes the CommitAnalyser every command shares: the signature table (built
 * in and from the config) is compiled once, when the context is made; notes
 * are read after each `open`, so that records written since then count.
 */
export class AnalyserFactory {
  readonly engine: SignatureEngine;

  constructor(
    private readonly git: NotesReader,
    private readonly signatures: readonly SignatureDef[] = [],
    /** Records carried onto commits that have none (squash and rebase merges): recover/, wired by the context. */
    private readonly recovery?: RecordRecovery,
    private readonly cache = new NotesRunCache(),
  ) {
    this.engine = engineFor({ signatures });
  }

  open(warnings: ScanWarning[]): CommitAnalyser {
    return new CommitAnalyser(this.engine, new NotesLoader(this.git, warnings, this.recovery, this.cache));
  }

  /** The same analyser with other signatures (the gate's base's), recovering records as this one does. */
  withSignatures(signatures: readonly SignatureDef[]): AnalyserFactory {
    return new AnalyserFactory(this.git, signatures, this.recovery, this.cache);
  }

  /**
   * Keeps git-ai's record index (a `git grep` over every note, seconds on a large history) in `cache` between runs,
   * by notes tip, for every analyser this factory and its variants open; and recovery's authors of the commits
   * with records.
   */
  keepIndexesIn(cache: CacheUse): void {
    this.cache.keep = cache;
    this.recovery?.keepIndexIn?.(cache);
  }

  /** The same analyser without recovery: what recovery itself reads source commits with. */
  withoutRecovery(): AnalyserFactory {
    return new AnalyserFactory(this.git, this.signatures, undefined, this.cache);
  }

  /** The same analyser recovering records with `recovery` (which reads its sources with this one: one cache for both). */
  withRecovery(recovery: RecordRecovery): AnalyserFactory {
    return new AnalyserFactory(this.git, this.signatures, recovery, this.cache);
  }
}

/**
 * Decides one commit: signatures from its identities and message, merged with
 * what the notes on it record. Scan and blame share it, so a commit means the
 * same in both. Notes are read for the commits asked about (`load`), never the
 * whole notes ref; unreadable ones become warnings naming the commit.
 */
export class CommitAnalyser {
  constructor(
    private readonly engine: SignatureEngine,
    readonly notes: NotesLoader,
  ) {}

  /** Starts listing the notes refs while the caller does other work (NotesLoader.prefetch). */
  prefetch(): void {
    this.notes.prefetch();
  }

  /** Reads the notes of `shas` (before `analyse` of those commits). */
  load(shas: Iterable<string>): Promise<void> {
    return this.notes.load(shas);
  }

  /** Line claims of the loaded commits. */
  get index(): LineRecordIndex {
    return this.notes.index;
  }

  /**
   * Starts reading and matching the commits `shas` (one `git log`) while the caller does other work: a blame that
   * reuses most files from its cache knows their commits before git has blamed the rest. `analyseAll` takes them
   * from here; their notes are read by it, in its order, as for any other commit.
   */
  readAhead(git: HistoryReader, shas: readonly string[]): void {
    const reading = (async () => {
      for await (const record of git.logCommits(shas)) {
        const match = this.engine.match(record);
        // Only the subject of a matched message is reported: the rest is not kept.
        this.ahead.set(record.sha, {
          record: { ...record, message: '' },
          match: { ...match, parsed: { subject: match.parsed.subject, paragraphs: [], trailers: [] } },
        });
      }
    })();
    // Awaited by analyseAll, which reads again whatever this did not.
    reading.catch(() => undefined);
    this.reading = reading;
  }

  /** Commits read and matched ahead, by id (a commit's match depends on nothing else). */
  private readonly ahead = new Map<string, { record: CommitRecord; match: Match }>();
  private reading: Promise<void> | undefined;

  analyse(record: CommitRecord): CommitReport {
    const match = this.ahead.get(record.sha)?.match ?? this.engine.match(record);
    let detections = match.detections;
    const notes = this.notes.notes(record.sha);
    if (notes.detections.length > 0) {
      const set = new DetectionSet();
      for (const d of detections) set.put(d);
      for (const d of notes.detections) set.put(d);
      detections = set.detections();
    }
    const report: CommitReport = {
      sha: record.sha,
      parents: record.parents,
      author: record.author,
      committer: record.committer,
      authoredAt: record.authoredAt,
      subject: capSubject(match.parsed.subject),
      ai: detections.some((d) => d.role === 'author'),
      automation: match.automation.length > 0,
      detections,
    };
    if (match.automation.length > 0) report.automationBy = match.automation;
    if (notes.unattested) report.unattested = notes.unattested;
    return report;
  }

  /** Loads and analyses commits read with `logCommits` (blame, squash, the audit's introductions). */
  async *analyseAll(git: HistoryReader, shas: readonly string[]): AsyncGenerator<CommitReport> {
    await this.load(shas);
    if (!this.reading) {
      for await (const record of git.logCommits(shas)) yield this.analyse(record);
      return;
    }
    // A read ahead that failed part way is made up here: what it did not read is read now (and its error is git's).
    await this.reading.catch(() => undefined);
    const rest = new Map<string, CommitRecord>();
    for await (const record of git.logCommits(shas.filter((sha) => !this.ahead.has(sha)))) rest.set(record.sha, record);
    for (const sha of shas) {
      const record = this.ahead.get(sha)?.record ?? rest.get(sha);
      if (record) yield this.analyse(record);
    }
  }
}

/** A title paragraph can be megabytes long; the report keeps the first 1,000 characters. */
function capSubject(subject: string): string {
  return subject.length <= 1000 ? subject : `${subject.slice(0, 999)}…`;
}
