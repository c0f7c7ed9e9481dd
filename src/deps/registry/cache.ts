import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../clock.js';
import type { Lookup, RegistryClient } from './types.js';

interface Entry {
  fetchedAt: string;
  lookup: Lookup;
}

/**
 * An on-disk cache in front of a registry client: answers (found or not
 * found, never errors) are kept for `ttlMs`; offline, any cached answer is
 * used and a name not in the cache is unknown.
 */
export class CachedRegistry implements RegistryClient {
  readonly ecosystem: RegistryClient['ecosystem'];
  readonly origin: string;

  constructor(
    private readonly inner: RegistryClient,
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
    const cached = await readFile(file, 'utf8').then((t) => JSON.parse(t) as Entry, () => undefined);
    const age = cached ? this.clock.now().getTime() - Date.parse(cached.fetchedAt) : Infinity;
    if (cached && (this.offline || age <= this.ttlMs)) return cached.lookup;
    if (this.offline) return { status: 'error', error: `${name} is not in the registry cache, and offline means no registry is asked` };
    const lookup = await this.inner.lookup(name);
    if (lookup.status !== 'error') {
      await mkdir(this.dir, { recursive: true });
      const temp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
      await writeFile(temp, JSON.stringify({ fetchedAt: this.clock.now().toISOString(), lookup } satisfies Entry));
      await rename(temp, file);
    }
    return lookup;
  }
}
