import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { Environment } from '../kernel/environment.js';

/** A stream the CLI writes to: the process's stdout or stderr, or a stand-in that collects what is written. */
export type CliOutput = Writable & { isTTY?: boolean };

/** Where the CLI reads from: the process's stdin, or a stand-in (hook input in tests). */
export interface CliInput extends AsyncIterable<Buffer | string> {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  resume(): unknown;
  pause(): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
}

/**
 * Everything of the process the CLI uses, passed in: its streams, its
 * environment variables, the directory relative paths are resolved against
 * and the home directory. `bin/aiprov.js` passes the real process's; tests
 * run the CLI in process with their own, so a command line is exercised
 * without starting Node (and git's environment) once more per run.
 */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: CliInput;
  env: NodeJS.ProcessEnv;
  cwd: string;
  home: string;
  /** The Node.js binary installed hooks run the CLI with. */
  execPath: string;
}

/** The real process's. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    home: os.homedir(),
    execPath: process.execPath,
  };
}

/** The library's Environment for this run: variables, working directory and home from the CLI's io. */
export function environmentOf(io: CliIo): Environment {
  return { vars: io.env, cwd: io.cwd, home: io.home };
}

/** A path given on the command line, made absolute against the run's working directory (not the process's). */
export function resolvePath(io: CliIo, file: string): string {
  return path.resolve(io.cwd, file);
}
