import { spawn } from 'node:child_process';
import os from 'node:os';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const BIN = fileURLToPath(new URL('../../bin/aiprov.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** A stream that keeps what is written to it, as text. */
class Collected extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    done();
  }
}

/**
 * Runs the CLI in this process, from the current source, as a user would
 * with NO_COLOR set and no terminal: `main` with its own streams, environment
 * and working directory. No Node starts; git still runs as it would.
 */
export async function runCli(args: string[], options: CliRunOptions = {}): Promise<CliResult> {
  // As for a spawned process, a variable given as undefined is not set.
  const merged: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
  const env = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
  const stdout = new Collected();
  const stderr = new Collected();
  const io = {
    stdout,
    stderr,
    stdin: Readable.from([]),
    env,
    cwd: options.cwd ?? process.cwd(),
    home: env.HOME ?? os.homedir(),
    execPath: process.execPath,
  };
  const code = await main(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/**
 * Runs the built bin as its own process: for what only a real process shows
 * (the runtime check, exit status, signals, stdin). Kept to a few runs: each
 * starts Node, which starts git.
 */
export function spawnCli(args: string[], options: CliRunOptions & { input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (t: string) => {
      stdout += t;
    });
    child.stderr?.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
