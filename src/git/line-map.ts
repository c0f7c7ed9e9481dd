/**
 * Maps line numbers of one version of a file onto another, through the hunks
 * of `git diff -U0`: lines outside every hunk keep their content and move by
 * the hunks above them; lines inside a hunk were changed and map to nothing.
 */
export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
}

export function parseHunks(diff: string): Hunk[] {
  const hunks: Hunk[] = [];
  for (const m of diff.matchAll(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm)) {
    hunks.push({
      oldStart: Number(m[1]),
      oldLines: m[2] === undefined ? 1 : Number(m[2]),
      newStart: Number(m[3]),
      newLines: m[4] === undefined ? 1 : Number(m[4]),
    });
  }
  return hunks;
}

export class LineMap {
  constructor(private readonly hunks: readonly Hunk[]) {}

  static identity(): LineMap {
    return new LineMap([]);
  }

  /** The line's number in the new version, or undefined when the line was changed or removed. */
  map(line: number): number | undefined {
    let shift = 0;
    for (const h of this.hunks) {
      // With -U0 a pure insertion has oldLines 0 and sits after line oldStart.
      const firstOld = h.oldLines === 0 ? h.oldStart + 1 : h.oldStart;
      if (line < firstOld) break;
      if (h.oldLines > 0 && line < h.oldStart + h.oldLines) return undefined;
      shift += h.newLines - h.oldLines;
    }
    return line + shift;
  }

  /** Maps inclusive ranges, splitting them where changed lines fall out. */
  mapRanges(ranges: readonly (readonly [number, number])[]): [number, number][] {
    const lines: number[] = [];
    for (const [start, end] of ranges) {
      for (let l = start; l <= end; l++) {
        const mapped = this.map(l);
        if (mapped !== undefined) lines.push(mapped);
      }
    }
    return toRanges(lines);
  }
}

/** Sorted, merged inclusive ranges of a set of line numbers. */
export function toRanges(lines: Iterable<number>): [number, number][] {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const l of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && l === last[1] + 1) last[1] = l;
    else ranges.push([l, l]);
  }
  return ranges;
}

/** Merges overlapping or touching ranges. */
export function mergeRanges(ranges: Iterable<readonly [number, number]>): [number, number][] {
  const sorted = [...ranges].map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b)]).sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}
