/**
 * Issue 8, item 11: a shallow clone (actions/checkout's default) is detected
 * by every command that needs history: a warning on stderr and in the
 * report, and exit 2 with the fix where the answer would be wrong.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packument } from '../fixtures/registry-server.js';
import { commitAt, initRepo } from '../fixtures/repos.js';
import { fixedClock } from '../src/kernel/clock.js';
import { blameTree } from '../src/blame/blame.js';
import { auditRepository } from '../src/deps/audit.js';
import { importHistory } from '../src/git/fast-import.js';
import { runCli } from './cli/run-cli.js';
import { NOW, npmConfigDir, registry, settingsFor } from './deps/helpers.js';
import { ctx, tempDir } from './helpers.js';

const server = await registry({ npm: { express: packument('express'), zod: packument('zod') }, downloads: { express: 90_000_000, zod: 20_000_000 } });
let shallow: string;

beforeAll(async () => {
  const full = await tempDir();
  initRepo(full);
  await importHistory(full, [
    commitAt(0, 'Start\n', { files: { 'package.json': '{"name":"svc","dependencies":{"express":"^5"}}\n', 'a.txt': 'one\ntwo\nthree\n' } }),
    commitAt(1, 'AI change\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n', { files: { 'b.txt': 'four\nfive\n' } }),
    commitAt(2, 'Add zod\n', { files: { 'package.json': '{"name":"svc","dependencies":{"express":"^5","zod":"^3"}}\n' } }),
  ]);
  shallow = path.join(await tempDir(), 'clone');
  execFileSync('git', ['clone', '--quiet', '--depth', '1', `file://${full}`, shallow]);
});

describe('a shallow clone', () => {
  it('blame refuses without --since, with the fix; --allow-shallow counts and warns', async () => {
    const context = await ctx(shallow);
    await expect(blameTree({ context })).rejects.toMatchObject({
      code: 'SHALLOW_REPOSITORY',
      exitCode: 2,
      message: expect.stringContaining('fetch-depth: 0, or git fetch --unshallow') as unknown,
    });
    const allowed = await blameTree({ context, allowShallow: true });
    expect(allowed.warnings.map((w) => w.code)).toContain('SHALLOW');
  });

  it('the CLI: exit 2 and one line naming the fix', async () => {
    const run = await runCli(['blame', '--repo', shallow]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^aiprov: shallow clone \(history stops at [0-9a-f]{12}\): .*fetch-depth: 0.*--allow-shallow to count anyway\n$/);
    const allowed = await runCli(['blame', '--repo', shallow, '--allow-shallow']);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('warning: shallow clone');
  });

  it('deps audit names no introducer it cannot know, and says so', async () => {
    const { env } = await npmConfigDir(server);
    const report = await auditRepository({
      context: await ctx(shallow, { clock: fixedClock(NOW), env: { vars: env } }),
      cacheDir: await tempDir('aiprov-cache-'),
      settings: settingsFor(server),
    });
    expect(report.dependencies.filter((d) => d.introducedBy !== undefined)).toEqual([]);
    expect(report.warnings).toContainEqual({ code: 'SHALLOW', message: expect.stringContaining('the commit that introduced 2 names is not known') as unknown });
  });
});
