import type { PatchReader, TreeReader } from '../git/types.js';
import { mapPool } from '../kernel/concurrency.js';
import type { CommitClaims } from './line-records.js';
import type { CommitReport, Disagreement, RecordCoverage } from './types.js';

export const DISAGREEMENT_CAP = 100;
export type CommitClass = 'lineRecords' | 'wholeCommitRecords' | 'signaturesOnly' | 'neither';

/** The evidence class of one commit: line records (own or recovered), records naming no lines, signatures alone, or neither. */
export function classifyCommit(report: CommitReport, claims: CommitClaims | undefined): { cls: CommitClass; recovered: boolean } {
  const notes = report.detections.filter((d) => d.role === 'author' && d.evidence.some((e) => e.kind === 'note'));
  const recovered = notes.some((d) => d.evidence.some((e) => e.kind === 'note' && e.source.includes('recovered from')));
  const cls: CommitClass =
    claims?.ranged === true || recovered
      ? 'lineRecords'
      : notes.length > 0 || (claims?.whole.length ?? 0) > 0
        ? 'wholeCommitRecords'
        : report.ai
          ? 'signaturesOnly'
          : 'neither';
  return { cls, recovered };
}

/** Folds commits into coverage as a scan streams them; `result` then checks the line records against their commits. */
export class CoverageAccumulator {
  private readonly coverage: RecordCoverage = {
    commits: { lineRecords: 0, recovered: 0, wholeCommitRecords: 0, signaturesOnly: 0, neither: 0 },
    byAgent: {},
    disagreements: [],
    disagreementCount: 0,
    disagreementsByKind: {},
  };
  /** Line records to check against their commits: commit → path → the last line claimed. */
  private readonly toCheck = new Map<string, Map<string, number>>();

  constructor(private readonly git: TreeReader & PatchReader) {}

  /** One commit, with the line claims its notes made (undefined: none); call before the notes are forgotten. */
  add(report: CommitReport, claims: CommitClaims | undefined): void {
    const notes = report.detections.filter((d) => d.role === 'author' && d.evidence.some((e) => e.kind === 'note'));
    const signed = report.detections.filter((d) => d.role === 'author' && d.evidence.some((e) => e.kind !== 'note'));
    const { cls, recovered } = classifyCommit(report, claims);
    this.coverage.commits[cls]++;
    if (recovered) this.coverage.commits.recovered++;
    if (cls !== 'neither') {
      for (const agent of new Set(report.detections.filter((d) => d.role === 'author').map((d) => d.agent))) {
        const entry = (this.coverage.byAgent[agent] ??= { lineRecords: 0, wholeCommitRecords: 0, signaturesOnly: 0 });
        entry[cls]++;
      }
    }
    // Agents the records name that the commit's own signatures do not (only when it has some: most recorded commits have none).
    const named = new Set(signed.map((d) => d.agent));
    if (named.size > 0)
      for (const agent of new Set(notes.map((d) => d.agent)))
        // A record of a tool nobody recognised (`other`) says nothing against the agent the trailers name.
        if (!named.has(agent) && agent !== 'other')
          this.disagree({
            commit: report.sha,
            kind: 'agent-not-in-trailers',
            agent,
            message: `${report.sha.slice(0, 12)}: its records name ${agent}, its trailers and identities name ${[...named].sort().join(', ')}`,
          });
    if (claims?.ranged === true && !recovered) {
      const files = new Map<string, number>();
      for (const [path, list] of claims.files)
        for (const claim of list) if (claim.ranges !== 'all') for (const [, end] of claim.ranges) files.set(path, Math.max(files.get(path) ?? 0, end));
      if (files.size > 0) this.toCheck.set(report.sha, files);
    }
  }

  /** Adds blame's split of the AI lines (exact records against whole commits). */
  addLines(lines: NonNullable<RecordCoverage['lines']>): void {
    this.coverage.lines = lines;
  }

  /**
   * The coverage, with each line record checked against its commit: a file
   * the commit added no line to, a range past the end of the file as the
   * commit left it. Files are read a commit at a time, a few at once.
   */
  result(): Promise<RecordCoverage> {
    // Once: the checks add to the disagreements, and a second call must not count them twice.
    this.checked ??= this.check();
    return this.checked;
  }

  private checked: Promise<RecordCoverage> | undefined;

  private async check(): Promise<RecordCoverage> {
    const git = this.git;
    const shas = [...this.toCheck.keys()];
    const written = shas.length === 0 ? new Map<string, Map<string, number[]>>() : await git.addedLineNumbers(shas);
    await mapPool(shas, 4, async (sha) => {
      const files = this.toCheck.get(sha) ?? new Map<string, number>();
      const added = written.get(sha) ?? new Map<string, number[]>();
      const present = [...files.keys()].filter((path) => added.has(path));
      const texts = await git.readFiles(sha, present);
      for (const [path, last] of files) {
        const text = texts.get(path);
        if (!added.has(path) || text === undefined) {
          this.disagree({
            commit: sha,
            kind: 'file-not-written',
            path,
            message: `${sha.slice(0, 12)}: a record claims lines of ${path}, where the commit wrote none`,
          });
          continue;
        }
        const length = lineCount(text);
        if (last > length)
          this.disagree({
            commit: sha,
            kind: 'range-past-end',
            path,
            message: `${sha.slice(0, 12)}: a record claims line ${last} of ${path}, which has ${length} line${length === 1 ? '' : 's'} there`,
          });
      }
    });
    const sorted = [...this.coverage.disagreements].sort((a, b) => (a.commit === b.commit ? a.message.localeCompare(b.message) : a.commit < b.commit ? -1 : 1));
    return { ...this.coverage, byAgent: Object.fromEntries(Object.entries(this.coverage.byAgent).sort(([a], [b]) => (a < b ? -1 : 1))), disagreements: sorted };
  }

  private disagree(d: Disagreement): void {
    this.coverage.disagreementCount++;
    this.coverage.disagreementsByKind[d.kind] = (this.coverage.disagreementsByKind[d.kind] ?? 0) + 1;
    if (this.coverage.disagreements.length < DISAGREEMENT_CAP) this.coverage.disagreements.push(d);
  }
}

function lineCount(text: string): number {
  if (text === '') return 0;
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n : n + 1;
}
