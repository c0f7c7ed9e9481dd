// npm run bench -- tests [REV]: the test suite's own figures. `npm test` as the README gives it (type-check, lint, format check,
// vitest) timed whole, the CLI processes it spawned (its global set-up counts them), the expect( calls and test cases in test/;
// with REV (e.g. the commit before a change), the same measured on that revision's tree in the same run, and the ratios.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGET_SECONDS = 90;

/** Static counts over test/: expect( calls and it(/test( cases (a table counts once here; vitest counts each row). */
function counts(dir) {
  let expects = 0;
  let cases = 0;
  for (const entry of readdirSync(path.join(dir, 'test'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const text = readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
    expects += (text.match(/expect\(/g) ?? []).length;
    cases += (text.match(/^\s*(it|test)(\.each\([^]*?\))?\(/gm) ?? []).length;
  }
  return { expects, cases };
}

/** `npm test` in `dir`, timed; what vitest and the process count printed. */
function runSuite(dir) {
  const started = process.hrtime.bigint();
  const run = spawnSync('npm', ['test'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // NO_COLOR and FORCE_COLOR=0 keep escape sequences out of what is parsed.
  const out = `${run.stdout}${run.stderr}`;
  const tests = /^\s+Tests\s+(.*)$/m.exec(out)?.[1]?.trim() ?? 'no vitest summary';
  const vitest = /^\s+Duration\s+([\d.]+)s/m.exec(out)?.[1];
  const spawned = /aiprov CLI processes spawned by this run: (\d+)/.exec(out)?.[1];
  return {
    ok: run.status === 0,
    seconds,
    tests,
    vitest: vitest === undefined ? undefined : Number(vitest),
    spawned: spawned === undefined ? undefined : Number(spawned),
  };
}

/** A checkout of `rev` beside this one, sharing its node_modules (what a revision's tests need is in the lockfile of either). */
function checkout(rev) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aiprov-tests-baseline-'));
  const clone = spawnSync('git', ['clone', '--quiet', '--no-checkout', ROOT, dir], { encoding: 'utf8' });
  if (clone.status !== 0) throw new Error(`cannot clone for ${rev}: ${clone.stderr}`);
  const co = spawnSync('git', ['-C', dir, 'checkout', '--quiet', rev], { encoding: 'utf8' });
  if (co.status !== 0) throw new Error(`cannot check out ${rev}: ${co.stderr}`);
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

export function benchTests(baselineRev) {
  const now = counts(ROOT);
  console.log('');
  console.log('the test suite: npm test as the README gives it (type-check, lint, format check, vitest), timed whole');
  let base;
  if (baselineRev !== undefined) {
    const dir = checkout(baselineRev);
    try {
      base = { ...runSuite(dir), ...counts(dir) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(
      `  baseline ${baselineRev.padEnd(12)} ${base.ok ? 'passed' : 'FAILED'} in ${base.seconds.toFixed(0)} s (vitest ${base.vitest ?? '?'} s); ${base.tests}; ${base.expects} expect( calls, ${base.cases} test cases`,
    );
  }
  const ours = runSuite(ROOT);
  console.log(
    `  now      ${'HEAD'.padEnd(12)} ${ours.ok ? 'passed' : 'FAILED'} in ${ours.seconds.toFixed(0)} s (vitest ${ours.vitest ?? '?'} s); ${ours.tests}; ${now.expects} expect( calls, ${now.cases} test cases`,
  );
  console.log(`  CLI processes spawned: ${ours.spawned ?? 'not counted'}${base?.spawned !== undefined ? ` (baseline ${base.spawned})` : ''}`);
  if (base) {
    console.log(
      `  ratio    ${(ours.seconds / base.seconds).toFixed(2)}x the baseline's wall time; expect( ${now.expects - base.expects >= 0 ? '+' : ''}${now.expects - base.expects}, cases ${now.cases - base.cases >= 0 ? '+' : ''}${now.cases - base.cases}`,
    );
  }
  console.log(
    `  ${ours.ok && ours.seconds <= TARGET_SECONDS ? 'within target' : 'OUTSIDE TARGET'} (passes, at most ${TARGET_SECONDS} s with warm caches from npm ci; scripts/test-under-load.sh for the busy machine)`,
  );
}
