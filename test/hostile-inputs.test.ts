/**
 * Issue 8, items 6, 12 and 14: unbounded reads, half-done installs, and the
 * rest of the one-line promise (a named file, exit 2, never "internal error").
 */
import { execFileSync } from 'node:child_process';
import { chmod, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAt, initRepo } from '../fixtures/repos.js';
import { CachedRegistry } from '../src/deps/registry/cache.js';
import { fixedClock } from '../src/kernel/clock.js';
import { importHistory } from '../src/git/fast-import.js';
import { runCli } from './cli/run-cli.js';
import { tempDir } from './helpers.js';

const isRoot = process.getuid?.() === 0;

async function repo(): Promise<string> {
  const dir = await tempDir();
  initRepo(dir);
  await importHistory(dir, [commitAt(0, 'Start\n')]);
  return dir;
}

describe('unbounded reads (item 6)', () => {
  it('record --prompt-file /dev/zero is refused as not a regular file, at once', async () => {
    const dir = await repo();
    const run = await runCli(['record', '--repo', dir, '--agent', 'cursor', '--prompt-file', '/dev/zero']);
    expect(run).toMatchObject({ code: 2, stderr: 'aiprov: --prompt-file /dev/zero: is not a regular file (a device, FIFO or socket)\n' });
  });

  it('a FIFO as --prompt-file is refused at once, not waited on', async () => {
    const dir = await repo();
    const fifo = path.join(await tempDir(), 'prompt.fifo');
    execFileSync('mkfifo', [fifo]);
    const run = await runCli(['record', '--repo', dir, '--agent', 'cursor', '--prompt-file', fifo]);
    expect(run).toMatchObject({ code: 2, stderr: `aiprov: --prompt-file ${fifo}: is not a regular file (a device, FIFO or socket)\n` });
  });

  it('.aiprov.yml linked to /dev/urandom is refused, naming the file', async () => {
    const dir = await repo();
    await symlink('/dev/urandom', path.join(dir, '.aiprov.yml'));
    const run = await runCli(['scan', '--repo', dir]);
    expect(run).toMatchObject({ code: 2, stderr: `aiprov: ${path.join(dir, '.aiprov.yml')}: is not a regular file (a device, FIFO or socket)\n` });
  });

  it('demo --dir and --cache-dir under /proc give up with one line instead of looping', async () => {
    const demo = await runCli(['demo', '--dir', '/proc/aiprov-nothing/x']);
    expect(demo.code).toBe(2);
    expect(demo.stderr).toMatch(/^aiprov: --dir \/proc\/aiprov-nothing\/x: cannot create \/proc\/aiprov-nothing \(\w+\)\n$/);
    const cache = new CachedRegistry(
      {
        ecosystem: 'npm',
        origin: 'x',
        lookup: () => Promise.resolve({ status: 'found', info: { name: 'x', versionCount: 1, unpublished: false, securityHolding: false } }),
      },
      '/proc/aiprov-nothing/cache',
      1000,
      false,
      fixedClock('2026-01-01T00:00:00Z'),
    );
    await expect(cache.lookup('x')).rejects.toThrow(
      /^cacheDir \/proc\/aiprov-nothing\/cache: cannot be used as the registry cache: cannot create \/proc\/aiprov-nothing/,
    );
  });
});

describe('all or nothing (item 12)', () => {
  it('hooks install with a leftover backup of one hook installs none of them', async () => {
    const dir = await repo();
    const hooks = path.join(dir, '.git', 'hooks');
    await writeFile(path.join(hooks, 'post-rewrite'), '#!/bin/sh\necho mine\n', { mode: 0o755 });
    await writeFile(path.join(hooks, 'post-rewrite.pre-aiprov'), '#!/bin/sh\necho older\n', { mode: 0o755 });
    const before = (await readdir(hooks)).sort();
    const run = await runCli(['hooks', 'install', '--repo', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('already exists; move one of them aside first (nothing was installed)');
    expect((await readdir(hooks)).sort()).toEqual(before);
    expect(await readFile(path.join(hooks, 'post-rewrite'), 'utf8')).toBe('#!/bin/sh\necho mine\n');
  });
});

describe('the one-line promise (item 14)', () => {
  it('a billion-laughs .aiprov.yml is a config error naming the file', async () => {
    const dir = await repo();
    const laughs = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array.from({ length: 9 }, () => `*${'abcdefg'.charAt(i)}`).join(',')}]`),
    ].join('\n');
    await writeFile(path.join(dir, '.aiprov.yml'), `${laughs}\n`);
    const run = await runCli(['scan', '--repo', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^aiprov: ${path.join(dir, '.aiprov.yml').replace(/[.]/g, '\\.')}: Excessive alias count`));
  });

  it('a cache entry that is not JSON, or of another shape, is a miss and is written anew', async () => {
    const dir = await tempDir();
    let asked = 0;
    const inner = {
      ecosystem: 'npm' as const,
      origin: 'o',
      lookup: () => {
        asked++;
        return Promise.resolve({ status: 'found' as const, info: { name: 'left-pad', versionCount: 1, unpublished: false, securityHolding: false } });
      },
    };
    const cache = new CachedRegistry(inner, dir, 3_600_000, false, fixedClock('2026-01-01T00:00:00Z'));
    await cache.lookup('left-pad');
    const [entry] = await readdir(dir);
    for (const garbage of ['{not json', '{"fetchedAt": 3, "lookup": {}}', '{"fetchedAt": "2026-01-01T00:00:00Z", "lookup": {"status": "found"}}']) {
      await writeFile(path.join(dir, entry ?? ''), garbage);
      expect((await cache.lookup('left-pad')).status).toBe('found');
    }
    expect(asked).toBe(4);
    expect(JSON.parse(await readFile(path.join(dir, entry ?? ''), 'utf8'))).toMatchObject({ lookup: { status: 'found' } });
  });

  it('--cache-dir that is a file is a one-line error naming it', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    const cache = new CachedRegistry(
      { ecosystem: 'npm', origin: 'x', lookup: () => Promise.resolve({ status: 'not-found' }) },
      file,
      1000,
      false,
      fixedClock('2026-01-01T00:00:00Z'),
    );
    await expect(cache.lookup('x')).rejects.toThrow(`cacheDir ${file}: cannot be used as the registry cache: ${file} is not a directory`);
  });

  it.runIf(!isRoot)('a read-only --cache-dir and a hooks directory without write permission are one-line errors', async () => {
    const dir = await tempDir();
    await chmod(dir, 0o500);
    const cache = new CachedRegistry(
      { ecosystem: 'npm', origin: 'x', lookup: () => Promise.resolve({ status: 'not-found' }) },
      dir,
      1000,
      false,
      fixedClock('2026-01-01T00:00:00Z'),
    );
    await expect(cache.lookup('x')).rejects.toThrow(`cacheDir ${dir}: cannot be written to (EACCES)`);
    const target = await repo();
    await chmod(path.join(target, '.git', 'hooks'), 0o500);
    const run = await runCli(['hooks', 'install', '--repo', target]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nothing was installed');
  });

  it.runIf(isRoot)('dubious ownership is named as such, with the fix, not "not a git repository"', async () => {
    const dir = await repo();
    execFileSync('chown', ['-R', 'nobody', dir]);
    const run = await runCli(['scan', '--repo', dir], { env: { HOME: await tempDir() } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `aiprov: ${dir}: git refuses a repository owned by another user (dubious ownership); if you trust it: git config --global --add safe.directory ${dir}\n`,
    );
  });
});
