// The dashboard on the 100,000-commit repository: how long `aiprov report --html`
// takes against what it is made of (a scan and a blame, run the same way in the
// same session), how large the page is, and how long Chromium takes to load it.
/* global performance -- read inside the page, in the browser */
import { Buffer } from 'node:buffer';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchRepository } from './history.js';
import { measure, pairedMedian } from './measure.js';

const CHECKED = 5_000;

/** A mirror of the bench repository (its notes too) with 5,000 recorded gate decisions, two runs on some changes: made once, cached. */
async function checkedRepository(bin) {
  const source = await benchRepository(100_000);
  const dir = `${source}-checks`;
  if (existsSync(path.join(dir, 'HEAD'))) return dir;
  const building = `${dir}.building-${process.pid}`;
  execFileSync('git', ['clone', '--quiet', '--mirror', source, building]);
  const shas = execFileSync('git', ['-C', building, 'rev-list', '--max-count', String(CHECKED * 20), 'HEAD'], { encoding: 'utf8', maxBuffer: 1 << 28 })
    .trim()
    .split('\n')
    .filter((_, i) => i % 20 === 0);
  const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).stdout.trim();
  const lines = ['commit refs/notes/aiprov-checks', 'committer bench <bench@example.com> 1700000000 +0000', 'data 6', 'bench', ''];
  for (const [i, head] of shas.entries()) {
    const at = (h) => new Date(Date.UTC(2024, 0, 1) + i * 3 * 3_600_000 + h * 3_600_000).toISOString();
    const record = (checkedAt, decision, extra = {}) =>
      JSON.stringify({
        checkedAt,
        base: shas[i + 1] ?? head,
        head,
        decision,
        couldNotDecide: false,
        aiShare: 0.3,
        aiLines: 3,
        lines: 10,
        escalations: 0,
        waiting: 0,
        waitingByRule: {},
        secrets: 0,
        dependencies: 0,
        byRule: {},
        tool: `aiprov ${version}`,
        ...extra,
      });
    const runs =
      i % 10 === 0
        ? [
            record(at(0), 'needs-review', { escalations: 1, waiting: 1, waitingByRule: { auth: 1 }, byRule: { auth: 1 } }),
            record(at(2), i % 50 === 0 ? 'needs-review' : 'pass', { escalations: 1, byRule: { auth: 1 } }),
          ]
        : [record(at(0), i % 97 === 0 ? 'fail' : 'pass', i % 97 === 0 ? { secrets: 1 } : {})];
    const text = `${runs.join('\n')}\n`;
    lines.push(`N inline ${head}`, `data ${Buffer.byteLength(text)}`, text);
  }
  lines.push('done', '');
  execFileSync('git', ['-C', building, 'fast-import', '--quiet', '--done'], { input: lines.join('\n') });
  execFileSync('mv', [building, dir]);
  return dir;
}

export async function benchDashboard(bin, runs) {
  const t0 = Date.now();
  const repo = await checkedRepository(bin);
  console.log('');
  console.log(`repository: ${repo} (100,000 commits, ${CHECKED.toLocaleString('en-US')} recorded checks, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const page = path.join(mkdtempSync(path.join(os.tmpdir(), 'aiprov-bench-')), 'dashboard.html');
  const parts = async () => {
    const scan = await measure(process.execPath, [bin, 'scan', '--repo', repo, '--format', 'json', '--quiet']);
    const blame = await measure(process.execPath, [bin, 'blame', '--repo', repo, '--format', 'json', '--quiet']);
    return { ms: scan.ms + blame.ms, peakMb: Math.max(scan.peakMb, blame.peakMb) };
  };
  const paired = await pairedMedian(runs, parts, () => measure(process.execPath, [bin, 'report', '--html', '--repo', repo, '--output', page, '--quiet']));
  const size = statSync(page).size;
  console.log("aiprov report --html of 100,000 commits (%d runs of each, in turns; ratio: median of the pairs' ratios)", runs);
  console.log(
    `  baseline  scan + blame, json        ${paired.baseline.ms.toFixed(0).padStart(6)} ms  peak RSS ${paired.baseline.peakMb.toFixed(0).padStart(4)} MB`,
  );
  console.log(`  aiprov    report --html             ${paired.ours.ms.toFixed(0).padStart(6)} ms  peak RSS ${paired.ours.peakMb.toFixed(0).padStart(4)} MB`);
  console.log(`  ratio     ${paired.ratio.toFixed(2)}x scan + blame (target <= 1.30x); page ${(size / 1024).toFixed(0)} kB (target < 3 MB)`);
  const load = await loadTimes(page, runs);
  if (load)
    console.log(
      `  load      Chromium, from disk: median ${load.ready.toFixed(0)} ms to DOMContentLoaded, ${load.load.toFixed(0)} ms to the load event (${runs} loads after a warm-up)`,
    );
  console.log(`  ${paired.ratio <= 1.3 && size < 3 * 1024 * 1024 ? 'within targets' : 'OUTSIDE TARGETS'}`);
}

/** Median DOMContentLoaded and load times of the page in the system's Chromium, when there is one (the bench does not install it). */
export async function loadTimes(page, runs) {
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p)) ?? process.env.AIPROV_CHROMIUM;
  if (!executablePath) {
    console.log('  load      not measured: no Chromium on this machine');
    return undefined;
  }
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const loads = [];
    const readies = [];
    for (let i = 0; i <= runs; i++) {
      const tab = await browser.newPage();
      await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });
      const t = await tab.evaluate(() => {
        const [navigation] = performance.getEntriesByType('navigation');
        return { load: navigation.loadEventEnd, ready: navigation.domContentLoadedEventEnd };
      });
      if (i > 0) {
        loads.push(t.load);
        readies.push(t.ready);
      }
      await tab.close();
    }
    const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    return { load: median(loads), ready: median(readies) };
  } finally {
    await browser.close();
  }
}
