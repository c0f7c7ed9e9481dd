import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { isGitEnvKey, vulnerabilityCheck } from '@simple-git/argv-parser';
import { GitError, UsageError, type GitCode } from '../kernel/errors.js';

/**
 * The one way aiprov runs git. Every git process, buffered or streamed, is
 * spawned here: it gets the same environment and the same argument guard, and
 * its failures become the same GitErrors. (Buffered calls went through
 * simple-git until it was measured waiting 50 ms after every command that
 * prints nothing, a missing ref or an empty listing: several a run.)
 *
 * Environment: the caller's, without the variables that redirect or reconfigure
 * git (every `GIT_*`, `EDITOR`, `PAGER`, `PREFIX`, `SSH_ASKPASS`, `VISUAL`: the
 * set simple-git guards), so `--repo` alone says which repository is read, even
 * inside a git hook; prompts off; messages in the C locale, so that they can be
 * read. Arguments: simple-git's own vulnerability check (`--upload-pack`,
 * `-c core.sshCommand=…`, …) runs on the spawned commands too. Revisions are
 * checked by `guards.ts` and passed after `--end-of-options` by the callers.
 */
const FIXED_ENV: NodeJS.ProcessEnv = { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
/** Identity alone passes through: the notes aiprov commits in CI need a committer where no user.email is configured. */
const IDENTITY = new Set(['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL']);

export function gitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    const lower = key.toLowerCase();
    if ((lower.startsWith('git_') || isGitEnvKey(lower)) && !IDENTITY.has(key)) continue;
    env[key] = value;
  }
  return { ...env, ...FIXED_ENV };
}

export interface StreamOptions {
  /** Byte that ends a record (default NUL). */
  separator?: number;
  /** Written to git's standard input. */
  input?: string;
}

export class GitRunner {
  private env: NodeJS.ProcessEnv;

  /** `vars`: the environment git starts from (the context's; the process's when none is given), filtered by gitEnv. */
  constructor(
    readonly cwd: string,
    private readonly vars: NodeJS.ProcessEnv = process.env,
  ) {
    this.env = gitEnv(vars);
    // The environment is fixed for the runner's life: check it once, then each call's arguments alone.
    const problem = vulnerabilityCheck([], this.env)[0];
    if (problem) throw new UsageError(`git environment refused (${problem.message})`);
  }

  /**
   * Buffered standard output. A git that exits non-zero without writing to
   * stderr (`rev-parse --verify --quiet`) answers with its empty output, which
   * then means "none"; anything else that fails is a GitError with `failure`'s
   * code and message, followed by git's own reason for GIT_FAILED.
   */
  async text(
    args: string[],
    failure: { code: GitCode; message: string } = { code: 'GIT_FAILED', message: `git ${subcommand(args) ?? ''} failed` },
  ): Promise<string> {
    const child = this.spawn(args, ['ignore', 'pipe', 'pipe']);
    const out: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    const ended = await endOf(child);
    if (ended instanceof Error) throw mapGitError(ended, failure.message, failure.code, this.cwd);
    // A git that was killed wrote only part of its answer, whatever stderr says.
    if (ended.code === null) throw new GitError(failure.code, `${failure.message}: git was killed (${ended.signal ?? 'no exit code'})`);
    if (ended.code !== 0 && ended.stderr.trim() !== '') throw mapGitError(new Error(ended.stderr), failure.message, failure.code, this.cwd);
    return Buffer.concat(out).toString('utf8');
  }

  /** Standard output split into records, a batch per chunk read; git is killed if the consumer stops early. */
  async *recordBatches(args: string[], options: StreamOptions = {}): AsyncGenerator<Buffer[]> {
    const separator = options.separator ?? 0;
    const child = this.spawn(args, [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']);
    if (options.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
    const { stdout } = child;
    if (!stdout) throw new GitError('GIT_FAILED', 'git started without output pipes');
    const exited = exitOf(child, args);
    let pending: Buffer[] = [];
    let finished = false;
    try {
      for await (const chunk of readAhead(stdout)) {
        let start = 0;
        let end = chunk.indexOf(separator, start);
        const batch: Buffer[] = [];
        while (end !== -1) {
          const piece = chunk.subarray(start, end);
          batch.push(pending.length === 0 ? piece : Buffer.concat([...pending, piece]));
          pending = [];
          start = end + 1;
          end = chunk.indexOf(separator, start);
        }
        if (start < chunk.length) pending.push(chunk.subarray(start));
        if (batch.length > 0) yield batch;
      }
      await exited;
      if (pending.length > 0) yield [Buffer.concat(pending)];
      finished = true;
    } finally {
      if (!finished && child.exitCode === null) child.kill('SIGTERM');
    }
  }

  /** The same records one at a time. */
  async *records(args: string[], options: StreamOptions = {}): AsyncGenerator<Buffer> {
    for await (const batch of this.recordBatches(args, options)) yield* batch;
  }

  /** Writes `input` to git and collects all of its output (`cat-file --batch`). */
  async collect(args: string[], input: string | Buffer): Promise<Buffer> {
    const child = this.spawn(args, ['pipe', 'pipe', 'pipe']);
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => chunks.push(c));
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
    await exitOf(child, args);
    return Buffer.concat(chunks);
  }

  /** The same repository with these variables added (GNUPGHOME: a keyring of the caller's, for verifying signatures). */
  withEnv(extra: NodeJS.ProcessEnv): GitRunner {
    return new GitRunner(this.cwd, { ...this.vars, ...extra });
  }

  /**
   * The same repository with a private index file: the one `GIT_*` variable set here rather than
   * taken from the caller (whose own are all removed), for building trees without touching the
   * work tree's index (notes merges).
   */
  withIndex(file: string): GitRunner {
    const runner = new GitRunner(this.cwd, this.vars);
    runner.env = { ...runner.env, GIT_INDEX_FILE: file };
    return runner;
  }

  /**
   * Imports ASCII-armored OpenPGP public keys into the keyring at `home`
   * (gpg, the program git verifies OpenPGP signatures with): the one place
   * besides git that this runner starts, so that git can check signatures
   * against keys the caller chose and no others.
   */
  async importGpgKeys(home: string, keysFile: string): Promise<void> {
    const child = spawn('gpg', ['--batch', '--quiet', '--no-autostart', '--homedir', home, '--import', keysFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: this.vars.PATH ?? process.env.PATH, LC_ALL: 'C' },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.on('error', () => {
        resolve(-1);
      });
      child.on('close', resolve);
    });
    if (code === -1) throw new GitError('GIT_FAILED', 'gpg is not installed: OpenPGP signatures cannot be checked');
    if (code !== 0) throw new GitError('GIT_FAILED', `gpg could not import the keys: ${stderr.trim().split('\n')[0] ?? ''}`);
  }

  /** A git process the caller drives (`fast-import`); its exit is checked with `exitOf`. */
  spawn(args: string[], stdio: StdioOptions): ChildProcess {
    this.guard(args);
    return spawn('git', args, { cwd: this.cwd, stdio, env: this.env });
  }

  private guard(args: readonly string[]): void {
    const problem = vulnerabilityCheck(args, {})[0];
    if (problem) throw new UsageError(`git ${args.join(' ').slice(0, 200)}: refused (${problem.message})`);
  }
}

/** Resolves when git exits 0; otherwise a GitError with the line of stderr that says why. */
export function exitOf(child: ChildProcess, args: readonly string[]): Promise<void> {
  const exited = endOf(child).then((ended) => {
    if (ended instanceof Error) {
      const missing = (ended as NodeJS.ErrnoException).code === 'ENOENT';
      throw missing ? new GitError('GIT_NOT_FOUND', 'git is not installed or not on PATH', { cause: ended }) : ended;
    }
    const status = ended.code ?? (ended.signal ? 128 : 1);
    if (status !== 0) throw gitFailure(args, ended.stderr, status);
  });
  // A consumer that stops early must not surface an unhandled rejection.
  exited.catch(() => undefined);
  return exited;
}

/**
 * How a child ended: its exit code, or the signal that killed it, with the start of what it wrote on stderr; or the
 * error that kept it from running. Listens from the call on, so call it as soon as the child is spawned.
 */
function endOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string } | Error> {
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    if (stderr.length < 65_536) stderr += text;
  });
  return new Promise((resolve) => {
    child.on('error', resolve);
    child.on('close', (code, signal) => {
      resolve({ code, signal, stderr });
    });
  });
}

/** The git command an argument list runs (`log` in `-c x=y log …`), for messages. */
function subcommand(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith('-') && !a.includes('='));
}

function gitFailure(args: readonly string[], stderr: string, code: number): GitError {
  const line = firstFatalLine(stderr) ?? `exited with code ${code}`;
  const command = subcommand(args) ?? 'git';
  return new GitError('GIT_FAILED', `git ${command} failed: ${line}`);
}

/** The line of git's stderr that says what went wrong, without the `fatal: ` prefix. */
export function firstFatalLine(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const fatal = lines.find((l) => l.startsWith('fatal:') || l.startsWith('error:'));
  const line = fatal ?? lines[0];
  return line?.replace(/^(fatal|error):\s*/, '');
}

function mapGitError(error: unknown, fallback: string, code: GitCode, cwd: string): GitError | UsageError {
  if (error instanceof GitError || error instanceof UsageError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/ENOENT|spawn git/.test(message)) return new GitError('GIT_NOT_FOUND', 'git is not installed or not on PATH', { cause: error });
  // Not "not a repository": git refuses one owned by another user until told it is safe.
  if (/detected dubious ownership/.test(message)) {
    return new GitError(
      'DUBIOUS_OWNERSHIP',
      `${cwd}: git refuses a repository owned by another user (dubious ownership); if you trust it: git config --global --add safe.directory ${cwd}`,
      { cause: error },
    );
  }
  const detail = firstFatalLine(message);
  return new GitError(code, detail && code === 'GIT_FAILED' ? `${fallback}: ${detail}` : fallback, { cause: error });
}

/**
 * A child's output as chunks, read ahead of the consumer by up to READ_AHEAD bytes. A stream's own iterator stops
 * reading once its 64 KB buffer is full, and git then waits on a full pipe while aiprov parses: the two took turns
 * instead of running on two cores at once (a 100,000-commit log took the sum of their times).
 */
async function* readAhead(stream: NodeJS.ReadableStream & { isPaused(): boolean }): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let queued = 0;
  // Set by the stream's events, read by the loop: one object, so that the loop sees what the handlers wrote.
  const state: { ended: boolean; failure?: { error: unknown } } = { ended: false };
  let wake: (() => void) | undefined;
  const signal = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  stream.on('data', (chunk: Buffer) => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued >= READ_AHEAD) stream.pause();
    signal();
  });
  stream.on('end', () => {
    state.ended = true;
    signal();
  });
  stream.on('error', (error: unknown) => {
    state.failure = { error };
    signal();
  });
  for (;;) {
    const chunk = queue.shift();
    if (chunk === undefined) {
      if (state.failure) throw state.failure.error;
      if (state.ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      continue;
    }
    queued -= chunk.length;
    if (stream.isPaused() && queued < READ_AHEAD / 2) stream.resume();
    yield chunk;
  }
}

/** How far git's output is read ahead of its parsing: memory stays bounded, and git rarely waits. */
const READ_AHEAD = 4 * 1024 * 1024;
