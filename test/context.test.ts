import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAt, initRepo } from '../fixtures/repos.js';
import { blameTree } from '../src/blame/blame.js';
import { fixedClock } from '../src/kernel/clock.js';
import { openContext, settingsContext } from '../src/context/context.js';
import { checkNames } from '../src/deps/audit.js';
import type { PackageRegistry } from '../src/deps/registry/types.js';
import { importHistory } from '../src/git/fast-import.js';
import { recordAuthorship } from '../src/record/record.js';
import { tempDir } from './helpers.js';

async function repoWithConfig(config?: string): Promise<string> {
  const dir = await tempDir();
  initRepo(dir);
  await importHistory(dir, [commitAt(0, 'Add a file\n', { files: { 'a.txt': '1\n2\n3\n' } })]);
  if (config !== undefined) await writeFile(path.join(dir, '.aiprov.yml'), config);
  return dir;
}

const fakeNpm = (asked: string[]): PackageRegistry => ({
  ecosystem: 'npm',
  origin: 'fake:',
  lookup: (name) => {
    asked.push(name);
    return Promise.resolve({
      status: 'found',
      info: { name, versionCount: 1, unpublished: false, securityHolding: false, repository: 'x', monthlyDownloads: 1e6 },
    });
  },
});

describe('one context, built once at the top', () => {
  it('opens the repository and reads its config once; config false reads none, so a broken file cannot stop a record', async () => {
    const dir = await repoWithConfig('signatures:\n  - id: mine\n    agent: other\n    subject: "^bot:"\n');
    const context = await openContext({ repo: dir });
    expect(context.git.root).toBe(dir);
    expect(context.configFile).toBe(path.join(dir, '.aiprov.yml'));
    expect(context.config.signatures?.map((s) => s.id)).toEqual(['mine']);

    const broken = await repoWithConfig('signatures: [\n');
    await expect(openContext({ repo: broken })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    const without = await openContext({ repo: broken, config: false });
    expect(without).toMatchObject({ configFile: null, config: {} });
  });

  it("repo and config paths are relative to the environment's cwd, not the process's", async () => {
    const dir = await repoWithConfig();
    await writeFile(path.join(dir, 'elsewhere.yml'), 'deps:\n  failOn: critical\n');
    const context = await openContext({ repo: '.', config: 'elsewhere.yml', env: { cwd: dir } });
    expect(context.git.root).toBe(dir);
    expect(context.config.deps?.failOn).toBe('critical');
  });

  it('without a repository only a config named explicitly is read', async () => {
    const dir = await repoWithConfig('deps:\n  failOn: low\n');
    expect((await settingsContext({ env: { cwd: dir } })).config).toEqual({});
    expect((await settingsContext({ env: { cwd: dir }, config: '.aiprov.yml' })).config).toEqual({ deps: { failOn: 'low' } });
  });

  it('deps check takes files, the cache location and the time from the context', async () => {
    const cwd = await tempDir();
    const home = await tempDir();
    await writeFile(path.join(cwd, 'answer.md'), '```sh\nnpm install left-pad\n```\n');
    const asked: string[] = [];
    const context = await settingsContext({ env: { cwd, home, vars: {} }, clock: fixedClock('2026-01-02T03:04:05Z') });
    const report = await checkNames({ context, names: [], ecosystem: 'npm', fromText: 'answer.md', registries: { npm: fakeNpm(asked) }, npmrcDir: cwd });
    expect(asked).toEqual(['left-pad']);
    expect(report.checkedAt).toBe('2026-01-02T03:04:05.000Z');
    expect((await readdir(path.join(home, '.cache', 'aiprov', 'registry'))).length).toBe(1);
  });

  it('the analyser reads notes afresh each time: a record made through a context counts in a blame through the same one', async () => {
    const dir = await repoWithConfig();
    const context = await openContext({ repo: dir, clock: fixedClock('2026-01-01T00:00:00Z') });
    expect((await blameTree({ context })).totals.aiLines).toBe(0);
    await recordAuthorship({ context, agent: 'codex', files: ['a.txt:2-3'] });
    expect((await blameTree({ context })).totals).toMatchObject({ lines: 3, aiLines: 2, byAgent: { codex: 2 } });
  });
});
