// Auditing 1,000 names against a local registry that answers after 50 ms:
// aiprov's bounded-concurrency client, cold and warm cache, against the same
// client asking one name at a time with no cache, measured in the same run.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkNames } from '../dist/deps/audit.js';
import { fixedClock } from '../dist/kernel/clock.js';
import { settingsContext } from '../dist/context/context.js';

const NAMES = 1_000;
const LATENCY_MS = 50;

function packument(name) {
  return {
    'name': name,
    'dist-tags': { latest: '1.0.0' },
    'versions': { '1.0.0': { name, version: '1.0.0', repository: { url: `git+https://github.com/example/${name}.git` }, dist: { tarball: 'x' } } },
    'time': { 'created': '2020-01-01T00:00:00.000Z', '1.0.0': '2020-01-01T00:00:00.000Z' },
  };
}

export async function benchDeps() {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    setTimeout(() => {
      const npm = /^\/npm\/(.+)$/.exec(req.url ?? '');
      const downloads = /^\/downloads\/point\/last-month\/(.+)$/.exec(req.url ?? '');
      const body = npm ? packument(decodeURIComponent(npm[1])) : downloads ? { downloads: 5000, package: downloads[1] } : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: 'Not found' }));
    }, LATENCY_MS);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const work = mkdtempSync(path.join(os.tmpdir(), 'aiprov-deps-bench-'));
  const npmrc = mkdtempSync(path.join(os.tmpdir(), 'aiprov-npmrc-'));
  const { writeFileSync } = await import('node:fs');
  // The user's own .npmrc: the only kind that may choose the registry (the project's is untrusted).
  writeFileSync(path.join(npmrc, 'user.npmrc'), `registry=${url}/npm/\n`);
  const names = Array.from({ length: NAMES }, (_, i) => `bench-package-${String(i).padStart(4, '0')}`);
  const run = async (concurrency, cacheDir) => {
    const started = process.hrtime.bigint();
    const context = await settingsContext({
      env: { vars: { npm_config_userconfig: path.join(npmrc, 'user.npmrc') } },
      clock: fixedClock('2026-11-21T00:00:00Z'),
    });
    const report = await checkNames({
      context,
      names,
      ecosystem: 'npm',
      npmrcDir: npmrc,
      cacheDir,
      settings: { concurrency, registries: { npmDownloads: url, pypi: url, go: url, crates: url } },
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (report.summary.byVerdict.ok !== NAMES) throw new Error(`expected ${NAMES} ok verdicts, got ${JSON.stringify(report.summary.byVerdict)}`);
    return ms;
  };
  try {
    const baseline = await run(1, path.join(work, 'baseline-cache-unused-' + Date.now()));
    rmSync(path.join(work), { recursive: true, force: true });
    const cache = mkdtempSync(path.join(os.tmpdir(), 'aiprov-deps-cache-'));
    const before = requests;
    const cold = await run(16, cache);
    const coldRequests = requests - before;
    const warm = await run(16, cache);
    const warmRequests = requests - before - coldRequests;
    rmSync(cache, { recursive: true, force: true });
    console.log('');
    console.log(`audit of ${NAMES} npm names, registry latency ${LATENCY_MS} ms`);
    console.log(`  baseline  one at a time, no cache  ${baseline.toFixed(0).padStart(7)} ms`);
    console.log(
      `  aiprov    cold cache               ${cold.toFixed(0).padStart(7)} ms  (${coldRequests} requests)  ${(baseline / cold).toFixed(1)}x (target >= 10x)`,
    );
    console.log(
      `  aiprov    warm cache               ${warm.toFixed(0).padStart(7)} ms  (${warmRequests} requests)  ${(baseline / warm).toFixed(1)}x (target >= 50x)`,
    );
    console.log(`  ${baseline / cold >= 10 && baseline / warm >= 50 ? 'within targets' : 'OUTSIDE TARGETS'}`);
  } finally {
    server.close();
    rmSync(npmrc, { recursive: true, force: true });
  }
  await benchTyposquat();
}

/**
 * The typosquat check against the plain way of doing it, in the same run: a
 * scan of the 10,000 protected names with the same distance, for each name.
 */
async function benchTyposquat() {
  const { shippedIndex, TARGETS } = await import('../dist/deps/typosquat/index.js');
  const { shippedPopularity } = await import('../dist/deps/typosquat/popularity.js');
  const { osaDistance } = await import('../dist/deps/typosquat/distance.js');
  const popularity = shippedPopularity('npm');
  const index = shippedIndex('npm');
  const targets = popularity.ranked.slice(0, TARGETS);
  const names = popularity.ranked.slice(20_000, 20_500);
  let started = process.hrtime.bigint();
  for (const name of names) for (const target of targets) osaDistance(name, target, 2);
  const baseline = Number(process.hrtime.bigint() - started) / 1e6;
  started = process.hrtime.bigint();
  for (const name of names) index.check(name);
  const indexed = Number(process.hrtime.bigint() - started) / 1e6;
  console.log('');
  console.log(`typosquat check of ${names.length} names against the ${TARGETS.toLocaleString('en')} protected ones`);
  console.log(`  baseline  distance to every name   ${baseline.toFixed(0).padStart(7)} ms`);
  console.log(`  aiprov    deletion index + rules   ${indexed.toFixed(0).padStart(7)} ms  ${(baseline / indexed).toFixed(1)}x (target >= 10x)`);
  console.log(`  ${baseline / indexed >= 10 ? 'within targets' : 'OUTSIDE TARGETS'}`);
}
