import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFindingsRepo, type FindingsRepo } from '../../fixtures/findings-repo.js';
import type { OrgReport } from '../../src/inventory/org-types.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { openStore } from '../../src/store/open.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';
import { backends } from '../store/backends.js';
import { eslintSarif, flawfinderSarif } from './scanners.js';

let repo: FindingsRepo;
let logs: string[];
beforeAll(async () => {
  repo = await buildFindingsRepo(await tempDir());
  const work = await tempDir();
  logs = [path.join(work, 'eslint.sarif'), path.join(work, 'flawfinder.sarif')];
  writeFileSync(logs[0] ?? '', await eslintSarif(repo.dir, ['src', 'lib', 'scratch.js']));
  writeFileSync(logs[1] ?? '', flawfinderSarif(repo.dir, 'native'));
});

describe.each(backends())('scanner findings in the organisation store on $name', (backend) => {
  it('collect --sarif stores them by who wrote their lines; the organisation page shows the densities; the same log again adds nothing', async () => {
    const store = await backend.target('scanner');
    const sarif = logs.flatMap((l) => ['--sarif', l]);
    const collect = ['collect', '--repo', repo.dir, '--store', store, '--repo-url', 'https://example.com/org/app.git', ...sarif, '--format', 'json'];
    const first = await runCli(collect);
    expect(first.code, first.stderr).toBe(0);
    const again = await runCli(collect);
    expect((JSON.parse(again.stdout) as { repositories: { mode: string }[] }).repositories[0]?.mode).toBe('unchanged');

    const db = await openStore({ target: store, cwd: '/', now: new Date() });
    try {
      expect(await db.query("SELECT kind, key, findings, lines FROM scanner_density WHERE kind = 'class' ORDER BY key")).toEqual([
        { kind: 'class', key: 'ai', findings: 4, lines: 16 },
        { kind: 'class', key: 'no-agent', findings: 3, lines: 13 },
      ]);
      expect(await db.query('SELECT COUNT(*) AS n FROM scanner_findings')).toEqual([{ n: 7 }]);
    } finally {
      await db.close();
    }

    const page = await runCli(['report', '--store', store, '--format', 'json']);
    expect(page.code, page.stderr).toBe(0);
    const report = JSON.parse(page.stdout) as OrgReport;
    expect(validateAgainst('orgReport', report)).toBeNull();
    expect(report.scanner).toMatchObject({ repositories: 1, density: { ai: { count: 4, lines: 16 }, noAgent: { count: 3, lines: 13 } } });
    expect(report.scanner?.rows.map((r) => [r.repository, r.tools])).toEqual([['org/app', ['ESLint', 'Flawfinder']]]);
    expect(report.scanner?.inAiLines.total).toBe(5);
    const html = await runCli(['report', '--store', store, '--html', '--output', path.join(await tempDir(), 'org.html')]);
    expect(html.code, html.stderr).toBe(0);
  });

  it('refuses --sarif with --verified-only (a log is not a signed attestation) and with --repos', async () => {
    const store = await backend.target('refused');
    const verified = await runCli(['collect', '--repo', repo.dir, '--store', store, '--verified-only', '--sarif', logs[0] ?? '']);
    expect([verified.code, verified.stderr]).toEqual([
      2,
      'aiprov: --verified-only counts only what signed attestations say, and a SARIF log is not one: drop --sarif\n',
    ]);
    const many = await runCli(['collect', '--repos', 'x.txt', '--store', store, '--sarif', logs[0] ?? '']);
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('--repos collects many repositories: --repo, --repo-url, --deps-report and --sarif name one');
  });
});
