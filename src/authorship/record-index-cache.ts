import { readJsonEntry, type CacheUse } from '../kernel/cache-store.js';
import { COMMIT_ID } from '../git/guards.js';

const FORMAT = 'aiprov-git-ai-record-index/1';

interface Stored {
  format: typeof FORMAT;
  tip: string;
  /** Each id with the commits whose git-ai notes define a record under it. */
  ids: Record<string, string[]>;
}

const keyOf = (tip: string): string => `git-ai-record-index/${tip}`;

/**
 * git-ai's record index (which notes define a record under which id) as kept for a notes tip: the index is a
 * function of the notes tree at that commit, so an entry is valid for as long as its tip is the ref's. Only
 * where to look is kept: each record is still read from its note. Undefined when absent or not whole.
 */
export async function keptRecordIndex(cache: CacheUse, tip: string): Promise<Map<string, string[]> | undefined> {
  const stored = await readJsonEntry<Stored>(cache, keyOf(tip), (value) => indexProblem(value, tip));
  return stored ? new Map(Object.entries(stored.ids)) : undefined;
}

export async function keepRecordIndex(cache: CacheUse, tip: string, index: ReadonlyMap<string, string[]>): Promise<void> {
  const stored: Stored = { format: FORMAT, tip, ids: Object.fromEntries(index) };
  await cache.store.put(keyOf(tip), Buffer.from(JSON.stringify(stored)));
}

function indexProblem(value: unknown, tip: string): string | undefined {
  if (typeof value !== 'object' || value === null) return 'it is not a JSON object';
  const s = value as Partial<Stored>;
  if (s.format !== FORMAT) return `format ${JSON.stringify(s.format)}, not ${FORMAT}`;
  if (s.tip !== tip) return `it is of notes tip ${String(s.tip)}, not ${tip}`;
  const ids: unknown = s.ids;
  if (typeof ids !== 'object' || ids === null || Array.isArray(ids)) return 'ids are not an object';
  for (const holders of Object.values(ids as Record<string, unknown>)) {
    if (!Array.isArray(holders) || !holders.every((h) => typeof h === 'string' && COMMIT_ID.test(h))) return 'an id is not held by a list of commits';
  }
  return undefined;
}
