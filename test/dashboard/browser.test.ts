/// <reference lib="dom" />
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/authorship/types.js';
import type { BlameReport } from '../../src/blame/types.js';
import { collectDashboard } from '../../src/dashboard/collect.js';
import type { DepsReport } from '../../src/deps/audit.js';
import { renderDashboardHtml } from '../../src/render/dashboard-page.js';
import { chromiumPath, launchBrowser, openOffline, screenshot, type OpenedPage } from '../browser.js';
import { runCli } from '../cli/run-cli.js';
import { ctx, tempDir } from '../helpers.js';
import { buildDashboardRepo, HOSTILE_PATH } from './dashboard-repo.js';

let browser: Browser;
let dir: string;
let file: string;
let scan: ScanReport;
let blame: BlameReport;
let opened: OpenedPage;

beforeAll(async () => {
  // No browser, no pass: launchBrowser throws, and every test below fails with the reason.
  browser = await launchBrowser();
  const work = await tempDir();
  dir = path.join(work, 'repo');
  await buildDashboardRepo(dir);
  file = path.join(work, 'dashboard.html');
  const made = await runCli(['report', '--html', '--repo', dir, '--output', file]);
  expect(made).toMatchObject({ code: 0, stdout: '' });
  expect(made.stderr).toContain(`aiprov: dashboard written to ${file}`);
  // The JSON reports of the same repository, as a user gets them.
  const [scanned, blamed] = await Promise.all([runCli(['scan', '--repo', dir, '--format', 'json']), runCli(['blame', '--repo', dir, '--format', 'json'])]);
  [scan, blame] = [JSON.parse(scanned.stdout) as ScanReport, JSON.parse(blamed.stdout) as BlameReport];
  opened = await openOffline(browser, file);
}, 60_000);

afterAll(async () => {
  await browser.close();
});

const metric = (page: Page, name: string): Promise<string | null> => page.$eval(`[data-metric="${name}"]`, (e) => e.getAttribute('data-value'));
const rows = (page: Page, table: string): Promise<string[][]> =>
  page.$$eval(`#${table} tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));

describe('the dashboard in Chromium, opened from disk with the network refused', () => {
  it('loads with no console error, failed or outside request, and shows the numbers the scan and blame JSON reports give', async () => {
    const { page, problems } = opened;
    expect(problems).toEqual([]);
    expect(await metric(page, 'ai-share')).toBe(String(blame.totals.aiShare));
    expect(await metric(page, 'lines')).toBe(String(blame.totals.lines));
    expect(await metric(page, 'ai-lines')).toBe(String(blame.totals.aiLines));
    expect(await metric(page, 'commits')).toBe(String(scan.summary.commits));
    expect(await page.$eval('#summary', (e) => e.textContent)).toContain(
      `AI agents wrote ${(blame.totals.aiShare * 100).toFixed(1)}% of the ${blame.totals.lines} lines in the tree`,
    );
    const agents = await rows(page, 'agents-table');
    for (const [agent, summary] of Object.entries(scan.summary.byAgent)) {
      const row = agents.find((r) => r[0] === agent && r[1] === 'all models');
      expect(row?.slice(2, 4), agent).toEqual([String(summary.commits), String(blame.totals.byAgent[agent] ?? 0)]);
    }
    const weeks = await rows(page, 'timeline-week-table');
    expect(weeks.reduce((n, r) => n + Number(r[1]), 0)).toBe(blame.totals.lines);
    expect(weeks.reduce((n, r) => n + Number(r[2]), 0)).toBe(blame.totals.aiLines);
    const tree = await rows(page, 'tree-table');
    const src = blame.files.filter((f) => f.path.startsWith('src/'));
    expect(tree.find((r) => r[0] === 'src/')?.slice(1, 4)).toEqual([
      String(src.length),
      String(src.reduce((n, f) => n + f.lines, 0)),
      String(src.reduce((n, f) => n + f.aiLines, 0)),
    ]);
    expect((await rows(page, 'hunks-table')).map((r) => [r[0], r[1]])).toEqual([
      ['src/db.ts:1-2', 'sql-strings'],
      ['src/auth/token.ts:1', 'auth'],
      ['src/auth/session.ts:1-2', 'auth'],
      ['src/auth/login.ts:1-3', 'auth'],
    ]);
    expect(await metric(page, 'pass-rate')).toBe('0.75');
    expect(await metric(page, 'escalation-rate')).toBe('0.5');
    expect(await rows(page, 'findings-table')).toEqual([
      ['secret', 'critical', '1'],
      ['sql-strings', 'high', '1'],
    ]);
    await screenshot(page, 'dashboard-light');
  });

  it('is usable from the keyboard: a skip link first, the week/month switch by Enter, tables sorted by their header buttons', async () => {
    const { page } = await openOffline(browser, file);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to the summary');
    let guard = 0;
    while ((await page.evaluate(() => document.activeElement?.textContent)) !== 'By month' && guard++ < 30) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await page.$eval('#timeline-month', (e) => (e as HTMLElement).hidden)).toBe(false);
    expect(await page.$eval('#timeline-week', (e) => (e as HTMLElement).hidden)).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-pressed'))).toBe('true');
    await page.click('#agents-table th:nth-child(4) button');
    const lines = (await rows(page, 'agents-table')).map((r) => Number(r[3]));
    expect(lines).toEqual([...lines].sort((a, b) => b - a));
    // Each chart is reachable and named for those who cannot see it.
    const labels = await page.$$eval('figure[tabindex="0"]', (fs) => fs.map((f) => f.getAttribute('aria-label') ?? ''));
    expect(labels.length).toBeGreaterThanOrEqual(3);
    expect(labels.every((l) => l.length > 20)).toBe(true);
    await page.close();
  });

  it('reads in dark mode and prints: colours follow the system, the controls go, both timelines and every table show', async () => {
    const dark = await openOffline(browser, file, { dark: true });
    expect(dark.problems).toEqual([]);
    expect(await dark.page.$eval('body', (b) => getComputedStyle(b).backgroundColor)).toBe('rgb(13, 17, 23)');
    expect(await opened.page.$eval('body', (b) => getComputedStyle(b).backgroundColor)).toBe('rgb(255, 255, 255)');
    await screenshot(dark.page, 'dashboard-dark');
    await dark.page.emulateMediaType('print');
    expect(await dark.page.$eval('body', (b) => getComputedStyle(b).backgroundColor)).toBe('rgb(255, 255, 255)');
    expect(await dark.page.$eval('nav', (n) => getComputedStyle(n).display)).toBe('none');
    expect(await dark.page.$eval('#timeline-month', (n) => getComputedStyle(n).display)).toBe('block');
    await dark.page.evaluate(() => {
      window.dispatchEvent(new Event('beforeprint'));
    });
    expect(await dark.page.$$eval('details', (ds) => ds.every((d) => d.open))).toBe(true);
    const pdf = await dark.page.pdf({ format: 'A4' });
    expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    await dark.page.close();
  });

  it('a file named as markup is shown as text: no element, script or dialog comes from the repository', async () => {
    const { page, problems } = opened;
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    const titles = await page.$$eval('#treemap title', (ts) => ts.map((t) => t.textContent));
    expect(titles.some((t) => t.startsWith(HOSTILE_PATH))).toBe(true);
    expect(problems.filter((p) => p.startsWith('dialog'))).toEqual([]);
    // The page's data survives whole: the path did not close its script element.
    const embedded = await page.$eval('#aiprov-data', (e) => e.textContent);
    expect(embedded).not.toContain('</script>');
    expect(JSON.stringify(JSON.parse(embedded) as unknown)).toContain(JSON.stringify(HOSTILE_PATH).slice(1, -1));
  });

  it("with an audit and an AI-BOM: the dependency findings with who introduced them, and the BOM's figures", async () => {
    const data = await collectDashboard({
      context: await ctx(dir),
      now: new Date('2026-04-10T12:00:00Z'),
      deps: {
        file: 'deps.json',
        report: {
          dependencies: [
            {
              ecosystem: 'npm',
              name: 'react-magic-helpers',
              spec: '^2.0.0',
              sources: [{ file: 'package.json', line: 4, kind: 'manifest' }],
              verdict: 'hallucinated',
              findings: [{ id: 'not-found', severity: 'critical', message: 'no such package' }],
              unknownSignals: [],
              introducedBy: { sha: 'b'.repeat(40), ai: true, agents: ['claude-code'], subject: 'Add <b>helpers</b>' },
            },
          ],
        } as unknown as DepsReport,
      },
      bom: {
        file: 'bom.cdx.json',
        sbom: {
          specVersion: '1.6',
          serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
          components: [{ type: 'machine-learning-model' }, { type: 'library' }],
          vulnerabilities: [{}],
        },
      },
    });
    const page2 = path.join(path.dirname(file), 'with-deps.html');
    await writeFile(page2, renderDashboardHtml(data));
    const { page, problems } = await openOffline(browser, page2);
    expect(problems).toEqual([]);
    expect(await rows(page, 'deps-table')).toEqual([
      ['npm:react-magic-helpers@^2.0.0', 'hallucinated', 'not-found', 'package.json:4', `${'b'.repeat(12)} claude-code: Add <b>helpers</b>`],
    ]);
    expect(await page.$eval('#bom', (e) => e.textContent)).toContain(
      'bom.cdx.json: CycloneDX 1.6, urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79; 2 components, 1 models, 1 vulnerabilities.',
    );
    expect(await page.$eval('#summary', (e) => e.textContent)).toContain('1 suspect dependency');
    await page.close();
  });

  it("the harness sees what it guards against: an outside request, a console error; and the page's own policy refuses what was injected into it", async () => {
    const plain = path.join(path.dirname(file), 'plain.html');
    await writeFile(plain, '<!doctype html><title>t</title><img src="http://example.com/x.png" alt=""><script>console.error("boom")</script>');
    const first = await openOffline(browser, plain);
    expect(first.problems).toContain('request: http://example.com/x.png');
    expect(first.problems).toContain('console error: boom');
    await first.page.close();
    const bad = path.join(path.dirname(file), 'bad.html');
    const html = renderDashboardHtml(await collectDashboard({ context: await ctx(dir), now: new Date() }));
    await writeFile(bad, html.replace('</main>', '</main><img src="http://example.com/x.png" alt=""><script>console.error("boom")</script>'));
    const second = await openOffline(browser, bad);
    // Neither is let through: the content security policy blocks the image and the script that is not the page's own, and says so.
    expect(second.problems.filter((p) => p.includes('violates the following Content Security Policy directive'))).toHaveLength(2);
    expect(second.problems.some((p) => p.includes('boom') || p.startsWith('request:'))).toBe(false);
    await second.page.close();
  });

  it('a missing browser is an error that says how to get one, never a skip', () => {
    expect(() => chromiumPath({ AIPROV_CHROMIUM: '/nonexistent/chromium' })).toThrow('AIPROV_CHROMIUM=/nonexistent/chromium: no such file');
    expect(chromiumPath({})).toMatch(/chrom/);
  });
});
