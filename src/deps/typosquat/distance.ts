/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions cost 1. Gives up (returns limit + 1) past `limit`. */
export function osaDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const cols = b.length + 1;
  // Three rows, reused: this runs for every candidate of every name checked.
  if (rowsBuffer.length < 3 * cols) rowsBuffer = new Int32Array(3 * cols * 2);
  let prevPrev = 0;
  let prev = cols;
  let cur = 2 * cols;
  for (let j = 0; j < cols; j++) rowsBuffer[prev + j] = j;
  for (let i = 1; i <= a.length; i++) {
    rowsBuffer[cur] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j < cols; j++) {
      const bj = b.charCodeAt(j - 1);
      const cost = ai === bj ? 0 : 1;
      let v = Math.min((rowsBuffer[prev + j] ?? 0) + 1, (rowsBuffer[cur + j - 1] ?? 0) + 1, (rowsBuffer[prev + j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) v = Math.min(v, (rowsBuffer[prevPrev + j - 2] ?? 0) + 1);
      rowsBuffer[cur + j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    const spare = prevPrev;
    prevPrev = prev;
    prev = cur;
    cur = spare;
  }
  return rowsBuffer[prev + cols - 1] ?? 0;
}
let rowsBuffer = new Int32Array(192);

/** Every string made by deleting `depth` or fewer characters (the SymSpell index key set). */
export function deletes(word: string, depth: number): Set<string> {
  const out = new Set<string>([word]);
  let frontier = [word];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const w of frontier) {
      for (let i = 0; i < w.length; i++) {
        const shorter = w.slice(0, i) + w.slice(i + 1);
        if (!out.has(shorter)) {
          out.add(shorter);
          next.push(shorter);
        }
      }
    }
    frontier = next;
  }
  return out;
}
