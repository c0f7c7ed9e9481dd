import { spawn } from 'node:child_process';
import { GitError } from '../errors.js';
import { gitEnv, gitFailure } from './stream.js';

/**
 * Reads blobs through one `git cat-file --batch` process: a single process for
 * any number of notes, instead of one `git notes show` per commit. Names may be
 * object ids or `REV:path`; missing ones are left out of the result.
 */
export async function readBlobs(cwd: string, oids: string[]): Promise<Map<string, Buffer>> {
  const result = new Map<string, Buffer>();
  if (oids.length === 0) return result;
  const args = ['cat-file', '--batch'];
  const child = spawn('git', args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: gitEnv() });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (t: string) => { if (stderr.length < 65_536) stderr += t; });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new GitError('GIT_NOT_FOUND', 'git is not installed or not on PATH', { cause: error }) : error);
    });
    child.on('close', (c) => { resolve(c ?? 1); });
    child.stdin.on('error', () => undefined);
    child.stdin.end(oids.join('\n') + '\n');
  });
  if (code !== 0) throw gitFailure(args, stderr, code);
  const out = Buffer.concat(chunks);
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
