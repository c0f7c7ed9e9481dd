import { isAiprovError } from '../kernel/errors.js';
import { mapPool } from '../kernel/concurrency.js';
import type { CollectResult } from './collect.js';

/** One repository of a many-repository collection: what was collected, or why it could not be. */
export type ManyResult = ({ path: string } & CollectResult) | { path: string; error: { code: string; message: string } };

/**
 * Collects many repositories, `jobs` at a time (a laptop's or a scheduled
 * job's inventory). A repository that cannot be collected (not a
 * repository, a bad note, a shallow clone) is reported with its error and
 * the others go on; a failure of the store itself stops them all.
 */
export async function collectMany(paths: readonly string[], jobs: number, collectOne: (path: string) => Promise<CollectResult>): Promise<ManyResult[]> {
  return mapPool([...new Set(paths)], jobs, async (path): Promise<ManyResult> => {
    try {
      return { path, ...(await collectOne(path)) };
    } catch (error) {
      if (isAiprovError(error) && !error.code.startsWith('STORE_')) return { path, error: { code: error.code, message: error.message } };
      throw error;
    }
  });
}
