import { constants } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reading and making files the user or the repository names, with limits:
 * a path may be `/dev/zero`, a FIFO, a link to `/dev/urandom` or a directory
 * in `/proc`. Every file read must be a regular file and is read up to a
 * cap; every directory made gives up with a reason instead of looping.
 */

export type FileRead = { ok: true; bytes: Buffer } | { ok: false; problem: string; code?: string };

/**
 * Reads `file` when it is a regular file of at most `cap` bytes.
 * The cap holds while reading too: a file that grows, or a `/proc` file that
 * says it is empty, is cut off at cap + 1 bytes and refused.
 */
export async function readRegularFile(file: string, cap: number): Promise<FileRead> {
  let handle;
  try {
    // Non-blocking: opening a FIFO would otherwise wait for a writer for ever; it is refused below like any non-file.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      problem: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(error)})`,
      ...(code ? { code } : {}),
    };
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return { ok: false, problem: 'is a directory', code: 'EISDIR' };
    if (!info.isFile()) return { ok: false, problem: 'is not a regular file (a device, FIFO or socket)' };
    if (info.size > cap) return { ok: false, problem: `is ${info.size} bytes, over the ${describeBytes(cap)} read for it` };
    const buffer = Buffer.alloc(Math.min(cap + 1, Math.max(info.size + 1, 64 * 1024)));
    let used = 0;
    let chunk = buffer;
    for (;;) {
      if (used === chunk.length) {
        if (chunk.length > cap) break;
        const grown = Buffer.alloc(Math.min(cap + 1, chunk.length * 2));
        chunk.copy(grown, 0, 0, used);
        chunk = grown;
      }
      const { bytesRead } = await handle.read(chunk, used, chunk.length - used, null);
      if (bytesRead === 0) break;
      used += bytesRead;
    }
    if (used > cap) return { ok: false, problem: `is over the ${describeBytes(cap)} read for it` };
    return { ok: true, bytes: chunk.subarray(0, used) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, problem: `cannot be read (${code ?? String(error)})`, ...(code ? { code } : {}) };
  } finally {
    await handle.close();
  }
}

export function describeBytes(n: number): string {
  return n >= 1024 * 1024 ? `${n / 1024 / 1024} MiB` : n >= 1024 ? `${n / 1024} KiB` : `${n} bytes`;
}

/**
 * Makes `dir` and any missing parents, one level at a time. Node's recursive
 * mkdir loops for ever under `/proc`; this walks up to the first directory
 * that exists, then creates downwards, and returns the reason it could not.
 */
export async function makeDirectory(dir: string): Promise<string | undefined> {
  const target = path.resolve(dir);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    const info = await stat(at).catch((error: unknown) => error as NodeJS.ErrnoException);
    if (!(info instanceof Error)) {
      if (!info.isDirectory()) return `${at} is not a directory`;
      break;
    }
    if (info.code !== 'ENOENT') return `${at}: ${info.code ?? info.message}`;
    missing.push(at);
    const parent = path.dirname(at);
    if (parent === at) return `${at} does not exist`;
    at = parent;
  }
  for (const level of missing.reverse()) {
    const problem = await mkdir(level).then(
      () => undefined,
      (error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code;
        return code === 'EEXIST' ? undefined : `cannot create ${level} (${code ?? String(error)})`;
      },
    );
    if (problem) return problem;
  }
  return undefined;
}

/** The largest Sigstore bundle aiprov reads (a file, or a line of the attestations note): a BOM predicate can be large, but not this large. */
export const BUNDLE_CAP = 16 * 1024 * 1024;
