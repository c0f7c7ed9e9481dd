import type cacacheModule from 'cacache';

/**
 * A cache of results that can be computed again: keys to bytes, each entry
 * whole or absent. Readers check what they read (a corrupt entry is a miss
 * and is removed); nothing in it is ever the only copy of anything.
 */
export interface CacheStore {
  /** Where it is, for messages. */
  readonly location: string;
  /** The entry's bytes, or undefined when it is absent or fails its integrity check. */
  get(key: string): Promise<Buffer | undefined>;
  /** Stores an entry whole (readers see the old entry or the new one, never a part), then keeps the cache under its size limit. */
  put(key: string, data: Buffer): Promise<void>;
  /** The keys present that start with `prefix`. */
  keys(prefix: string): Promise<string[]>;
}

/** A cache as a run is given it: the store, and where its problems are said (a problem is a miss, never an error). */
export interface CacheUse {
  store: CacheStore;
  onWarning?: (message: string) => void;
}

/**
 * The entry under `key` parsed as JSON and accepted by `problem` (which says what is wrong with a value, or
 * nothing): undefined when it is absent, and when it is not (said once, as an entry ignored).
 */
export async function readJsonEntry<T>(cache: CacheUse, key: string, problem: (value: unknown) => string | undefined): Promise<T | undefined> {
  const data = await cache.store.get(key);
  if (!data) return undefined;
  let parsed: unknown;
  let wrong: string | undefined;
  try {
    parsed = JSON.parse(data.toString('utf8'));
    wrong = problem(parsed);
  } catch {
    wrong = 'it is not JSON';
  }
  if (wrong === undefined) return parsed as T;
  cache.onWarning?.(`cache entry ${key} in ${cache.store.location} was ignored: ${wrong}`);
  return undefined;
}

export interface CacheUsage {
  entries: number;
  bytes: number;
}

/** Integrity failures and vanished content are misses; anything else (a cache that cannot be read at all) too, said once. */
type Warn = (message: string) => void;

type Cacache = typeof cacacheModule;
let loading: Promise<Cacache> | undefined;

/**
 * cacache, loaded on first use: its modules take about 40 ms to load, which a command that keeps no cache (the gate,
 * a scan) should not pay. (Loading it earlier does not hide that time: a module loads on the main thread.)
 */
function cacacheLib(): Promise<Cacache> {
  loading ??= import('cacache').then((m) => m.default);
  return loading;
}

/**
 * The cache in a directory, through cacache (npm's own cache: content
 * addressed by SHA-512 and checked on every read, entries written to a
 * temporary file and moved into place, so that concurrent processes share
 * it safely). Past `maxBytes` the oldest entries are removed after a write.
 */
export class DirectoryCache implements CacheStore {
  constructor(
    readonly location: string,
    private readonly maxBytes: number,
    private readonly warn: Warn = () => undefined,
  ) {}

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return (await (await cacacheLib()).get(this.location, key)).data;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTCACHED') return undefined;
      if (code === 'EINTEGRITY' || code === 'EBADSIZE') {
        this.warn(`cache entry ${key} in ${this.location} is corrupt and was ignored`);
        await removeEntry(await cacacheLib(), this.location, key).catch(() => undefined);
        return undefined;
      }
      this.warn(`cache entry ${key} in ${this.location} could not be read (${(error as Error).message}) and was ignored`);
      return undefined;
    }
  }

  async put(key: string, data: Buffer): Promise<void> {
    try {
      await (await cacacheLib()).put(this.location, key, data);
      await this.evict();
    } catch (error) {
      this.warn(`cache in ${this.location} could not be written (${(error as Error).message}); results are correct but were not kept`);
    }
  }

  async keys(prefix: string): Promise<string[]> {
    // cacache lists a directory that is missing or is not one as empty; whatever else it cannot read is the caller's error.
    return Object.keys(await (await cacacheLib()).ls(this.location)).filter((k) => k.startsWith(prefix));
  }

  async usage(): Promise<CacheUsage> {
    const entries = Object.values(await (await cacacheLib()).ls(this.location));
    return { entries: entries.length, bytes: entries.reduce((n, e) => n + e.size, 0) };
  }

  /** Removes every entry and its content. */
  async clear(): Promise<void> {
    await (await cacacheLib()).rm.all(this.location);
  }

  /** Oldest first, entries go until the rest fit; content no other entry names goes with its entry. */
  private async evict(): Promise<void> {
    const cacache = await cacacheLib();
    const entries = Object.values(await cacache.ls(this.location)).sort((a, b) => a.time - b.time);
    let bytes = entries.reduce((n, e) => n + e.size, 0);
    for (const entry of entries) {
      if (bytes <= this.maxBytes) break;
      await removeEntry(cacache, this.location, entry.key);
      if (!entries.some((e) => e !== entry && e.integrity === entry.integrity)) await cacache.rm.content(this.location, entry.integrity);
      bytes -= entry.size;
    }
  }
}

/** The entry's index bucket removed, not a tombstone appended (cacache takes `removeFully`; its published types omit it). */
function removeEntry(cacache: Cacache, cache: string, key: string): Promise<unknown> {
  return (cacache.rm.entry as (cache: string, key: string, options: { removeFully: boolean }) => Promise<unknown>)(cache, key, { removeFully: true });
}
