import { execFileSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';
import { buildDashboardRepo } from './dashboard-repo.js';

let dir: string;
let work: string;

beforeAll(async () => {
  work = await tempDir();
  dir = path.join(work, 'repo');
  await buildDashboardRepo(dir);
});

describe('aiprov report', () => {
  it("--format json is the dashboard's data, valid; the table is the summary line", async () => {
    const json = await runCli(['report', '--repo', dir, '--format', 'json', '--since', '2026-04-01']);
    expect(json.code).toBe(0);
    const data = JSON.parse(json.stdout) as { since: string; totals: { lines: number } };
    expect(validateAgainst('dashboard', data)).toBeNull();
    expect(data).toMatchObject({ since: '2026-04-01T00:00:00.000Z', totals: { lines: 3 } });
    const table = await runCli(['report', '--repo', dir, '--quiet']);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe(
      'AI agents wrote 61.5% of the 13 lines in the tree (2 agents, most by claude-code); 4 AI-written high-risk hunks without a recorded review; gate pass rate 75% (target above 95%), escalation rate 50% (target 5%–15%) over 4 changes.\n',
    );
  });

  it('--html writes aiprov-report.html in the current directory unless told where, and says where', async () => {
    const run = await runCli(['report', '--html', '--repo', dir], { cwd: work });
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toContain(`aiprov: dashboard written to ${path.join(work, 'aiprov-report.html')}\n`);
    expect(await readFile(path.join(work, 'aiprov-report.html'), 'utf8')).toMatch(/^<!doctype html>\n[\s\S]*<\/html>\n$/);
  });

  it('names its inputs by file name, never by the local path they were read from', async () => {
    const audit = await runCli([
      'deps',
      'audit',
      '--repo',
      dir,
      '--offline',
      '--allow-unknown',
      '--no-history',
      '--format',
      'json',
      '--output',
      path.join(work, 'deps.json'),
      '--quiet',
    ]);
    expect(audit.code, audit.stderr).toBe(0);
    const run = await runCli(['report', '--repo', dir, '--format', 'json', '--deps-report', path.join(work, 'deps.json'), '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { dependencies: { file: string } }).dependencies.file).toBe('deps.json');
    expect(run.stdout).not.toContain(work);
  });

  it('a shallow clone is refused with the fix, or counted with --allow-shallow', async () => {
    const shallow = path.join(work, 'shallow');
    execFileSync('git', ['clone', '--quiet', '--depth', '2', `file://${dir}`, shallow]);
    const refused = await runCli(['report', '--repo', shallow, '--quiet']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^aiprov: shallow clone \(history stops at [0-9a-f]{12}\): .* or pass --allow-shallow to count anyway\n$/);
    const allowed = await runCli(['report', '--repo', shallow, '--allow-shallow', '--format', 'json', '--quiet']);
    expect(allowed.code).toBe(0);
    expect((JSON.parse(allowed.stdout) as { totals: { commits: number } }).totals.commits).toBe(2);
  });

  it('bad input: one line naming what is wrong, exit 2, and no page written', async () => {
    const out = path.join(work, 'never.html');
    const notBom = path.join(work, 'not-a-bom.json');
    await writeFile(notBom, 'hello\n');
    const cases: [string[], string][] = [
      [['--since', 'last week'], 'aiprov: --since last week: neither a date (YYYY-MM-DD, or ISO 8601 with a time) nor a revision of the repository\n'],
      [['--format', 'json'], 'aiprov: --html and --format json ask for two formats: choose one\n'],
      [['--deps-report', path.join(work, 'missing.json')], `aiprov: dependency report ${path.join(work, 'missing.json')}: `],
      [['--bom', notBom], `aiprov: SBOM ${notBom}`],
      [['--rev', 'no-such-branch'], 'aiprov: '],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(['report', '--html', '--repo', dir, '--output', out, ...args])));
    for (const [i, [args, stderr]] of cases.entries()) {
      const run = runs[i] ?? { code: -1, stderr: '' };
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.startsWith(stderr), run.stderr).toBe(true);
      expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
      await expect(stat(out)).rejects.toThrow();
    }
  });
});
