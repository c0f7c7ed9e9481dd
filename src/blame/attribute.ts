import type { LineRecordIndex } from '../authorship/line-records.js';
import type { Detection } from '../authorship/types.js';
import type { Confidence } from '../authorship/signature-types.js';
import type { BlameGroup } from '../git/blame.js';
import { mergeRanges } from '../git/line-map.js';
import { sortKeys } from '../kernel/sorted.js';
import type { LineCounts } from './types.js';

import type { NoteRecord } from '../authorship/notes.js';

/** AI-written lines of one blame group, by one claimant, in the commit's own line numbers. */
export interface Part {
  agent: Detection['agent'];
  name?: string;
  /** `unknown` where the evidence names no model. */
  model: string;
  ranges: [number, number][];
  /** `declared` for line records and declared commit evidence (a trailer, a note), `inferred` for what the scan inferred. */
  confidence: Confidence;
  /** The aiprov record behind the claim, if it came from one. */
  record?: NoteRecord;
}

/**
 * Says who wrote which lines of a blame group (`countParts` turns that into
 * AI line counts). A commit with line ranges on record
 * (notes, Agent Trace) counts exactly those lines, looked up in the commit's
 * own version of the file; any other commit counts all its surviving lines for
 * the agents the scan detected on it.
 */
export class Attributor {
  constructor(
    private readonly index: LineRecordIndex,
    /** Author-role detections of the commits without line ranges (with `floor`, of every commit). */
    private readonly detections: ReadonlyMap<string, readonly Detection[]>,
    /**
     * For the gate: line records can add agents to lines, never take them away. A commit whose own evidence
     * names an agent counts all its lines for it, whatever a record (which the change under judgement may have
     * written: a trace file, a note) says of them.
     */
    private readonly floor = false,
  ) {}

  /** Who wrote which lines of the group, in the group's commit's own line numbers. */
  parts(group: BlameGroup): readonly Part[] {
    const claims = this.index.get(group.sha);
    // Most groups are people's: nothing on record and nothing detected, and nothing to build (a warm tree has 50,000).
    if (claims === undefined && !this.detections.has(group.sha)) return NO_PARTS;
    const span: [number, number] = [group.origLine, group.origLine + group.lines - 1];
    // A line record declares its lines; a detection says how sure the scan is.
    const part = (
      c: { agent: Part['agent']; name?: string; model?: string; record?: NoteRecord; confidence?: Confidence },
      ranges: [number, number][],
    ): Part => ({
      agent: c.agent,
      ...(c.name !== undefined ? { name: c.name } : {}),
      model: c.model ?? 'unknown',
      ranges,
      confidence: c.confidence ?? 'declared',
      ...(c.record ? { record: c.record } : {}),
    });
    if (claims?.ranged) {
      const ranged = (claims.files.get(group.origPath) ?? [])
        .map((c) => part(c, c.ranges === 'all' ? [span] : clip(c.ranges, span)))
        .filter((p) => p.ranges.length > 0);
      if (!this.floor) return ranged;
      return [...ranged, ...(this.detections.get(group.sha) ?? []).map((d) => part(d, [span]))];
    }
    const whole = (claims?.whole ?? []).map((c) => part(c, [span]));
    for (const d of this.detections.get(group.sha) ?? []) whole.push(part(d, [span]));
    return whole;
  }
}

const NO_PARTS: readonly Part[] = Object.freeze([]);

/** Adds a (non-boundary) group's lines, and the AI lines its parts claim, to the counts. */
export function countParts(group: BlameGroup, parts: readonly Part[], into: LineCounts): void {
  into.lines += group.lines;
  if (parts.length === 0) return;
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.ranges.length === 1) {
    // One claimant of one run of lines, the usual AI group: what the general case below computes, without its maps.
    const [a, b] = only.ranges[0] ?? [0, -1];
    const n = b - a + 1;
    into.aiLines += n;
    into.byAgent[only.agent] = (into.byAgent[only.agent] ?? 0) + n;
    into.byModel[only.model] = (into.byModel[only.model] ?? 0) + n;
    if (into.byContributor) into.byContributor[contributorKey(only)] = (into.byContributor[contributorKey(only)] ?? 0) + n;
    return;
  }
  into.aiLines += size(parts.flatMap((p) => p.ranges));
  for (const [agent, n] of exclusive(groupBy(parts, (p) => p.agent))) into.byAgent[agent] = (into.byAgent[agent] ?? 0) + n;
  for (const [model, n] of exclusive(groupBy(parts, (p) => p.model))) into.byModel[model] = (into.byModel[model] ?? 0) + n;
  if (into.byContributor) {
    for (const [key, n] of exclusive(groupBy(parts, contributorKey))) into.byContributor[key] = (into.byContributor[key] ?? 0) + n;
  }
}

function clip(ranges: readonly [number, number][], [lo, hi]: [number, number]): [number, number][] {
  const out: [number, number][] = [];
  for (const [a, b] of ranges) {
    const start = Math.max(a, lo);
    const end = Math.min(b, hi);
    if (start <= end) out.push([start, end]);
  }
  return out;
}

/** Lines in ranges that may overlap, each counted once. */
export function size(ranges: [number, number][]): number {
  return mergeRanges(ranges).reduce((n, [a, b]) => n + b - a + 1, 0);
}

/**
 * Lines credited to more than one agent (or model) are counted once, under
 * the key of all of them joined by `+` in order (`claude-code+cursor`), so
 * that the figures add up to `aiLines` and no agent disappears into a bucket
 * without a name. Agent ids hold no `+`.
 */
export const SHARED_JOIN = '+';

export function sharedKey(keys: Iterable<string>): string {
  return [...new Set(keys)].sort().join(SHARED_JOIN);
}

/** Whether a key of byAgent, byModel or byContributor counts lines several share. */
export function isSharedKey(key: string): boolean {
  return key.includes(SHARED_JOIN);
}

/** The agents (or models, or contributors) a key credits: one, or the several of a shared key. */
export function sharersOf(key: string): string[] {
  return key.split(SHARED_JOIN);
}

/** Lines each key alone is credited with, and under a shared key those two or more keys are together. */
function exclusive(byKey: Map<string, [number, number][]>): Map<string, number> {
  const counts = new Map<string, number>();
  if (byKey.size === 1) {
    for (const [key, ranges] of byKey) counts.set(key, size(ranges));
    return counts;
  }
  const events: [number, string, number][] = [];
  for (const [key, ranges] of byKey) for (const [a, b] of mergeRanges(ranges)) events.push([a, key, 1], [b + 1, key, -1]);
  events.sort((x, y) => x[0] - y[0]);
  const open = new Map<string, number>();
  for (let i = 0; i < events.length;) {
    const point = events[i]?.[0] ?? 0;
    for (; i < events.length && events[i]?.[0] === point; i++) {
      const [, key, delta] = events[i] ?? [0, '', 0];
      const n = (open.get(key) ?? 0) + delta;
      if (n === 0) open.delete(key);
      else open.set(key, n);
    }
    const next = events[i]?.[0];
    if (next === undefined || open.size === 0) continue;
    const key = sharedKey(open.keys());
    counts.set(key, (counts.get(key) ?? 0) + next - point);
  }
  return counts;
}

/** An agent and a model as one key: agent ids hold no `/`, so the first one separates them. */
export function contributorKey(part: { agent: string; model: string }): string {
  return `${part.agent}/${part.model}`;
}

/** The agent and model of a `contributorKey` (not of a shared key). */
export function splitContributorKey(key: string): { agent: string; model: string } {
  const slash = key.indexOf('/');
  return { agent: key.slice(0, slash), model: key.slice(slash + 1) };
}

function groupBy(parts: readonly Part[], key: (p: Part) => string): Map<string, [number, number][]> {
  const map = new Map<string, [number, number][]>();
  for (const p of parts) map.set(key(p), [...(map.get(key(p)) ?? []), ...p.ranges]);
  return map;
}

export function emptyCounts(contributors = false): LineCounts {
  return { lines: 0, aiLines: 0, byAgent: {}, byModel: {}, ...(contributors ? { byContributor: {} } : {}) };
}

export function addCounts(into: LineCounts, from: LineCounts): void {
  into.lines += from.lines;
  into.aiLines += from.aiLines;
  for (const [k, v] of Object.entries(from.byAgent)) into.byAgent[k] = (into.byAgent[k] ?? 0) + v;
  for (const [k, v] of Object.entries(from.byModel)) into.byModel[k] = (into.byModel[k] ?? 0) + v;
  if (into.byContributor && from.byContributor) {
    for (const [k, v] of Object.entries(from.byContributor)) into.byContributor[k] = (into.byContributor[k] ?? 0) + v;
  }
}

/** The same counts with keys sorted, for byte-for-byte reproducible output. */
export function sortedCounts<T extends LineCounts>(counts: T): T {
  return {
    ...counts,
    byAgent: sortKeys(counts.byAgent),
    byModel: sortKeys(counts.byModel),
    ...(counts.byContributor ? { byContributor: sortKeys(counts.byContributor) } : {}),
  };
}

export function share(counts: LineCounts): number {
  return counts.lines === 0 ? 0 : Math.round((counts.aiLines / counts.lines) * 1e6) / 1e6;
}
