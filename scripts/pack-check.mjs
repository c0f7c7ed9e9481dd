#!/usr/bin/env node
// The package as a user gets it: `npm pack`, then `npm install --prefix DIR
// ./aiprov-X.tgz` into an empty prefix, then the installed command run from a
// directory that is neither the clone nor the prefix. Fails when the tarball
// ships tests or sources it should not, when the install brings a development
// dependency or runs an install script of ours, or when `aiprov --version` and
// `aiprov demo` do not work. `.ci/run` runs it after the tests; it needs the
// npm registry for the runtime dependencies (the tests themselves never do).
// Then the GitHub Action as the runner gets it: this commit checked out with
// nothing installed, started as `node action/index.js` (it installs from its
// own lockfile and builds before it runs). Run through npm (`npm run
// pack:check`) so that Node 24 is first on PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'aiprov-pack-'));
const fail = (message) => {
  console.error(`pack check: ${message}`);
  process.exit(1);
};
const run = (command, args, cwd, { quiet = false } = {}) => {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' } });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status ?? result.signal}\n${result.stdout}${result.stderr}`);
  if (!quiet) process.stdout.write(result.stdout);
  return result.stdout;
};

try {
  // 1. The tarball: what `npm pack` builds (its prepare step compiles dist/).
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root, { quiet: true }))[0];
  const files = packed.files.map((f) => f.path);
  const stray = files.filter((f) => /^(src|test|fixtures|bench|scripts)\//.test(f) || f.endsWith('.tsbuildinfo'));
  if (stray.length > 0) fail(`the tarball ships files users do not need: ${stray.slice(0, 5).join(', ')}`);
  for (const needed of ['bin/aiprov.js', 'dist/cli/main.js', 'dist/index.js', 'dist/index.d.ts', 'package.json']) {
    if (!files.includes(needed)) fail(`the tarball lacks ${needed}`);
  }
  const tarball = join(work, packed.filename);
  console.log(`pack check: ${packed.filename}, ${files.length} files, ${(packed.size / 1e6).toFixed(1)} MB, ${packed.integrity}`);

  // 2. Install into an empty prefix: runtime dependencies only, nothing compiled.
  const prefix = join(work, 'prefix');
  const install = run('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--foreground-scripts', tarball], work, { quiet: true });
  const installed = join(prefix, 'node_modules');
  const dev = Object.keys(pkg.devDependencies ?? {}).filter((name) => existsSync(join(installed, name)) && !(name in (pkg.dependencies ?? {})));
  if (dev.length > 0) fail(`the install brought development dependencies: ${dev.join(', ')}`);
  if (/> aiprov@.* (prepare|install|postinstall|preinstall)/.test(install)) fail(`the install ran a script of ours:\n${install}`);
  if (!existsSync(join(installed, 'aiprov', 'dist', 'cli', 'main.js'))) fail('the installed package has no dist/: it would need compiling');
  console.log(`pack check: installed into an empty prefix, ${readdirSync(installed).filter((n) => !n.startsWith('.')).length} top-level packages`);

  // 3. The installed command, from a directory that is neither the clone nor the prefix.
  const elsewhere = join(work, 'elsewhere');
  run('mkdir', ['-p', elsewhere], work);
  const bin = join(prefix, 'node_modules', '.bin', 'aiprov');
  const version = run(bin, ['--version'], elsewhere, { quiet: true }).trim();
  if (version !== pkg.version) fail(`aiprov --version printed ${JSON.stringify(version)}, expected ${pkg.version}`);
  const demo = run(bin, ['demo', '--dir', join(elsewhere, 'demo')], elsewhere, { quiet: true });
  if (!/verified/i.test(demo) || !existsSync(join(elsewhere, 'demo', 'aiprov-dashboard.html'))) fail(`aiprov demo did not run through:\n${demo}`);
  console.log(`pack check: installed aiprov --version = ${version}; aiprov demo ran from ${elsewhere} and wrote its dashboard`);

  // 4. The GitHub Action as the runner gets it: this commit checked out with no node_modules and no dist/,
  //    started as `node action/index.js`: it installs from its own lockfile, builds, and runs the command.
  const action = join(work, 'action-ref');
  run('git', ['clone', '--quiet', '--no-hardlinks', root, action], work);
  const head = run('git', ['rev-parse', 'HEAD'], root, { quiet: true }).trim();
  run('git', ['checkout', '--quiet', head], action);
  const output = join(work, 'github-output');
  run('sh', ['-c', `: > ${JSON.stringify(output)}`], work);
  const event = join(work, 'event.json');
  run('sh', ['-c', `echo '{}' > ${JSON.stringify(event)}`], work);
  const env = {
    ...process.env,
    'GITHUB_ACTIONS': 'true',
    'GITHUB_EVENT_NAME': 'workflow_dispatch',
    'GITHUB_EVENT_PATH': event,
    'GITHUB_OUTPUT': output,
    'GITHUB_WORKSPACE': join(elsewhere, 'demo'),
    'RUNNER_TEMP': work,
    'INPUT_COMMAND': 'scan',
    'INPUT_ARGS': '--format\njson\n--output\n' + join(work, 'scan.json'),
    'INPUT_TOKEN': '',
    'INPUT_FETCH': 'false',
    'INPUT_COMMENT': 'false',
    'INPUT_PUSH-CHECKS': 'false',
    'INPUT_COMMENT-AUTHOR': 'github-actions[bot]',
  };
  const started = Date.now();
  const ran = spawnSync(process.execPath, [join(action, 'action', 'index.js')], { cwd: join(elsewhere, 'demo'), env, encoding: 'utf8' });
  if (ran.status !== 0) fail(`the action at ${head.slice(0, 12)} exited ${ran.status ?? ran.signal}\n${ran.stdout}${ran.stderr}`);
  if (!existsSync(join(action, 'dist', 'cli', 'github-action.js'))) fail('the action ran without building dist/ from its own source');
  if (!readFileSync(output, 'utf8').includes('exit-code<<')) fail(`the action set no outputs:\n${ran.stdout}`);
  const scanned = JSON.parse(readFileSync(join(work, 'scan.json'), 'utf8'));
  if (!(scanned.summary?.aiCommits > 0)) fail("the action's scan found no AI commits in the demo sample");
  console.log(
    `pack check: the action at ${head.slice(0, 12)}, from a bare checkout: installed from its lockfile, built, ran scan (exit 0, ${scanned.summary.aiCommits} AI commits) in ${Math.round((Date.now() - started) / 1000)} s`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
