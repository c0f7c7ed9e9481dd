import type { HistoryReader, TreeReader } from '../git/types.js';
import type { Attributor, Part } from './attribute.js';

/** The lines one claimant wrote in one file, in the target commit's version of it. */
export interface CarriedLines {
  part: Omit<Part, 'ranges'>;
  path: string;
  lines: number[];
  /** Lines of the claim that the target does not have as written (changed since, or removed): not carried. */
  dropped: number;
}

/**
 * What the commits of `base..head` wrote that survives into `target` (a squash
 * of them, made on a forge's server where no hook runs): each line of head
 * that one of them wrote is found by blame, attributed by `attributor` (their
 * records, or their detections where they have none), then mapped onto the
 * target's version of the file. Lines the target changed or does not have
 * are counted in `dropped`, never carried. `record --squash-of` writes the
 * result as notes; reading recovers it without writing.
 */
export async function carryLines(
  git: HistoryReader & TreeReader,
  attributor: Attributor,
  range: { base: string; head: string; commits: ReadonlySet<string> },
  target: string,
  /** Files whose blobs this clone lacks (a partial or damaged clone) are left out and named here, instead of failing. */
  unreadable?: string[],
): Promise<CarriedLines[]> {
  // What the squashed commits wrote can only survive in files the target itself changed.
  const [headTree, changed] = await Promise.all([git.listTree(range.head), git.changedFiles(target)]);
  const inTarget = new Set(changed);
  const entries = headTree.filter((f) => f.kind === 'file' && inTarget.has(f.path));
  const files = unreadable === undefined ? await git.describeFiles(range.head, entries) : await describeEach(git, range.head, entries, unreadable);
  const out: CarriedLines[] = [];
  for (const file of files) {
    if (file.kind !== 'file' || file.binary) continue;
    const map = await git.lineMap(range.head, file.path, target, file.path);
    for await (const group of git.blame(range.head, file.path, { since: range.base, detection: 'copies' })) {
      if (group.boundary || !range.commits.has(group.sha)) continue;
      for (const { ranges, ...part } of attributor.parts(group)) {
        const carried: CarriedLines = { part, path: file.path, lines: [], dropped: 0 };
        for (const [a, b] of ranges) {
          for (let orig = a; orig <= b; orig++) {
            const mapped = map.map(group.finalLine + (orig - group.origLine));
            if (mapped === undefined) carried.dropped++;
            else carried.lines.push(mapped);
          }
        }
        out.push(carried);
      }
    }
  }
  return out;
}

/** Each file described on its own, those whose blobs are missing named in `unreadable` and left out. */
async function describeEach(
  git: TreeReader,
  rev: string,
  entries: Parameters<TreeReader['describeFiles']>[1],
  unreadable: string[],
): Promise<Awaited<ReturnType<TreeReader['describeFiles']>>> {
  try {
    return await git.describeFiles(rev, entries);
  } catch {
    const out: Awaited<ReturnType<TreeReader['describeFiles']>> = [];
    for (const entry of entries) {
      try {
        out.push(...(await git.describeFiles(rev, [entry])));
      } catch {
        unreadable.push(entry.path);
      }
    }
    return out;
  }
}
