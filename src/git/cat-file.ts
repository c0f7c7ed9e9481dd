import { GitError } from '../errors.js';
import { exitOf, type GitRunner } from './runner.js';

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

/**
 * Streams blobs through one `git cat-file --batch`, one at a time and in the
 * order asked: only the blob being read is held, however many are asked for
 * (notes of several megabytes each add up). Missing ones come as undefined;
 * a blob is a view of the read buffer, valid until the next one is asked for.
 */
export async function* streamBlobs(git: GitRunner, oids: readonly string[]): AsyncGenerator<[string, Buffer | undefined]> {
  if (oids.length === 0) return;
  const child = git.spawn(['cat-file', '--batch'], ['pipe', 'pipe', 'pipe']);
  const exited = exitOf(child, ['cat-file']);
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(oids.join('\n') + '\n');
  const stdout = child.stdout;
  if (!stdout) throw new GitError('GIT_FAILED', 'git cat-file started without an output pipe');
  let buffered: Buffer[] = [];
  let length = 0;
  /** Bytes needed before the next answer can be read whole (0: its header is not in yet). */
  let need = 0;
  let next = 0;
  let finished = false;
  try {
    for await (const chunk of stdout as AsyncIterable<Buffer>) {
      buffered.push(chunk);
      length += chunk.length;
      while (next < oids.length && length >= need) {
        const oid = oids[next] ?? '';
        const data = buffered.length === 1 ? buffered[0] ?? Buffer.alloc(0) : Buffer.concat(buffered, length);
        buffered = [data];
        const eol = data.indexOf(10);
        if (eol === -1) {
          need = length + 1;
          break;
        }
        const header = data.subarray(0, eol).toString('latin1');
        let end = eol;
        let blob: Buffer | undefined;
        if (!header.endsWith(' missing')) {
          const match = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
          if (!match) throw new GitError('GIT_FAILED', `git cat-file could not read object ${oid}: ${header}`);
          end = eol + 1 + Number(match[3]);
          if (length < end + 1) {
            need = end + 1;
            break;
          }
          blob = data.subarray(eol + 1, end);
        }
        const rest = data.subarray(end + 1);
        buffered = [rest];
        length = rest.length;
        need = 0;
        next++;
        yield [oid, blob];
      }
    }
    await exited;
    if (next < oids.length) throw new GitError('GIT_FAILED', `git cat-file gave no answer for object ${oids[next] ?? ''}`);
    finished = true;
  } finally {
    if (!finished && child.exitCode === null) child.kill('SIGTERM');
  }
}
