import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Most CLI tests run `main` in process, from the source; the few that spawn
 * `bin/aiprov.js` (and the tests of the published entry points) run `dist/`.
 * It is brought up to date with the current source before any test runs, so
 * that `npx vitest run` on a changed `src/` can never pass against an older
 * build; incrementally (its build info lives in dist/, so a removed dist/ is
 * rebuilt whole), so an unchanged source costs a check, not a build.
 */
export default function setup(): () => void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`build before tests failed:\n${result.stdout}${result.stderr}`);
  // Every Node process started from here on (the workers, the bins they spawn, hooks run by git) inherits the count's preload.
  const log = path.join(mkdtempSync(path.join(os.tmpdir(), 'aiprov-count-')), 'cli-processes');
  writeFileSync(log, '');
  const preload = pathToFileURL(path.join(root, 'test', 'count-cli-processes.mjs')).href;
  process.env.AIPROV_TEST_PROCESS_LOG = log;
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import=${preload}`.trim();
  return () => {
    const spawned = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l !== '').length;
    process.stdout.write(`\naiprov CLI processes spawned by this run: ${spawned}\n`);
    rmSync(path.dirname(log), { recursive: true, force: true });
  };
}
