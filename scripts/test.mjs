#!/usr/bin/env node
// `npm test`: the static checks (type-check, lint, format check, one after the other) run beside the tests, not before them:
// on two cores the tests mostly wait on the git, registry and browser processes they start, and the checks fill that time.
// The checks' output is printed once they are done; the run fails when either side fails.
import { spawn } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs `npm run -s NAME`, its output kept; resolves with the exit code and the output. */
function quiet(name) {
  return new Promise((resolve) => {
    const child = spawn(npm, ['run', '-s', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) => {
      resolve({ name, code: code ?? 1, out });
    });
  });
}

async function staticChecks() {
  const results = [];
  for (const name of ['typecheck', 'lint', 'format:check']) results.push(await quiet(name));
  return results;
}

const vitest = new Promise((resolve) => {
  const child = spawn(npm, ['exec', '--', 'vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('close', (code) => {
    resolve(code ?? 1);
  });
});

const [checks, tests] = await Promise.all([staticChecks(), vitest]);
let failed = tests !== 0;
for (const { name, code, out } of checks) {
  if (code === 0) {
    process.stdout.write(`${name}: ok\n`);
  } else {
    failed = true;
    process.stdout.write(`${name}: FAILED (exit ${code})\n${out}`);
  }
}
process.exitCode = failed ? 1 : 0;
