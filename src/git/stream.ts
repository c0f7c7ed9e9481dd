import { spawn } from 'node:child_process';
import { GitError } from '../errors.js';

/**
 * Runs git and yields its standard output split on NUL bytes (or another
 * separator), one Buffer per record. simple-git buffers a command's whole output before resolving, which
 * would make memory grow with history; `git log` is the one call whose output
 * grows with the repository, so it is streamed here instead, with the same
 * argument guards the simple-git calls use.
 */
export async function* gitRecords(cwd: string, args: string[], options: { separator?: number; input?: string } = {}): AsyncGenerator<Buffer> {
  for await (const batch of gitRecordBatches(cwd, args, options)) yield* batch;
}

/** The same records, a batch per chunk read: one await per 64 KiB instead of one per record, for the hot paths. */
export async function* gitRecordBatches(cwd: string, args: string[], options: { separator?: number; input?: string } = {}): AsyncGenerator<Buffer[]> {
  const separator = options.separator ?? 0;
  const child = spawn('git', args, { cwd, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: gitEnv() });
  if (options.input !== undefined && child.stdin) {
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  }
  const { stdout, stderr: errors } = child;
  if (!stdout || !errors) throw new GitError('GIT_FAILED', 'git started without output pipes');
  let stderr = '';
  errors.setEncoding('utf8');
  errors.on('data', (text: string) => {
    if (stderr.length < 65_536) stderr += text;
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new GitError('GIT_NOT_FOUND', 'git is not installed or not on PATH', { cause: error }) : error);
    });
    child.on('close', (code, signal) => { resolve(code ?? (signal ? 128 : 1)); });
  });
  // Keep an unhandled rejection from surfacing if the consumer stops early.
  exited.catch(() => undefined);

  let pending: Buffer[] = [];
  let finished = false;
  try {
    for await (const chunk of stdout as AsyncIterable<Buffer>) {
      let start = 0;
      let nul = chunk.indexOf(separator, start);
      const batch: Buffer[] = [];
      while (nul !== -1) {
        const piece = chunk.subarray(start, nul);
        batch.push(pending.length === 0 ? piece : Buffer.concat([...pending, piece]));
        pending = [];
        start = nul + 1;
        nul = chunk.indexOf(separator, start);
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
      if (batch.length > 0) yield batch;
    }
    const code = await exited;
    if (code !== 0) throw gitFailure(args, stderr, code);
    if (pending.length > 0) yield [Buffer.concat(pending)];
    finished = true;
  } finally {
    if (!finished && child.exitCode === null) child.kill('SIGTERM');
  }
}

/** Git's environment with prompts and pagers off; the user's git config is kept. */
export function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', PAGER: 'cat', LC_ALL: 'C' };
}

export function gitFailure(args: string[], stderr: string, code: number): GitError {
  const line = firstFatalLine(stderr) ?? `exited with code ${code}`;
  const command = args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? 'git';
  return new GitError('GIT_FAILED', `git ${command} failed: ${line}`);
}

/** The line of git's stderr that says what went wrong, without the `fatal: ` prefix. */
export function firstFatalLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const fatal = lines.find((l) => l.startsWith('fatal:') || l.startsWith('error:'));
  const line = fatal ?? lines[0];
  return line?.replace(/^(fatal|error):\s*/, '');
}
