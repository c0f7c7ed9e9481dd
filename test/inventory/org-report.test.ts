/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packument } from '../../fixtures/registry-server.js';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { auditRepository, type DepsReport } from '../../src/deps/audit.js';
import { importHistory } from '../../src/git/fast-import.js';
import { collectRepository } from '../../src/inventory/collect.js';
import { readOrgReport } from '../../src/inventory/org-report.js';
import type { OrgReport } from '../../src/inventory/org-types.js';
import { fixedClock } from '../../src/kernel/clock.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { openStore } from '../../src/store/open.js';
import { launchBrowser, openOffline, screenshot } from '../browser.js';
import { runCli } from '../cli/run-cli.js';
import { NOW as AUDIT_NOW, npmConfigDir, registry, settingsFor } from '../deps/helpers.js';
import { buildDashboardRepo } from '../dashboard/dashboard-repo.js';
import { ctx, tempDir } from '../helpers.js';
import { backends } from '../store/backends.js';

const NOW = '2026-11-25T12:00:00Z';
const CLAUDE = 'Co-Authored-By: Claude <noreply@anthropic.com>';
const server = await registry({ npm: { express: packument('express') }, downloads: { express: 90_000_000 } });

let work: string;
let shop: string;
let api: string;
let audit: DepsReport;
beforeAll(async () => {
  work = await tempDir('aiprov-org-');
  shop = path.join(work, 'shop');
  await buildDashboardRepo(shop);
  // A second repository whose agent added a package no registry has.
  api = path.join(work, 'api');
  initRepo(api);
  await importHistory(api, [
    commitAt(0, 'Start\n', {
      files: { 'package.json': `${JSON.stringify({ name: 'api', dependencies: { express: '^5.1.0' } }, null, 2)}\n`, 'src/a.ts': 'a\nb\n' },
    }),
    commitAt(1, `Add search\n\n${CLAUDE}\n`, {
      files: {
        'package.json': `${JSON.stringify({ name: 'api', dependencies: { 'express': '^5.1.0', 'express-search-helpers-pro': '^1.0.0' } }, null, 2)}\n`,
        'src/search.ts': 'x\ny\nz\n',
      },
    }),
  ]);
  // fast-import checks nothing out; the audit reads the work tree.
  execFileSync('git', ['-C', api, 'reset', '-q', '--hard']);
  const { dir, env } = await npmConfigDir(server);
  audit = await auditRepository({
    context: await ctx(api, { clock: fixedClock(AUDIT_NOW), env: { vars: env } }),
    cacheDir: await tempDir('aiprov-cache-'),
    npmrcDir: dir,
    settings: settingsFor(server),
  });
});

async function collectBoth(target: string) {
  const store = await openStore({ target, cwd: '/', now: new Date(NOW) });
  await collectRepository({ context: await ctx(shop, { clock: fixedClock(NOW) }), store, repository: { url: 'https://github.com/acme/shop' } });
  await collectRepository({
    context: await ctx(api, { clock: fixedClock(NOW) }),
    store,
    repository: { url: 'https://github.com/acme/api' },
    deps: { report: audit, file: 'deps.json' },
  });
  return store;
}

describe.each(backends())("the organisation's report from $name", (backend) => {
  it('sums every repository, ranks them, and names the repository and agent behind each finding', async () => {
    const store = await collectBoth(await backend.target('org'));
    const report = await readOrgReport({ store, now: new Date(NOW), repoLink: 'https://ci.example.com/{name}/report.html' });
    await store.close();
    expect(validateAgainst('orgReport', report)).toBeNull();
    expect(report.totals).toMatchObject({ repositories: 2, lines: 13 + 12, aiLines: 8 + 5, commits: 8, aiCommits: 5, findings: 1 });
    const shopRow = report.repositories.find((r) => r.name === 'acme/shop');
    expect(shopRow).toMatchObject({ lines: 13, aiLines: 8, commits: 6, aiCommits: 4, link: 'https://ci.example.com/acme%2Fshop/report.html' });
    expect(shopRow?.unreviewedHunks).toBeGreaterThan(0);
    // No audit was collected for the shop: its findings are not known, which is not none.
    expect([shopRow?.findings, report.repositories.find((r) => r.name === 'acme/api')?.findings, report.totals.notAudited]).toEqual([null, 1, 1]);
    expect(report.rankings.byAiShare).toEqual(['https://github.com/acme/shop', 'https://github.com/acme/api']);
    expect(report.rankings.byUnreviewedHunks[0]).toBe('https://github.com/acme/shop');
    expect(report.findings).toEqual([
      expect.objectContaining({ repository: 'acme/api', name: 'express-search-helpers-pro', verdict: 'hallucinated', ai: true, agents: ['claude-code'] }),
    ]);
    const claude = report.agents.find((a) => a.agent === 'claude-code');
    expect(claude).toMatchObject({ repositories: 2, commits: 3 + 1 });
    // First in the api's history (commitAt's clock starts in 2025), last in the shop's.
    expect([claude?.firstSeen?.slice(0, 10), claude?.lastSeen?.slice(0, 10)]).toEqual(['2025-01-01', '2026-04-07']);
    // The gate's record across repositories is the shop's own (the only one with decisions): 4 changes, 3 passing.
    expect(report.gate).toMatchObject({ changes: 4, passed: 3, failed: 1 });
    // The organisation's timeline holds every line at the heads, by the month it was written.
    expect(report.timeline.reduce((n, p) => n + p.lines, 0)).toBe(report.totals.lines);
    expect(report.timeline.reduce((n, p) => n + p.aiLines, 0)).toBe(report.totals.aiLines);
  });
});

describe("the organisation's page in Chromium", () => {
  let browser: Browser;
  let file: string;
  let report: OrgReport;
  beforeAll(async () => {
    browser = await launchBrowser();
    const target = path.join(work, 'page.db');
    (await collectBoth(target)).close().catch(() => undefined);
    file = path.join(work, 'org.html');
    const made = await runCli(['report', '--html', '--store', target, '--output', file]);
    expect(made).toMatchObject({ code: 0, stdout: '' });
    expect(made.stderr).toContain(`organisation page written to ${file}`);
    const json = await runCli(['report', '--store', target, '--format', 'json']);
    report = JSON.parse(json.stdout) as OrgReport;
  }, 60_000);
  afterAll(async () => {
    await browser.close();
  });

  it('loads offline with no console error and shows the JSON report’s figures; each row leads to its repository', async () => {
    const { page, problems } = await openOffline(browser, file);
    expect(problems).toEqual([]);
    const metric = (name: string) => page.$eval(`[data-metric="${name}"]`, (e) => e.getAttribute('data-value'));
    expect(await metric('repositories')).toBe('2');
    expect(await metric('ai-lines')).toBe(String(report.totals.aiLines));
    expect(await metric('ai-share')).toBe(String(report.totals.aiShare));
    const rows = await page.$$eval('#repos-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => r[0])).toEqual(['acme/shop', 'acme/api']);
    await page.click('#repos-table tbody tr:nth-child(2) a');
    expect(await page.evaluate(() => location.hash)).toBe('#repo-1');
    expect(await page.$eval('#repo-1', (e) => e.getAttribute('data-repo'))).toBe('https://github.com/acme/api');
    expect(await page.$eval('#findings-table', (e) => e.textContent)).toContain('npm:express-search-helpers-pro@^1.0.0');
    expect(statSync(file).size).toBeLessThan(3 * 1024 * 1024);
    // For people to look at (test-output/screenshots/): the page as a browser lays it out.
    expect(await screenshot(page, 'org-page')).toMatch(/org-page\.png$/);
  });

  it('--store with no value reads the store AIPROV_STORE names (a CI secret, kept off the command line)', async () => {
    const fromEnv = await runCli(['report', '--store'], { env: { AIPROV_STORE: path.join(work, 'page.db') } });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(fromEnv.stdout).toMatch(/^Across 2 repositories, AI agents wrote 52\.0% of the 25 lines/);
    const unset = await runCli(['report', '--store'], { env: { AIPROV_STORE: undefined } });
    expect(unset).toMatchObject({ code: 2, stderr: 'aiprov: --store names no store, and AIPROV_STORE is not set\n' });
  });

  it('a store file that does not exist is refused by name, not created empty', async () => {
    const missing = path.join(work, 'nowhere.db');
    const run = await runCli(['report', '--store', missing]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe(`aiprov: ${missing}: no such store\n`);
    expect(() => statSync(missing)).toThrow();
    writeFileSync(path.join(work, 'not-a-db.db'), 'hello');
    const garbage = await runCli(['report', '--store', path.join(work, 'not-a-db.db')]);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/^aiprov: .*not-a-db\.db: .*not a database/);
  });
});
