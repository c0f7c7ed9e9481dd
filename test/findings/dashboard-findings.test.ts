import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFindingsRepo, type FindingsRepo } from '../../fixtures/findings-repo.js';
import type { DashboardData } from '../../src/dashboard/types.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { launchBrowser, openOffline } from '../browser.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';
import { eslintSarif, flawfinderSarif } from './scanners.js';

let repo: FindingsRepo;
let work: string;
let args: string[];
let browser: Browser;
beforeAll(async () => {
  repo = await buildFindingsRepo(await tempDir());
  work = await tempDir();
  const [eslint, flawfinder] = [path.join(work, 'eslint.sarif'), path.join(work, 'flawfinder.sarif')];
  writeFileSync(eslint, await eslintSarif(repo.dir, ['src', 'lib', 'scratch.js']));
  writeFileSync(flawfinder, flawfinderSarif(repo.dir, 'native'));
  args = ['report', '--repo', repo.dir, '--sarif', eslint, '--sarif', flawfinder];
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser.close();
});

const rows = (page: Page, id: string): Promise<string[][]> =>
  page.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));

describe('the dashboard with a scanner log (report --sarif)', () => {
  it('carries the densities and the findings in AI-written lines in its JSON, valid against the dashboard schema', async () => {
    const run = await runCli([...args, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const data = JSON.parse(run.stdout) as DashboardData;
    expect(validateAgainst('dashboard', data)).toBeNull();
    expect(data.findings).toMatchObject({ tools: ['ESLint', 'Flawfinder'], results: 8, attributed: 7, apart: 1, lines: 29, aiLines: 16 });
    expect(data.findings?.inAiLines.shown.map((f) => `${f.path}:${f.startLine} ${f.class}`)).toEqual([
      'native/copy.c:3 ai',
      'lib/ai-helpers.js:4 ai',
      'lib/ai-helpers.js:5 ai',
      'src/server.js:6 ai',
      'src/server.js:11 mixed',
    ]);
  });

  it('shows them in Chromium, offline, with no console error', async () => {
    const file = path.join(work, 'dashboard.html');
    const run = await runCli([...args, '--html', '--output', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('<a href="#findings">Scanner findings</a>');
    const { page, problems } = await openOffline(browser, file);
    expect(problems).toEqual([]);
    expect(await rows(page, 'findings-density')).toEqual([
      ['AI-written', '250.00', '68.12–640.10', '4', '16'],
      ['no agent credited', '230.77', '47.59–674.41', '3', '13'],
    ]);
    expect(await page.$eval('[data-metric="findings-ratio"]', (e) => e.textContent)).toMatch(/^no measurable difference/);
    expect((await rows(page, 'findings-ai')).map((r) => r[0])).toEqual([
      'native/copy.c:3',
      'lib/ai-helpers.js:4',
      'lib/ai-helpers.js:5',
      'src/server.js:6',
      'src/server.js:11-13',
    ]);
    await page.close();
  });

  it('refuses a log of another revision than the page is built at', async () => {
    const other = path.join(work, 'other.sarif');
    const log = JSON.parse(flawfinderSarif(repo.dir, 'native')) as { runs: { versionControlProvenance?: unknown }[] };
    (log.runs[0] as { versionControlProvenance?: unknown }).versionControlProvenance = [
      { repositoryUri: 'https://example.com/x.git', revisionId: repo.shas[1] },
    ];
    writeFileSync(other, JSON.stringify(log));
    const run = await runCli(['report', '--repo', repo.dir, '--sarif', other, '--format', 'json']);
    expect([run.code, run.stderr]).toEqual([
      2,
      `aiprov: --rev HEAD is ${(repo.shas[4] ?? '').slice(0, 12)} but ${other} describes revision ${repo.shas[1] ?? ''} (versionControlProvenance)\n`,
    ]);
  });
});
