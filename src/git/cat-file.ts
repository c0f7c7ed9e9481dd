import { GitError } from '../errors.js';
import type { GitRunner } from './runner.js';

/**
 * Reads blobs through one `git cat-file --batch` process: a single process for
 * any number of notes, instead of one `git notes show` per commit. Names may be
 * object ids or `REV:path`; missing ones are left out of the result.
 */
export async function readBlobs(git: GitRunner, oids: string[]): Promise<Map<string, Buffer>> {
  const result = new Map<string, Buffer>();
  if (oids.length === 0) return result;
  const out = await git.collect(['cat-file', '--batch'], oids.join('\n') + '\n');
  let at = 0;
  for (const oid of oids) {
    const eol = out.indexOf(10, at);
    if (eol === -1) throw new GitError('GIT_FAILED', `git cat-file gave no answer for object ${oid}`);
    const header = out.subarray(at, eol).toString('latin1');
    if (header.endsWith(' missing')) {
      at = eol + 1;
      continue;
    }
    const match = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
    if (!match) throw new GitError('GIT_FAILED', `git cat-file could not read object ${oid}: ${header}`);
    const size = Number(match[3]);
    result.set(oid, out.subarray(eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1;
  }
  return result;
}
