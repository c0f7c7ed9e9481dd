import { GitError } from '../kernel/errors.js';
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
    const size = objectSize(out.subarray(at, eol).toString('latin1'), oid);
    if (size === undefined) {
      at = eol + 1;
      continue;
    }
    result.set(oid, out.subarray(eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1;
  }
  return result;
}

/** The size an answer's header (`<oid> <type> <size>`) announces; undefined for `<name> missing`. */
function objectSize(header: string, oid: string): number | undefined {
  if (header.endsWith(' missing')) return undefined;
  const match = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
  if (!match) throw new GitError('GIT_FAILED', `git cat-file could not read object ${oid}: ${header}`);
  return Number(match[3]);
}

type ChildProcess = ReturnType<GitRunner['spawn']>;

/**
 * One `git cat-file --batch` kept running and asked again and again: a scan
 * reads notes a few commits at a time, and a process per batch would cost
 * more than the notes. Answers come one at a time, in the order asked (only
 * the object being read is held); a blob is a view of the read buffer, valid
 * until the next one is asked for. Requests take turns. The process does not
 * keep Node alive: between requests it is unreferenced, and it ends when its
 * input closes with ours.
 */
export class BlobStream {
  private child: ChildProcess | undefined;
  private chunks: AsyncIterator<Buffer> | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private turn: Promise<void> = Promise.resolve();
  private failed: Error | undefined;

  /** `cap`: objects larger than this are passed over as they stream by (never held whole) and answered with their size. */
  constructor(
    private readonly git: GitRunner,
    private readonly cap = Infinity,
  ) {}

  async *read(oids: readonly string[]): AsyncGenerator<[string, Buffer | undefined | { tooLarge: number }]> {
    if (oids.length === 0) return;
    let release = (): void => undefined;
    const previous = this.turn;
    this.turn = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    let child: ChildProcess | undefined;
    let answered = 0;
    try {
      child = this.start();
      this.reference(child, true);
      child.stdin?.write(oids.join('\n') + '\n');
      for (const oid of oids) {
        const blob = await this.answer(oid);
        answered++;
        yield [oid, blob];
      }
    } finally {
      // A reader that stopped early leaves answers in the pipe: they are read and dropped, or the next request would get them.
      try {
        if (child && !this.failed) for (const oid of oids.slice(answered)) await this.answer(oid);
      } finally {
        if (child) this.reference(child, false);
        release();
      }
    }
  }

  private start(): ChildProcess {
    if (this.failed) throw this.failed;
    if (this.child) return this.child;
    const child = this.git.spawn(['cat-file', '--batch'], ['pipe', 'pipe', 'pipe']);
    child.stdin?.on('error', () => undefined);
    exitOf(child, ['cat-file']).then(
      () => {
        this.failed = new GitError('GIT_FAILED', 'git cat-file ended early');
      },
      (error: unknown) => {
        this.failed = error instanceof Error ? error : new GitError('GIT_FAILED', String(error));
      },
    );
    const stdout = child.stdout;
    if (!stdout) throw new GitError('GIT_FAILED', 'git cat-file started without an output pipe');
    this.chunks = (stdout as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    this.child = child;
    return child;
  }

  private reference(child: ChildProcess, on: boolean): void {
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as ({ ref?: () => void; unref?: () => void } | null)[]) {
      if (on) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  /** Reads bytes until `need` are buffered. */
  private async fill(need: number): Promise<void> {
    const parts = [this.buffered];
    let length = this.buffered.length;
    while (length < need) {
      const next = await this.chunks?.next();
      if (!next || next.done === true) throw this.failed ?? new GitError('GIT_FAILED', 'git cat-file ended early');
      parts.push(next.value);
      length += next.value.length;
    }
    if (parts.length > 1) this.buffered = Buffer.concat(parts, length);
  }

  /** Drops `count` bytes of the answer as they arrive, holding no more than a chunk of them. */
  private async skip(count: number): Promise<void> {
    let left = count;
    while (left > 0) {
      if (this.buffered.length === 0) await this.fill(1);
      const take = Math.min(left, this.buffered.length);
      this.buffered = this.buffered.subarray(take);
      left -= take;
    }
  }

  private async answer(oid: string): Promise<Buffer | undefined | { tooLarge: number }> {
    let eol = this.buffered.indexOf(10);
    while (eol === -1) {
      await this.fill(this.buffered.length + 1);
      eol = this.buffered.indexOf(10);
    }
    const size = objectSize(this.buffered.subarray(0, eol).toString('latin1'), oid);
    if (size === undefined) {
      this.buffered = this.buffered.subarray(eol + 1);
      return undefined;
    }
    if (size > this.cap) {
      this.buffered = this.buffered.subarray(eol + 1);
      await this.skip(size + 1);
      return { tooLarge: size };
    }
    const end = eol + 1 + size;
    await this.fill(end + 1);
    const blob = this.buffered.subarray(eol + 1, end);
    this.buffered = this.buffered.subarray(end + 1);
    return blob;
  }
}
