import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { HALLUCINATED_AUDIT } from '../../fixtures/audits.js';
import type { DepsReport } from '../../src/deps/audit.js';
import { collectRepository } from '../../src/inventory/collect.js';
import { attributeFindings } from '../../src/findings/findings.js';
import { parseSarif } from '../../src/findings/sarif.js';
import { fixedClock } from '../../src/kernel/clock.js';
import type { SqlDatabase } from '../../src/store/database.js';
import { openStore } from '../../src/store/open.js';
import { buildDashboardRepo } from '../dashboard/dashboard-repo.js';
import { ctx, tempDir } from '../helpers.js';
import { backends } from '../store/backends.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOW = '2026-04-10T12:00:00Z';

/** The views the README documents, with their columns in order: the interface BI tools read. */
function documentedViews(): Map<string, string[]> {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('#### SQL for BI tools'));
  const views = new Map<string, string[]>();
  for (const m of table.matchAll(/^\| `([a-z_]+)` \| (.+) \|$/gm))
    views.set(
      m[1] ?? '',
      [...(m[2] ?? '').matchAll(/`([a-z0-9_]+)`/g)].map((c) => c[1] ?? ''),
    );
  return views;
}

interface GrafanaPanel {
  title: string;
  type: string;
  targets: { rawSql: string; format: string }[];
}

/** Grafana's PostgreSQL macros, expanded as its documentation says they are (for a fixed, wide time range). */
function expandMacros(sql: string): string {
  return sql
    .replace(/\$__timeFilter\(([^()]*(?:\([^()]*\))?[^()]*)\)/g, "$1 BETWEEN '2000-01-01T00:00:00Z' AND '2100-01-01T00:00:00Z'")
    .replace(/\$__timeGroupAlias\(([a-z_]+), '1w'\)/g, 'floor(extract(epoch from $1)/604800)*604800 AS "time"');
}

let shop: string;
beforeAll(async () => {
  shop = path.join(await tempDir('aiprov-views-'), 'shop');
  await buildDashboardRepo(shop);
});

/** A scanner's log with one finding on the first line of the shop's first file (real scanners' logs are tested in test/findings). */
async function scannerFindings() {
  const [file = ''] = execFileSync('git', ['-C', shop, 'ls-files'], { encoding: 'utf8' }).split('\n');
  const log = {
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'scanner' } },
        results: [{ ruleId: 'r1', message: { text: 'x' }, locations: [{ physicalLocation: { artifactLocation: { uri: file }, region: { startLine: 1 } } }] }],
      },
    ],
  };
  return (await attributeFindings({ context: await ctx(shop), inputs: [parseSarif(JSON.stringify(log), 'scan.sarif')] })).report;
}

async function collected(target: string): Promise<SqlDatabase> {
  const store = await openStore({ target, cwd: '/', now: new Date(NOW) });
  await collectRepository({
    context: await ctx(shop, { clock: fixedClock(NOW) }),
    store,
    repository: { url: 'https://github.com/acme/shop' },
    deps: { report: HALLUCINATED_AUDIT as unknown as DepsReport, file: 'deps.json' },
    findings: await scannerFindings(),
  });
  return store;
}

async function columnsOf(store: SqlDatabase, view: string): Promise<string[]> {
  if (store.dialect === 'sqlite') return (await store.query<{ name: string }>(`SELECT name FROM pragma_table_info('${view}')`)).map((c) => c.name);
  return (
    await store.query<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position', [view])
  ).map((c) => c.column_name);
}

describe.each(backends())('the documented views on $name', (backend) => {
  it('exist with exactly the columns the README lists, and each has rows after a collection', async () => {
    const store = await collected(await backend.target('views'));
    const documented = documentedViews();
    expect([...documented.keys()].sort()).toEqual([
      'ai_share_by_month',
      'commits_by_agent',
      'findings',
      'gate_decisions',
      'lines_by_agent_at_head',
      'record_coverage_by_month',
      'repositories',
      'scanner_density',
    ]);
    for (const [view, columns] of documented) {
      expect(await columnsOf(store, view), view).toEqual(columns);
      expect((await store.query(`SELECT COUNT(*) AS n FROM ${view}`))[0]?.n, view).toBeGreaterThan(0);
    }
    await store.close();
  });

  if (backend.name === 'postgres')
    it("every query of the example Grafana dashboard runs on the store's views and returns rows", async () => {
      const store = await collected(await backend.target('grafana'));
      const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'examples', 'grafana', 'aiprov-inventory.json'), 'utf8')) as { panels: GrafanaPanel[] };
      const views = new Set(documentedViews().keys());
      expect(dashboard.panels.length).toBeGreaterThanOrEqual(8);
      for (const panel of dashboard.panels) {
        for (const target of panel.targets) {
          const read = [...target.rawSql.matchAll(/\b(?:FROM|JOIN)\s+([a-z_]+)/gi)].map((m) => m[1] ?? '');
          for (const name of read) expect(views, `${panel.title}: reads ${name}, not a documented view`).toContain(name);
          const rows = await store.query(expandMacros(target.rawSql));
          expect(rows.length, panel.title).toBeGreaterThan(0);
          if (target.format === 'time_series') expect(Object.keys(rows[0] ?? {}), panel.title).toContain('time');
        }
      }
      await store.close();
    });
});
