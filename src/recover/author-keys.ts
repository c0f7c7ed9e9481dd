import { readJsonEntry, type CacheUse } from '../kernel/cache-store.js';
import { COMMIT_ID } from '../git/guards.js';

const KEY = 'commit-authors/1';

/**
 * What a rebase or a cherry-pick keeps of a commit (its author and author date), by commit id, kept between runs.
 * A commit's author is part of the object its id names, so an entry never goes stale: the cache only saves reading
 * the commits with records again (a `git log` of ten thousand commits on a large history). Whether each commit is
 * in the clone is still asked of git every run.
 */
export class AuthorKeys {
  private known = new Map<string, string>();
  private added = false;

  constructor(private readonly cache: CacheUse | undefined) {}

  /** Reads the kept keys; an entry that is not whole is ignored, said once. */
  async load(): Promise<void> {
    if (!this.cache) return;
    const stored = await readJsonEntry<{ authors: Record<string, string> }>(this.cache, KEY, (value) =>
      authorsOf(value) ? undefined : 'it is not a map of commit ids to authors',
    );
    if (stored) this.known = new Map(Object.entries(stored.authors));
  }

  get(sha: string): string | undefined {
    return this.known.get(sha);
  }

  set(sha: string, key: string): void {
    this.known.set(sha, key);
    this.added = true;
  }

  /** Keeps the keys for the next run, when this one read any commit the cache did not know. */
  async save(): Promise<void> {
    if (!this.cache || !this.added) return;
    await this.cache.store.put(KEY, Buffer.from(JSON.stringify({ format: KEY, authors: Object.fromEntries(this.known) })));
  }
}

function authorsOf(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { format, authors } = value as { format?: unknown; authors?: unknown };
  if (format !== KEY || typeof authors !== 'object' || authors === null || Array.isArray(authors)) return false;
  return Object.entries(authors as Record<string, unknown>).every(([sha, key]) => COMMIT_ID.test(sha) && typeof key === 'string');
}
