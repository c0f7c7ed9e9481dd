import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../kernel/errors.js';
import { makeDirectory } from '../kernel/files.js';
import { createRepository } from '../git/fast-import.js';
import { sampleHistory } from './sample-history.js';

/** A previous demo leaves this in its git directory: only such a directory is ever replaced. */
const MARKER = 'aiprov-demo';

/**
 * Builds the sample repository in `dir` (which must be absent or empty, or,
 * with `replacePrevious`, hold a previous demo, which is then replaced), or
 * in a new temporary directory, with a checked-out work tree. Returns its
 * path. A directory that is not a previous demo is never touched.
 */
export async function buildSampleRepository(dir?: string, options: { replacePrevious?: boolean } = {}): Promise<string> {
  let target: string;
  if (dir === undefined) {
    target = await mkdtemp(path.join(os.tmpdir(), 'aiprov-demo-'));
  } else {
    target = path.resolve(dir);
    const problem = await makeDirectory(target);
    if (problem) throw new UsageError(problem, { field: 'dir', value: dir, code: 'BAD_PATH' });
    const entries = await readdir(target);
    if (entries.length > 0) {
      const previous =
        options.replacePrevious === true &&
        (await stat(path.join(target, '.git', MARKER)).then(
          (s) => s.isFile(),
          () => false,
        ));
      if (!previous)
        throw new UsageError(
          `${target} is not empty${options.replacePrevious === true ? ' and not a previous demo' : ''}: the demo builds its sample repository only in an empty or new directory${options.replacePrevious === true ? ' (give another with --dir)' : ''}`,
        );
      await rm(target, { recursive: true, force: true });
      const again = await makeDirectory(target);
      if (again) throw new UsageError(again, { field: 'dir', value: dir, code: 'BAD_PATH' });
    }
  }
  await createRepository(target, sampleHistory());
  await writeFile(path.join(target, '.git', MARKER), 'the aiprov demo built this repository; aiprov demo replaces it\n');
  return target;
}
