import type { AnalyserFactory } from '../authorship/analyse.js';
import type { NoteRecord } from '../authorship/notes.js';
import type { ScanWarning } from '../authorship/types.js';
import { Attributor } from '../blame/attribute.js';
import { carryLines } from '../blame/carry.js';
import type { Clock } from '../kernel/clock.js';
import { UsageError } from '../kernel/errors.js';
import { toRanges } from '../git/line-map.js';
import type { HistoryReader, NotesWriter, TreeReader } from '../git/types.js';
import { VERSION } from '../kernel/version.js';
import { appendRecords, recordIdentity } from './note-store.js';
import type { Detection } from '../authorship/types.js';
import { compareStrings } from '../kernel/sorted.js';

/** The part of a Context (context/context.ts) collecting a squash needs. */
export interface SquashContext {
  git: HistoryReader & TreeReader & NotesWriter;
  analyser: AnalyserFactory;
  clock: Clock;
}

export interface SquashOptions {
  context: SquashContext;
  /** The squashed commits, `BASE..HEAD`. */
  squashOf: string;
  /** The squash commit to record on (default HEAD). */
  commit?: string;
}

export interface SquashResult {
  commit: string;
  squashed: string[];
  added: NoteRecord[];
  warnings: ScanWarning[];
}

/**
 * A squash merge made on the server runs no hook: this collects the records of
 * the squashed commits (BASE..HEAD) onto the squash commit, with line ranges
 * recomputed against it. Each line of HEAD that one of the squashed commits
 * wrote is found by blame, kept if the commit's records (or its detections,
 * for commits without ranges) say an agent wrote it, then mapped onto the
 * squash commit's version of the file.
 */
export async function recordSquash(options: SquashOptions): Promise<SquashResult> {
  const { git, clock } = options.context;
  const range = options.squashOf;
  const m = /^(.+?)\.\.([^.].*)$/.exec(range);
  if (!m || range.includes('...')) throw new UsageError('expected BASE..HEAD', { field: 'squashOf', value: range });
  const [base, head] = await Promise.all([git.resolveCommit(m[1] ?? ''), git.resolveCommit(m[2] ?? '')]);
  const squash = await git.resolveCommit(options.commit ?? 'HEAD');
  const squashed = await git.listCommits(`${base}..${head}`);
  if (squashed.length === 0) throw new UsageError('the range holds no commits', { field: 'squashOf', value: range });
  const inRange = new Set(squashed);
  const warnings: ScanWarning[] = [];

  const analyser = options.context.analyser.open(warnings);
  const detections = new Map<string, Detection[]>();
  for await (const report of analyser.analyseAll(git, squashed)) {
    detections.set(
      report.sha,
      report.detections.filter((d) => d.role === 'author'),
    );
  }
  const attributor = new Attributor(analyser.index, detections);

  const now = clock.now().toISOString();
  const records = new Map<string, { record: NoteRecord; lines: Map<string, number[]> }>();
  for (const carried of await carryLines(git, attributor, { base, head, commits: inRange }, squash)) {
    const { part } = carried;
    const template: NoteRecord = part.record
      ? { ...part.record }
      : {
          agent: part.agent,
          ...(part.name ? { name: part.name } : {}),
          ...(part.model !== 'unknown' ? { model: part.model } : {}),
          tool: { name: 'aiprov', version: VERSION },
          recordedAt: now,
        };
    delete template.files;
    const key = recordIdentity(template);
    const entry = records.get(key) ?? { record: template, lines: new Map<string, number[]>() };
    records.set(key, entry);
    entry.lines.set(carried.path, [...(entry.lines.get(carried.path) ?? []), ...carried.lines]);
  }
  const added = [...records.values()].map(({ record, lines }) => ({
    ...record,
    files: [...lines]
      .filter(([, l]) => l.length > 0)
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([path, l]) => ({ path, ranges: toRanges(l) })),
  }));
  if (added.length > 0) await appendRecords(git, squash, added);
  return { commit: squash, squashed, added, warnings };
}
