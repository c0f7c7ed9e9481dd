import { createHash } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../kernel/clock.js';
import { UsageError } from '../../kernel/errors.js';
import { makeDirectory, readRegularFile } from '../../kernel/files.js';
import type { Lookup, PackageRegistry } from './types.js';

interface Entry {
  fetchedAt: string;
  lookup: Lookup;
}

/**
 * An on-disk cache in front of a registry client: answers (found or not
 * found, never errors) are kept for `ttlMs`; offline, any cached answer is
 * used and a name not in the cache is unknown.
 */
export class CachedRegistry implements PackageRegistry {
  readonly ecosystem: PackageRegistry['ecosystem'];
  readonly origin: string;

  constructor(
    private readonly inner: PackageRegistry,
    private readonly dir: string,
    private readonly ttlMs: number,
    private readonly offline: boolean,
    private readonly clock: Clock,
  ) {
    this.ecosystem = inner.ecosystem;
    this.origin = inner.origin;
  }

  async lookup(name: string): Promise<Lookup> {
    const file = path.join(this.dir, `${createHash('sha256').update(`${this.origin}\n${name}`).digest('hex')}.json`);
    // An entry that is not what this cache writes (not JSON, another shape, not a file) is a miss, and is written anew.
    const cached = await readEntry(file);
    const age = cached ? this.clock.now().getTime() - Date.parse(cached.fetchedAt) : Infinity;
    if (cached && (this.offline || age <= this.ttlMs)) return cached.lookup;
    if (this.offline) return { status: 'error', error: `${name} is not in the registry cache, and offline means no registry is asked` };
    const lookup = await this.inner.lookup(name);
    if (lookup.status !== 'error') await this.store(file, { fetchedAt: this.clock.now().toISOString(), lookup });
    return lookup;
  }

  private async store(file: string, entry: Entry): Promise<void> {
    const problem = await makeDirectory(this.dir);
    if (problem) throw new UsageError(`cannot be used as the registry cache: ${problem}`, { field: 'cacheDir', value: this.dir, code: 'BAD_PATH' });
    const temp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await writeFile(temp, JSON.stringify(entry));
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw new UsageError(`cannot be written to (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
        field: 'cacheDir',
        value: this.dir,
        code: 'BAD_PATH',
      });
    }
  }
}

/** Cache entries are small JSON documents this class wrote; anything else reads as absent. */
const ENTRY_CAP = 8 * 1024 * 1024;

async function readEntry(file: string): Promise<Entry | undefined> {
  const read = await readRegularFile(file, ENTRY_CAP);
  if (!read.ok) return undefined;
  try {
    const value = JSON.parse(read.bytes.toString('utf8')) as Partial<Entry> | null;
    const status = (value?.lookup as { status?: unknown } | undefined)?.status;
    if (typeof value?.fetchedAt !== 'string' || Number.isNaN(Date.parse(value.fetchedAt))) return undefined;
    if (status === 'not-found') return value as Entry;
    if (status === 'found' && typeof (value.lookup as { info?: { name?: unknown } }).info?.name === 'string') return value as Entry;
    return undefined;
  } catch {
    return undefined;
  }
}
