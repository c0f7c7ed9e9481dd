import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { makeDirectory } from '../files.js';
import { createRepository } from '../git/fast-import.js';
import { sampleHistory } from './sample-history.js';

/**
 * Builds the sample repository in `dir` (which must be absent or empty), or in
 * a new temporary directory, with a checked-out work tree. Returns its path.
 */
export async function buildSampleRepository(dir?: string): Promise<string> {
  let target: string;
  if (dir === undefined) {
    target = await mkdtemp(path.join(os.tmpdir(), 'aiprov-demo-'));
  } else {
    target = path.resolve(dir);
    const problem = await makeDirectory(target);
    if (problem) throw new UsageError(problem, { field: 'dir', value: dir, code: 'BAD_PATH' });
    const entries = await readdir(target);
    if (entries.length > 0) throw new UsageError(`${target} is not empty: the demo builds its sample repository only in an empty or new directory`);
  }
  await createRepository(target, sampleHistory());
  return target;
}
