/**
 * How deep a parsed JSON value nests, counted without recursion, stopping at
 * `limit`. Inputs from outside (SBOMs, bundles, notes, reports) are walked by
 * recursive code (libraries' included): a document 2,000 levels deep would
 * end in "Maximum call stack size exceeded" instead of an error naming it.
 */
export const JSON_DEPTH_LIMIT = 128;

export function exceedsDepth(value: unknown, limit = JSON_DEPTH_LIMIT): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}
