import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The CLI tests spawn `bin/aiprov.js`, which runs `dist/`. Build it from the
 * current source before any test runs, so that `npx vitest run` on a changed
 * `src/` can never pass against an older build.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build before tests failed:\n${result.stdout}${result.stderr}`);
}
