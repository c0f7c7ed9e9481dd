// npm run bench [scan|blame|findings|deps|notes|since|bom|verify|attest|cache|check|report|org]: aiprov's speed and memory against baselines measured in the same run.
// npm run bench -- tests [REV]: the test suite's figures (not part of the default run: it runs the whole suite, twice with REV).
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { benchRepository } from './history.js';
import { measure, medianOf, pairedMedian } from './measure.js';
import { COMMITS, FILES, treeRepository } from './tree-history.js';
import { sequentialBlame } from './blame-baseline.js';
import { benchDeps } from './deps-bench.js';
import { NOTES_COMMITS, notesRepository } from './notes-history.js';
import { benchVerify } from './verify-bench.js';
import { benchDashboard } from './dashboard-bench.js';
import { benchTests } from './tests-bench.js';
import { benchOrg } from './org-bench.js';
import { benchFindings } from './findings-bench.js';
import { benchAttest } from './attest-bench.js';
import { benchCache } from './cache-bench.js';

// Every bench measures cold runs (git blame run afresh) unless it names a cache itself: the bench repositories are
// cached between sessions, and a blame cache left in them would make the next session's figures warm ones.
process.env.AIPROV_BLAME_CACHE = 'off';
const BIN = fileURLToPath(new URL('../bin/aiprov.js', import.meta.url));
const FLOOR = fileURLToPath(new URL('./scan-floor.js', import.meta.url));
const FORMAT = ['%H', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%B'].join('%x1f');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const only = process.argv[2];

if (only === 'tests') {
  benchTests(process.argv[3]);
  process.exit(0);
}
if (!only || only === 'scan') await benchScan();
if (!only || only === 'blame') await benchBlame();
if (!only || only === 'findings') await benchFindings(BIN, RUNS);
if (!only || only === 'deps') await benchDeps();
if (!only || only === 'notes') await benchNotes();
if (!only || only === 'since') await benchSince();
if (!only || only === 'bom') await benchBom();
if (!only || only === 'verify') await benchVerify();
if (!only || only === 'attest') await benchAttest(BIN, Math.max(RUNS, 3));
if (!only || only === 'cache') await benchCache(BIN, Math.max(RUNS, 3));
if (!only || only === 'check') await benchCheck();
if (!only || only === 'report') await benchDashboard(BIN, Math.max(RUNS, 3));
// Minutes, and a PostgreSQL server: only when asked for.
if (only === 'org') await benchOrg(BIN);

async function benchScan() {
  const t0 = Date.now();
  const repo = await benchRepository(100_000);
  console.log(`repository: ${repo} (100,000 commits, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const runs = Math.max(RUNS, 5);
  const paired = await pairedMedian(
    runs,
    () => measure('git', ['-C', repo, 'log', '--no-color', '--no-notes', '--encoding=UTF-8', '-z', `--format=${FORMAT}`, 'HEAD']),
    () => measure(process.execPath, [BIN, 'scan', '--repo', repo, '--format', 'json', '--quiet']),
  );
  const [gitLog, scan, ratio] = [paired.baseline, paired.ours, paired.ratio];
  const floor = await pairedMedian(
    runs,
    () => measure('git', ['-C', repo, 'log', '--no-color', '--no-notes', '--encoding=UTF-8', '-z', `--format=${FORMAT}`, 'HEAD']),
    () => measure(process.execPath, [FLOOR, repo]),
  );
  // Memory must not grow with history: the same scan over a tenth of it.
  const tenth = await medianOf(1, () => measure(process.execPath, [BIN, 'scan', 'HEAD~10000..HEAD', '--repo', repo, '--format', 'json', '--quiet']));
  console.log('');
  console.log("scan of 100,000 commits (%d runs of each, in turns; ratio: median of the pairs' ratios)", runs);
  console.log(`  baseline  git log, same fields     ${gitLog.ms.toFixed(0).padStart(6)} ms  peak RSS ${gitLog.peakMb.toFixed(0).padStart(4)} MB`);
  console.log(`  aiprov    scan --format json       ${scan.ms.toFixed(0).padStart(6)} ms  peak RSS ${scan.peakMb.toFixed(0).padStart(4)} MB`);
  console.log(`  ratio     ${ratio.toFixed(2)}x git log (target <= 1.50x); peak RSS ${scan.peakMb.toFixed(0)} MB (target < 300 MB)`);
  console.log(
    `  floor     git log read and written as JSON by Node, no analysis (bench/scan-floor.js): ${floor.ours.ms.toFixed(0)} ms, ${floor.ratio.toFixed(2)}x git log`,
  );
  console.log(
    `  memory    ${tenth.peakMb.toFixed(0)} MB for the newest 10,000 commits, ${scan.peakMb.toFixed(0)} MB for all 100,000 (${(scan.peakMb / tenth.peakMb).toFixed(2)}x for 10x the history)`,
  );
  console.log(`  ${ratio <= 1.5 && scan.peakMb < 300 ? 'within targets' : 'OUTSIDE TARGETS'}`);
  // A real history too, when one is named (git/git's, a clone of https://github.com/git/git): real messages and merges.
  const real = process.env.AIPROV_BENCH_REAL_REPO;
  if (real) await benchScanOf(real, runs);
}

async function benchScanOf(repo, runs) {
  const commits = spawnSync('git', ['-C', repo, 'rev-list', '--count', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const paired = await pairedMedian(
    runs,
    () => measure('git', ['-C', repo, 'log', '--no-color', '--no-notes', '--encoding=UTF-8', '-z', `--format=${FORMAT}`, 'HEAD']),
    () => measure(process.execPath, [BIN, 'scan', '--repo', repo, '--format', 'json', '--quiet']),
  );
  console.log('');
  console.log(`scan of ${repo} (${commits} commits; ${runs} runs of each, in turns)`);
  console.log(
    `  baseline  git log, same fields     ${paired.baseline.ms.toFixed(0).padStart(6)} ms  peak RSS ${paired.baseline.peakMb.toFixed(0).padStart(4)} MB`,
  );
  console.log(`  aiprov    scan --format json       ${paired.ours.ms.toFixed(0).padStart(6)} ms  peak RSS ${paired.ours.peakMb.toFixed(0).padStart(4)} MB`);
  console.log(`  ratio     ${paired.ratio.toFixed(2)}x git log (target on a real history <= 2.00x)`);
  console.log(`  ${paired.ratio <= 2 ? 'within targets' : 'OUTSIDE TARGETS'}`);
}

async function benchBlame() {
  const t0 = Date.now();
  const repo = await treeRepository();
  console.log('');
  console.log(`repository: ${repo} (${FILES} files, ${COMMITS} commits, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const started = process.hrtime.bigint();
  const baseline = sequentialBlame(repo);
  const baselineMs = Number(process.hrtime.bigint() - started) / 1e6;
  const ours = await measure(process.execPath, [BIN, 'blame', '--repo', repo, '--format', 'json', '--quiet']);
  const report = JSON.parse(
    spawnSync(process.execPath, [BIN, 'blame', '--repo', repo, '--format', 'json', '--quiet'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout,
  );
  const early = await measure(process.execPath, [BIN, 'blame', '--repo', repo, '--rev', `HEAD~${COMMITS - 300}`, '--format', 'json', '--quiet']);
  const same = report.totals.lines === baseline.total && report.totals.aiLines === baseline.ai;
  const speedup = baselineMs / ours.ms;
  console.log('');
  console.log(`whole-tree attribution of ${baseline.files} files`);
  console.log(`  baseline  git blame file by file    ${baselineMs.toFixed(0).padStart(6)} ms  ${baseline.ai} AI of ${baseline.total} lines`);
  console.log(
    `  aiprov    blame --format json      ${ours.ms.toFixed(0).padStart(6)} ms  ${report.totals.aiLines} AI of ${report.totals.lines} lines  peak RSS ${ours.peakMb.toFixed(0)} MB`,
  );
  console.log(`  speed-up  ${speedup.toFixed(2)}x the baseline (target >= 1.50x); counts ${same ? 'identical' : 'DIFFERENT'}`);
  console.log(`  memory    ${early.peakMb.toFixed(0)} MB at 300 commits of history, ${ours.peakMb.toFixed(0)} MB at ${COMMITS}`);
  console.log(`  ${speedup >= 1.5 && same ? 'within targets' : 'OUTSIDE TARGETS'}`);
}

/** Notes read per commit, never the whole ref: the same commands with 1,000 and with 10,000 git-ai notes of realistic size. */
async function benchNotes() {
  const rows = [];
  for (const every of [10, 1]) {
    const t0 = Date.now();
    const repo = await notesRepository(every);
    const notes = Math.ceil(NOTES_COMMITS / every);
    console.log('');
    console.log(`repository: ${repo} (${NOTES_COMMITS} commits, ${notes} git-ai notes, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    const run = (args) => medianOf(RUNS, () => measure(process.execPath, [BIN, ...args, '--repo', repo, '--format', 'json', '--quiet']));
    rows.push({
      notes,
      oneCommit: await run(['scan', 'HEAD~1..HEAD']),
      scan: await run(['scan']),
      blameFile: await run(['blame', 'src/m1.ts']),
      blame: await run(['blame']),
    });
  }
  const [few, many] = rows;
  console.log('');
  console.log('git-ai notes read lazily (median of %d runs; peak RSS of aiprov itself)', RUNS);
  console.log(`  ${'command'.padEnd(24)} ${'1,000 notes'.padStart(22)} ${'10,000 notes'.padStart(22)}  memory ratio`);
  const line = (name, a, b) =>
    console.log(
      `  ${name.padEnd(24)} ${`${a.ms.toFixed(0)} ms ${a.peakMb.toFixed(0)} MB`.padStart(22)} ${`${b.ms.toFixed(0)} ms ${b.peakMb.toFixed(0)} MB`.padStart(22)}  ${(b.peakMb / a.peakMb).toFixed(2)}x`,
    );
  line('scan HEAD~1..HEAD', few.oneCommit, many.oneCommit);
  line('scan (all history)', few.scan, many.scan);
  line('blame src/m1.ts', few.blameFile, many.blameFile);
  line('blame (whole tree)', few.blame, many.blame);
  const peak = Math.max(...rows.flatMap((r) => [r.oneCommit.peakMb, r.scan.peakMb, r.blameFile.peakMb, r.blame.peakMb]));
  const within = many.oneCommit.ms < 500 && peak < 300;
  console.log(`  targets   scan of one commit < 500 ms (${many.oneCommit.ms.toFixed(0)} ms); peak memory < 300 MB (${peak.toFixed(0)} MB), flat as notes grow`);
  console.log(`  ${within ? 'within targets' : 'OUTSIDE TARGETS'}`);
}

/** What the pull-request gate pays each run: blame --since over a 10-commit range, on a long history and a short one. */
async function benchSince() {
  const long = await benchRepository(100_000);
  const short = await benchRepository(1_000);
  const run = (repo) =>
    medianOf(RUNS, () => measure(process.execPath, [BIN, 'blame', '--since', 'HEAD~10', '--rev', 'HEAD', '--repo', repo, '--format', 'json', '--quiet']));
  const a = await run(short);
  const b = await run(long);
  const ratio = b.ms / a.ms;
  console.log('');
  console.log('blame --since over a 10-commit range (median of %d runs)', RUNS);
  console.log(`  1,000 commits     ${a.ms.toFixed(0).padStart(6)} ms  peak RSS ${a.peakMb.toFixed(0).padStart(4)} MB`);
  console.log(`  100,000 commits   ${b.ms.toFixed(0).padStart(6)} ms  peak RSS ${b.peakMb.toFixed(0).padStart(4)} MB`);
  console.log(`  ratio     ${ratio.toFixed(2)}x (target <= 1.20x)`);
  console.log(`  ${ratio <= 1.2 ? 'within targets' : 'OUTSIDE TARGETS'}`);
}

/** The AI-BOM of the 100,000-commit repository against the scan and the blame it rests on, run separately: it must not read the history twice. */
async function benchBom() {
  const repo = await benchRepository(100_000);
  const runs = Math.max(RUNS, 3);
  const separately = async () => {
    const scan = await measure(process.execPath, [BIN, 'scan', '--repo', repo, '--format', 'json', '--quiet']);
    const blame = await measure(process.execPath, [BIN, 'blame', '--repo', repo, '--format', 'json', '--quiet']);
    return { ms: scan.ms + blame.ms, peakMb: Math.max(scan.peakMb, blame.peakMb) };
  };
  const paired = await pairedMedian(runs, separately, () => measure(process.execPath, [BIN, 'bom', '--repo', repo, '--quiet']));
  console.log('');
  console.log("AI-BOM of 100,000 commits (%d runs of each, in turns; ratio: median of the pairs' ratios)", runs);
  console.log(
    `  baseline  scan + blame, separately ${paired.baseline.ms.toFixed(0).padStart(6)} ms  peak RSS ${paired.baseline.peakMb.toFixed(0).padStart(4)} MB`,
  );
  console.log(`  aiprov    bom                      ${paired.ours.ms.toFixed(0).padStart(6)} ms  peak RSS ${paired.ours.peakMb.toFixed(0).padStart(4)} MB`);
  console.log(`  ratio     ${paired.ratio.toFixed(2)}x scan + blame (target <= 1.10x)`);
  console.log(`  ${paired.ratio <= 1.1 ? 'within targets' : 'OUTSIDE TARGETS'}`);
}

/** The gate on a 10-commit change costs the change, not the history: the same range (HEAD~20..HEAD~10: Claude Code, aider, Copilot, Dependabot and people) on 100,000 commits against 1,000. */
async function benchCheck() {
  const [small, large] = [await benchRepository(1_000), await benchRepository(100_000)];
  const runs = Math.max(RUNS, 5);
  // --no-record: the cached repositories are not written to; --offline --allow-unknown: no registry is asked.
  const check = (repo) => () =>
    measure(process.execPath, [
      BIN,
      'check',
      '--repo',
      repo,
      '--base',
      'HEAD~20',
      '--head',
      'HEAD~10',
      '--no-record',
      '--offline',
      '--allow-unknown',
      '--format',
      'json',
      '--quiet',
    ]);
  const paired = await pairedMedian(runs, check(small), check(large));
  console.log('');
  console.log("aiprov check of a 10-commit change (%d runs of each, in turns; ratio: median of the pairs' ratios)", runs);
  console.log(`  on 1,000 commits      ${paired.baseline.ms.toFixed(0).padStart(6)} ms  peak RSS ${paired.baseline.peakMb.toFixed(0).padStart(4)} MB`);
  console.log(`  on 100,000 commits    ${paired.ours.ms.toFixed(0).padStart(6)} ms  peak RSS ${paired.ours.peakMb.toFixed(0).padStart(4)} MB`);
  console.log(`  ratio     ${paired.ratio.toFixed(2)}x (target <= 1.20x)`);
  console.log(`  ${paired.ratio <= 1.2 ? 'within targets' : 'OUTSIDE TARGETS'}`);
}
