import type { RecordCoverage } from '../authorship/types.js';
import type { LineRecordIndex } from '../authorship/line-records.js';
import type { BlameGroup } from '../git/blame.js';
import { size, type Part } from './attribute.js';

/**
 * Which AI lines blame credited from line records (the commit's notes or
 * trace name the lines) and which from whole-commit evidence (every
 * surviving line of a commit its trailers or author name): the precision of
 * the figures, per agent, for coverage.
 */
export class LineSources {
  private fromRecords = 0;
  private wholeCommit = 0;
  private readonly byAgent = new Map<string, { fromRecords: number; wholeCommit: number }>();

  constructor(private readonly index: LineRecordIndex) {}

  add(group: BlameGroup, parts: readonly Part[]): void {
    if (parts.length === 0) return;
    const key = this.index.get(group.sha)?.ranged === true ? 'fromRecords' : 'wholeCommit';
    this[key] += size(parts.flatMap((p) => p.ranges));
    const perAgent = new Map<string, [number, number][]>();
    for (const p of parts) perAgent.set(p.agent, [...(perAgent.get(p.agent) ?? []), ...p.ranges]);
    for (const [agent, ranges] of perAgent) {
      const entry = this.byAgent.get(agent) ?? { fromRecords: 0, wholeCommit: 0 };
      entry[key] += size(ranges);
      this.byAgent.set(agent, entry);
    }
  }

  result(): NonNullable<RecordCoverage['lines']> {
    const byAgent = Object.fromEntries([...this.byAgent].sort(([a], [b]) => (a < b ? -1 : 1)));
    return { fromRecords: this.fromRecords, wholeCommit: this.wholeCommit, byAgent };
  }
}
