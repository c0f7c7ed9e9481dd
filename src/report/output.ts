import { once } from 'node:events';
import type { EventEmitter } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { OutputError } from '../errors.js';

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
 * Opens `file` for an atomic write: everything goes to a temporary file in the
 * same directory, renamed over the target only once complete, so a reader
 * never sees half a report and a failure leaves the old file as it was.
 */
export function fileSink(file: string): OutputSink {
  return buffered(rawFileSink(file));
}

function rawFileSink(file: string): OutputSink {
  const target = path.resolve(file);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const stream = createWriteStream(temp, { flags: 'wx', mode: 0o644 });
  let failure: Error | undefined;
  stream.on('error', (error) => { failure = error; });
  const fail = (error: unknown): never => {
    throw new OutputError(`cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  };
  return {
    async write(text) {
      if (failure) fail(failure);
      if (!stream.write(text)) await waitDrain(stream).catch(fail);
    },
    async commit() {
      if (failure) fail(failure);
      stream.end();
      await once(stream, 'finish').catch(fail);
      if (failure) fail(failure);
      await rename(temp, target).catch(fail);
    },
    async abort() {
      stream.destroy();
      await unlink(temp).catch(() => undefined);
    },
  };
}

/** Standard output, with backpressure; a closed pipe (`| head`) ends the write quietly. */
export function stdoutSink(): OutputSink {
  const out = process.stdout;
  return buffered({
    async write(text) {
      if (out.destroyed) return;
      if (!out.write(text)) await waitDrain(out).catch(() => undefined);
    },
    async commit() { /* nothing to move into place */ },
    async abort() { /* what was printed stays printed */ },
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
    const onDrain = (): void => { cleanup(); resolve(); };
    const onError = (error: Error): void => { cleanup(); reject(error); };
    const onClose = (): void => { cleanup(); resolve(); };
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
