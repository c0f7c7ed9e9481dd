import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateAgainst } from '../../src/kernel/schemas.js';
import type { CollectReport } from '../../src/render/collect-render.js';
import { linearRepo } from '../../fixtures/repos.js';
import { tempDir } from '../helpers.js';
import { runCli } from '../cli/run-cli.js';
import { buildDashboardRepo } from '../dashboard/dashboard-repo.js';
import { backends } from '../store/backends.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('aiprov-collect-cli-');
  await buildDashboardRepo(path.join(dir, 'shop'));
  await linearRepo(path.join(dir, 'lib'), 30);
  mkdirSync(path.join(dir, 'not-a-repo'));
  writeFileSync(path.join(dir, 'repos.txt'), '# the organisation\nshop\nlib\n\nnot-a-repo\nshop\n');
});

describe.each(backends())('aiprov collect --repos into $name', (backend) => {
  it('collects each listed repository once, reports the one it cannot by name, and a second run adds nothing', async () => {
    const env = { AIPROV_STORE: await backend.target('cli') };
    const first = await runCli(['collect', '--repos', 'repos.txt', '--jobs', '2', '--format', 'json'], { cwd: dir, env });
    expect(first.code).toBe(2);
    const report = JSON.parse(first.stdout) as CollectReport;
    expect(validateAgainst('collectReport', report)).toBeNull();
    expect(report.store).not.toMatch(/:[^/@]*@/);
    const byPath = Object.fromEntries(report.repositories.map((r) => [path.basename('path' in r ? r.path : ''), r]));
    expect(Object.keys(byPath).sort()).toEqual(['lib', 'not-a-repo', 'shop']);
    expect(byPath.shop).toMatchObject({ mode: 'first', commits: { added: 6 }, totals: { lines: 13, aiLines: 8 } });
    expect(byPath.lib).toMatchObject({ mode: 'first', commits: { added: 30 }, totals: { commits: 30 } });
    expect(byPath['not-a-repo']).toMatchObject({ error: { code: 'NOT_A_REPOSITORY' } });
    expect(first.stderr).toMatch(/some repositories could not be collected/);

    const second = await runCli(['collect', '--repos', path.join(dir, 'repos.txt'), '--jobs', '2'], { cwd: '/', env });
    expect(second.stdout).toMatch(/shop at [0-9a-f]{12}: unchanged since the last collection; nothing added \(6 commits, 13 lines, 8 AI-written \(61\.5%\)\)/);
    expect(second.stdout).toMatch(/lib at [0-9a-f]{12}: unchanged since the last collection; nothing added/);
    expect(second.stdout).toMatch(/2 of 3 repositories collected into /);
  });
});

describe('aiprov collect: bad input', () => {
  it('a store it cannot reach, a list that is not a file, and flags that name one repository with --repos: one line, exit 2', async () => {
    const unreachable = await runCli(['collect', '--store', 'postgres://ci:hunter2@127.0.0.1:1/org'], { cwd: path.join(dir, 'lib') });
    expect(unreachable).toMatchObject({ code: 2, stdout: '' });
    expect(unreachable.stderr).toMatch(/^aiprov: postgres:\/\/ci@127\.0\.0\.1:1\/org: cannot connect/);
    expect(unreachable.stderr).not.toContain('hunter2');
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    const missing = await runCli(['collect', '--store', path.join(dir, 'x.db'), '--repos', 'nowhere.txt'], { cwd: dir });
    expect(missing).toMatchObject({ code: 2, stderr: 'aiprov: --repos nowhere.txt: no such file\n' });
    const both = await runCli(['collect', '--store', path.join(dir, 'x.db'), '--repos', 'repos.txt', '--deps-report', 'a.json'], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--repos collects many repositories/);
  });
});
