import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openContext, type Context, type ContextOptions } from '../src/context/context.js';

/**
 * Things to undo when the test file finishes. One hook, registered when this module loads (while vitest collects
 * the file): a hook registered from inside a test or a beforeAll is silently never run, which left every test's
 * temporary directory behind.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.splice(0).map(async (undo) => undo()));
});

/** Runs `undo` when the test file finishes, whoever calls it (a test, a hook, a helper). */
export function atFileEnd(undo: () => Promise<void> | void): void {
  cleanups.push(undo);
}

/** A fresh temporary directory, removed when the test file finishes. */
export async function tempDir(prefix = 'aiprov-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  atFileEnd(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The context a command would build for `repo` (options as the library takes them). */
export function ctx(repo: string, options: Omit<ContextOptions, 'repo'> = {}): Promise<Context> {
  return openContext({ repo, ...options });
}
