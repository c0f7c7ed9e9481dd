import { once } from 'node:events';
import type { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import { createWriteStream, unlinkSync, type Stats } from 'node:fs';
import { chmod, chown, lstat, realpath, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { OutputError } from '../kernel/errors.js';

/** Where a report goes: written in pieces, then committed (or thrown away on failure). */
export interface OutputSink {
  /** Resolves at once unless the text had to be written out and the destination is full: await only a returned promise. */
  write(text: string | Buffer): Promise<void> | undefined;
  /** Finishes the output; for a file, moves the complete temporary file into place. */
  commit(): Promise<void>;
  /** Leaves no partial file behind. */
  abort(): Promise<void>;
}

/**
 * Opens `file` for writing a report. Over a regular file (or where there is
 * none) the write is atomic: everything goes to a temporary file in the same
 * directory, renamed over the target only once complete, so a reader never
 * sees half a report, a failure leaves the old file as it was, and the old
 * file's mode is kept (a 0600 file stays 0600). A device, FIFO or socket
 * (`/dev/null`, `/dev/stdout`, a pipe) is written through, never replaced. A
 * symbolic link is followed deliberately, as a shell redirection does: the
 * file it points to is what is written, and the link stays. The CLI's
 * SIGINT and SIGTERM handler removes the temporary file (removePendingOutputs).
 */
export function fileSink(file: string): OutputSink {
  return buffered(lazySink(file));
}

/** The sink for `file`, chosen once the target has been looked at (on the first write or commit). */
function lazySink(file: string): OutputSink {
  let opened: Promise<OutputSink> | undefined;
  const open = (): Promise<OutputSink> => (opened ??= openTarget(path.resolve(file)));
  return {
    write: (text) => open().then((sink) => sink.write(text)),
    commit: async () => {
      await (await open()).commit();
    },
    abort: async () => {
      if (opened) await (await opened.catch(() => undefined))?.abort();
    },
  };
}

async function openTarget(target: string): Promise<OutputSink> {
  const fail = (error: unknown): never => {
    throw new OutputError(`cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  };
  const linked = await lstat(target).catch(() => undefined);
  let real = target;
  if (linked?.isSymbolicLink()) {
    real = await realpath(target).catch(() => {
      throw new OutputError(`cannot write ${target}: it is a symbolic link to a file that does not exist`);
    });
  }
  const info = real === target ? linked : await stat(real).catch(() => undefined);
  if (info?.isDirectory()) throw new OutputError(`cannot write ${target}: it is a directory`);
  if (info && !info.isFile()) return throughSink(real, fail);
  return atomicSink(real, info, fail);
}

/** A device, FIFO or socket: opened and written as it is. */
function throughSink(target: string, fail: (error: unknown) => never): OutputSink {
  const stream = createWriteStream(target, { flags: 'w' });
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  return {
    async write(text) {
      if (failure) fail(failure);
      if (!stream.write(text)) await waitDrain(stream).catch(fail);
    },
    async commit() {
      if (failure) fail(failure);
      stream.end();
      await once(stream, 'finish').catch(fail);
    },
    abort() {
      stream.destroy();
      return Promise.resolve();
    },
  };
}

function atomicSink(target: string, existing: Stats | undefined, fail: (error: unknown) => never): OutputSink {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const stream = createWriteStream(temp, { flags: 'wx', mode: existing ? existing.mode & 0o7777 : 0o666 });
  pendingTemps.add(temp);
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  // Read through a function: the stream's error handler may set it while a write is awaited.
  const failed = (): Error | undefined => failure;
  const cleanup = async (): Promise<void> => {
    pendingTemps.delete(temp);
    await unlink(temp).catch(() => undefined);
  };
  return {
    async write(text) {
      if (failure) fail(failure);
      if (!stream.write(text)) await waitDrain(stream).catch(fail);
    },
    async commit() {
      try {
        const before = failed();
        if (before) fail(before);
        stream.end();
        await once(stream, 'finish').catch(fail);
        const after = failed();
        if (after) fail(after);
        if (existing) {
          // The mode asked for at creation passes through the umask: set it exactly, and the owner too where allowed.
          await chmod(temp, existing.mode & 0o7777).catch(fail);
          await chown(temp, existing.uid, existing.gid).catch(() => undefined);
        }
        await rename(temp, target).catch(fail);
        pendingTemps.delete(temp);
      } catch (error) {
        await cleanup();
        throw error;
      }
    },
    async abort() {
      stream.destroy();
      await cleanup();
    },
  };
}

/** Temporary files not yet renamed into place: the CLI's signal handler removes them (cli/signals.ts). */
const pendingTemps = new Set<string>();

/**
 * Removes every temporary file not yet renamed into place, synchronously: for
 * a process about to die of a signal. The library installs no handler itself
 * (an embedding program owns its signals); the CLI does.
 */
export function removePendingOutputs(): void {
  for (const temp of pendingTemps) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  }
  pendingTemps.clear();
}

/** Standard output, with backpressure; a closed pipe (`| head`) ends the write quietly. */
export function stdoutSink(out: Writable): OutputSink {
  return buffered({
    async write(text) {
      if (out.destroyed) return;
      if (!out.write(text)) await waitDrain(out).catch(() => undefined);
    },
    async commit() {
      /* nothing to move into place */
    },
    async abort() {
      /* what was printed stays printed */
    },
  });
}

const CHUNK = 256 * 1024;

/**
 * Gathers small writes (a report writes one line per commit) into large ones:
 * standard output to a file or /dev/null is synchronous in Node, and 100,000
 * tiny write calls cost more than the whole scan. Text is encoded straight
 * into one reusable buffer, so each piece is copied once.
 */
function buffered(sink: OutputSink): OutputSink {
  let buffer = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  const flush = async (): Promise<void> => {
    if (used === 0) return;
    const out = buffer.subarray(0, used);
    buffer = Buffer.allocUnsafe(CHUNK);
    used = 0;
    await sink.write(out);
  };
  return {
    write(text) {
      const bytes = typeof text === 'string' ? Buffer.byteLength(text) : text.length;
      const put = (at: number): number => (typeof text === 'string' ? buffer.write(text, at) : text.copy(buffer, at));
      if (used + bytes > CHUNK) {
        if (bytes > CHUNK) return flush().then(() => sink.write(text));
        const pending = flush();
        used = put(0);
        return pending;
      }
      used += put(used);
      return undefined;
    },
    async commit() {
      await flush();
      await sink.commit();
    },
    abort: () => sink.abort(),
  };
}

function waitDrain(stream: EventEmitter): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      resolve();
    };
    const cleanup = (): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
