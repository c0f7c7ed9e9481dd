// The GitHub Action's logic, exported as run() (the shape of actions/javascript-action, which
// @github/local-action runs too). It runs the code of the action's own ref: the runner checked this
// repository out at the commit the workflow pinned, and aiprov is installed from it here, from its
// lockfile (every package pinned by integrity), never fetched by name.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'dist', 'cli', 'github-action.js');

function step(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}) in ${root}`);
}

/** A release ref ships dist/ built; any other ref (a branch, a commit of main) is built here with its own compiler. */
function install() {
  if (existsSync(join(root, 'node_modules', '.package-lock.json')) && existsSync(entry)) return;
  process.stdout.write(`::group::aiprov action: install from ${root} (npm ci, lockfile only)\n`);
  step('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', ...(existsSync(entry) ? ['--omit=dev'] : [])]);
  if (!existsSync(entry)) step(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
  process.stdout.write('::endgroup::\n');
}

/** Runs the action; resolves to aiprov's exit code (2 with one error line when it could not run at all, never a stack trace). */
export async function run() {
  try {
    install();
    const { runGithubAction } = await import(pathToFileURL(entry).href);
    process.exitCode = await runGithubAction();
  } catch (error) {
    process.stdout.write(`::error::aiprov: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exitCode = 2;
  }
  return process.exitCode;
}
