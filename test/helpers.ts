import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openContext, type Context, type ContextOptions } from '../src/context/context.js';

/** A fresh temporary directory, removed when the test file finishes. */
export async function tempDir(prefix = 'aiprov-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

/** The context a command would build for `repo` (options as the library takes them). */
export function ctx(repo: string, options: Omit<ContextOptions, 'repo'> = {}): Promise<Context> {
  return openContext({ repo, ...options });
}
