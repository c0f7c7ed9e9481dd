import type { Confidence } from '../authorship/signature-types.js';
import { contributorKey, sharedKey, type Part } from '../blame/attribute.js';
import type { BlameGroup } from '../git/blame.js';

/** Who wrote one line at the revision: the commit, and the agents, models and contributors credited with it (none: no agent). */
export interface LineAuthor {
  sha: string;
  /** Keys as blame counts them: one agent, or several joined by `+` (`byAgent`); empty when no agent is credited. */
  agent: string | null;
  model: string | null;
  contributor: string | null;
  agents: string[];
  models: string[];
  confidence: Confidence | null;
}

interface Segment {
  finalLine: number;
  lines: number;
  origLine: number;
  sha: string;
  parts: readonly Part[];
}

/**
 * The blame of the files results fall in, kept by group (not by line): a line is found by binary search over its
 * file's groups, and its agents are the parts whose ranges (in the group's commit's own line numbers) hold it.
 */
export class LineIndex {
  private readonly files = new Map<string, Segment[]>();
  private sorted = true;

  /** Blame's `onGroup`. */
  add(path: string, group: BlameGroup, parts: readonly Part[]): void {
    const segments = this.files.get(path) ?? [];
    if (segments.length === 0) this.files.set(path, segments);
    segments.push({ finalLine: group.finalLine, lines: group.lines, origLine: group.origLine, sha: group.sha, parts });
    this.sorted = false;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  /** Who wrote line `line` of `path`, or undefined when blame has no group there (past the end of the file). */
  at(path: string, line: number): LineAuthor | undefined {
    this.sort();
    const segments = this.files.get(path);
    if (!segments) return undefined;
    let lo = 0;
    let hi = segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = segments[mid] as Segment;
      if (line < s.finalLine) hi = mid - 1;
      else if (line >= s.finalLine + s.lines) lo = mid + 1;
      else return authorOf(s, s.origLine + (line - s.finalLine));
    }
    return undefined;
  }

  private sort(): void {
    if (this.sorted) return;
    for (const segments of this.files.values()) segments.sort((a, b) => a.finalLine - b.finalLine);
    this.sorted = true;
  }
}

function authorOf(segment: Segment, orig: number): LineAuthor {
  const parts = segment.parts.filter((p) => p.ranges.some(([a, b]) => orig >= a && orig <= b));
  if (parts.length === 0) return { sha: segment.sha, agent: null, model: null, contributor: null, agents: [], models: [], confidence: null };
  const agents = [...new Set(parts.map((p) => p.agent))].sort();
  const models = [...new Set(parts.map((p) => p.model))].sort();
  return {
    sha: segment.sha,
    agent: sharedKey(agents),
    model: sharedKey(models),
    contributor: sharedKey(parts.map(contributorKey)),
    agents,
    models,
    confidence: parts.some((p) => p.confidence === 'inferred') ? 'inferred' : 'declared',
  };
}
