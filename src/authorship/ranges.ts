/** A parse that either gives a value or says, in a phrase that follows the thing's name, what is wrong with it. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** `1-4,9,12-20` as inclusive ranges; undefined when malformed. */
export function parseRangeList(text: string): [number, number][] | undefined {
  const ranges: [number, number][] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return undefined;
    const start = Number(m[1]);
    const end = m[2] === undefined ? start : Number(m[2]);
    if (start < 1 || end < start || !Number.isSafeInteger(end)) return undefined;
    ranges.push([start, end]);
  }
  return ranges;
}
