import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBlameRepo, type BlameRepo } from '../../fixtures/blame-repo.js';
import { blameTree, type BlameOptions } from '../../src/blame/blame.js';
import type { CacheStats } from '../../src/blame/groups-cache.js';
import { DirectoryCache, type CacheStore } from '../../src/kernel/cache-store.js';
import { ctx, tempDir } from '../helpers.js';
import { runCli } from '../cli/run-cli.js';

let repo: BlameRepo;
beforeAll(async () => {
  repo = await buildBlameRepo(await tempDir());
});

/** A blame through a cache in `dir`, with what the cache saved and the warnings it gave. */
async function cachedBlame(repoDir: string, dir: string, options: Omit<BlameOptions, 'context'> = {}) {
  const warnings: string[] = [];
  let stats: CacheStats | undefined;
  const store = new DirectoryCache(dir, 64 * 1024 * 1024, (m) => warnings.push(m));
  const report = await blameTree({
    context: await ctx(repoDir),
    ...options,
    cache: { store, onWarning: (m) => warnings.push(m) },
    onCache: (s) => {
      stats = s;
    },
  });
  return { report, stats, warnings };
}

const uncached = async (repoDir: string, options: Omit<BlameOptions, 'context'> = {}) => blameTree({ context: await ctx(repoDir), ...options });

function git(dir: string, args: string[], date = '2024-03-01T10:00:00Z'): string {
  const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_AUTHOR_NAME: 'Ann', GIT_AUTHOR_EMAIL: 'ann@example.com' };
  return execFileSync('git', ['-C', dir, '-c', 'user.name=Ann', '-c', 'user.email=ann@example.com', ...args], { env, encoding: 'utf8' }).trim();
}

async function commitFile(dir: string, file: string, text: string, message: string, date?: string): Promise<string> {
  await writeFile(path.join(dir, file), text);
  git(dir, ['add', '--', file]);
  git(dir, ['commit', '-q', '-m', message], date);
  return git(dir, ['rev-parse', 'HEAD']);
}

describe('the blame cache', () => {
  it('gives the same report cold, warm and without it, on the labeled fixture, at every revision', async () => {
    const dir = await tempDir();
    for (const rev of repo.shas) {
      const expected = await uncached(repo.dir, { rev, includeAll: true, contributors: true });
      const cold = await cachedBlame(repo.dir, dir, { rev, includeAll: true, contributors: true });
      const warm = await cachedBlame(repo.dir, dir, { rev, includeAll: true, contributors: true });
      expect(cold.report).toEqual(expected);
      expect(warm.report).toEqual(expected);
      expect(warm.stats).toMatchObject({ base: rev, blamed: 0 });
      expect(warm.stats?.reused).toBe(expected.files.length);
      expect([...cold.warnings, ...warm.warnings]).toEqual([]);
    }
  });

  it('after new commits blames only the files they changed, and the report is the uncached one', async () => {
    const dir = await tempDir();
    const base = repo.shas[4] ?? '';
    await cachedBlame(repo.dir, dir, { rev: base, includeAll: true });
    const head = repo.shas[7] ?? '';
    const later = await cachedBlame(repo.dir, dir, { rev: head, includeAll: true });
    expect(later.report).toEqual(await uncached(repo.dir, { rev: head, includeAll: true }));
    const changed = new Set(
      git(repo.dir, ['log', '--format=', '--name-only', '--first-parent', '--diff-merges=first-parent', `${base}..${head}`])
        .split('\n')
        .filter(Boolean),
    );
    const files = later.report.files.map((f) => f.path);
    expect(later.stats).toEqual({ base, blamed: files.filter((f) => changed.has(f)).length, reused: files.filter((f) => !changed.has(f)).length });
    expect(later.stats?.reused).toBeGreaterThan(0);
    expect(later.stats?.blamed).toBeGreaterThan(0);
  });

  it('blames again a file restored to its cached content: off the first-parent path, and changed then restored on it', async () => {
    const dir = await tempDir('aiprov-cache-revert-');
    git(dir, ['init', '-q', '-b', 'main']);
    const a = await commitFile(dir, 'f.ts', 'one\ntwo\nthree\n', 'A', '2024-01-01T00:00:00Z');
    await commitFile(dir, 'f.ts', 'one\nTWO\nthree\n', 'B', '2024-01-02T00:00:00Z');
    const c = await commitFile(dir, 'f.ts', 'one\ntwo\nthree\n', 'C restores A', '2024-01-03T00:00:00Z');
    git(dir, ['checkout', '-q', '-b', 'side', a]);
    await commitFile(dir, 'g.ts', 'g\n', 'D', '2024-01-04T00:00:00Z');
    git(dir, ['merge', '-q', '--no-edit', 'main'], '2024-01-05T00:00:00Z');
    const cache = await tempDir();
    // f.ts at C is the same blob as at the merge, but blame gives C's restored line to C there and to A here.
    const atC = await cachedBlame(dir, cache, { rev: c });
    const merged = await cachedBlame(dir, cache);
    expect(merged.report).toEqual(await uncached(dir));
    expect(merged.stats?.base).toBeNull();
    expect(atC.report.files.find((f) => f.path === 'f.ts')).toMatchObject({ lines: 3 });
    const groups: string[] = [];
    await blameTree({ context: await ctx(dir), onGroup: (file, g) => groups.push(`${file}:${g.sha.slice(0, 7)}:${g.lines}`) });
    expect(groups).toContain(`f.ts:${a.slice(0, 7)}:3`);

    // On the first-parent path too: a file changed and restored since the cached revision is blamed again.
    await commitFile(dir, 'f.ts', 'one\nTWO\nthree\n', 'E', '2024-01-06T00:00:00Z');
    const restored = await commitFile(dir, 'f.ts', 'one\ntwo\nthree\n', 'F restores', '2024-01-07T00:00:00Z');
    const afterRestore = await cachedBlame(dir, cache);
    expect(afterRestore.report).toEqual(await uncached(dir));
    expect(afterRestore.stats).toMatchObject({ base: git(dir, ['rev-parse', 'HEAD~2']), blamed: 1, reused: 1 });
    const restoredGroups: string[] = [];
    await blameTree({ context: await ctx(dir), paths: ['f.ts'], onGroup: (_file, g) => restoredGroups.push(g.sha) });
    expect(restoredGroups).toContain(restored);
  });

  it('after a merge, reuses what main changed before the cached revision; blames what the merge brought', async () => {
    const dir = await tempDir('aiprov-cache-merge-');
    git(dir, ['init', '-q', '-b', 'main']);
    await commitFile(dir, 'x.ts', 'x1\n', 'X', '2024-01-01T00:00:00Z');
    await commitFile(dir, 'y.ts', 'y1\n', 'Y', '2024-01-02T00:00:00Z');
    git(dir, ['checkout', '-q', '-b', 'topic']);
    await commitFile(dir, 'y.ts', 'y1\ny2\n', 'Y on the topic', '2024-01-03T00:00:00Z');
    git(dir, ['checkout', '-q', 'main']);
    await commitFile(dir, 'x.ts', 'x1\nx2\n', 'X on main', '2024-01-04T00:00:00Z');
    const base = await commitFile(dir, 'z.ts', 'z1\n', 'Z', '2024-01-05T00:00:00Z');
    const cache = await tempDir();
    await cachedBlame(dir, cache);
    git(dir, ['merge', '-q', '--no-ff', '--no-edit', 'topic'], '2024-01-06T00:00:00Z');
    const merged = await cachedBlame(dir, cache);
    expect(merged.report).toEqual(await uncached(dir));
    // x.ts differs between the topic and main, so git log -m lists it; against the merge's first parent it is unchanged.
    expect(git(dir, ['log', '-m', '--format=', '--name-only', `${base}..HEAD`]).split('\n')).toContain('x.ts');
    expect(merged.stats).toEqual({ base, blamed: 1, reused: 2 });
  });

  it('asks git again whether a reused file is binary once a .gitattributes changed', async () => {
    const dir = await tempDir('aiprov-cache-attributes-');
    git(dir, ['clone', '-q', repo.dir, '.']);
    const cache = await tempDir();
    await cachedBlame(dir, cache);
    const attributes = await readFile(path.join(dir, '.gitattributes'), 'utf8').catch(() => '');
    await commitFile(dir, '.gitattributes', `${attributes}b.ts binary\n`, 'b.ts is binary now');
    const later = await cachedBlame(dir, cache);
    expect(later.report).toEqual(await uncached(dir));
    expect(later.report.excluded).toContainEqual({ path: 'b.ts', reason: 'binary' });
    expect(later.stats?.reused).toBeGreaterThan(0);
  });

  it('keys entries by the blame settings: another diff algorithm, a replaced commit or other ignored revisions are a miss; a credential is not', async () => {
    const dir = await tempDir('aiprov-cache-settings-');
    git(dir, ['clone', '-q', repo.dir, '.']);
    const cache = await tempDir();
    await cachedBlame(dir, cache);
    git(dir, ['config', 'diff.algorithm', 'patience']);
    expect((await cachedBlame(dir, cache)).stats).toMatchObject({ base: null, reused: 0 });
    git(dir, ['config', 'http.extraHeader', 'AUTHORIZATION: basic c2VjcmV0']);
    expect((await cachedBlame(dir, cache)).stats?.blamed).toBe(0);
    git(dir, ['replace', '--graft', repo.shas[6] ?? '', repo.shas[3] ?? '']);
    const replaced = await cachedBlame(dir, cache);
    expect(replaced.stats).toMatchObject({ base: null, reused: 0 });
    expect(replaced.report).toEqual(await uncached(dir));
    // Ignored revisions: naming the file, and then changing what it lists, are each a miss.
    await writeFile(path.join(dir, '.ignore-revs'), '');
    git(dir, ['config', 'blame.ignoreRevsFile', '.ignore-revs']);
    expect((await cachedBlame(dir, cache)).stats).toMatchObject({ base: null, reused: 0 });
    await writeFile(path.join(dir, '.ignore-revs'), `${repo.shas[7] ?? ''}\n`);
    const ignoring = await cachedBlame(dir, cache);
    expect(ignoring.stats).toMatchObject({ base: null, reused: 0 });
    expect(ignoring.report).toEqual(await uncached(dir));
  });

  it('ignores a corrupt entry and a foreign one with a warning (then the next whole one back), and answers as without the cache', async () => {
    const cache = await tempDir();
    const expected = await uncached(repo.dir);
    await cachedBlame(repo.dir, cache);
    // Corrupt: the content file's bytes changed under its digest.
    const content = path.join(cache, 'content-v2');
    const files = (await readdir(content, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(files).toHaveLength(1);
    const file = path.join(files[0]?.parentPath ?? '', files[0]?.name ?? '');
    const original = await readFile(file);
    await writeFile(file, Buffer.from(original.toString('utf8').replace(/"[0-9a-f]{40}"/, `"${'0'.repeat(40)}"`)));
    const corrupt = await cachedBlame(repo.dir, cache);
    expect(corrupt.report).toEqual(expected);
    expect(corrupt.warnings).toEqual([expect.stringMatching(/^cache entry blame\/[0-9a-f]{64}\/[0-9a-f]{40} in .* is corrupt and was ignored$/)]);
    expect(corrupt.stats).toMatchObject({ base: null, reused: 0 });
    // Foreign: a whole, valid entry of another revision stored under this revision's key.
    const store = new DirectoryCache(cache, 1 << 26);
    const [key] = await store.keys('blame/');
    const older = await cachedBlame(repo.dir, cache, { rev: repo.shas[2] ?? '' });
    const [olderKey] = (await store.keys('blame/')).filter((k) => k !== key);
    await store.put(key ?? '', (await store.get(olderKey ?? '')) ?? Buffer.alloc(0));
    const foreign = await cachedBlame(repo.dir, cache);
    expect(older.warnings).toEqual([]);
    expect(foreign.report).toEqual(expected);
    expect(foreign.warnings).toEqual([expect.stringContaining(`was ignored: it is of ${repo.shas[2] ?? ''}, not ${repo.shas[7] ?? ''}`)]);
    // The revision's own entry ignored, the nearest whole one on its first-parent path is used.
    expect(foreign.stats?.base).toBe(repo.shas[2]);
    expect(foreign.stats?.reused).toBeGreaterThan(0);
  });

  it('is no cache when it cannot be opened: a warning, and the answer as without it', async () => {
    const warnings: string[] = [];
    const broken: CacheStore = {
      location: '/nowhere',
      get: () => Promise.resolve(undefined),
      put: () => Promise.resolve(),
      keys: () => Promise.reject(new Error('EACCES: permission denied')),
    };
    const report = await blameTree({ context: await ctx(repo.dir), cache: { store: broken, onWarning: (m) => warnings.push(m) } });
    expect(report).toEqual(await uncached(repo.dir));
    expect(warnings).toEqual(['the blame cache in /nowhere was not used: EACCES: permission denied']);
  });

  it('is shared by concurrent runs, and kept under its size limit oldest first', async () => {
    const cache = await tempDir();
    const runs = await Promise.all(repo.shas.slice(3).map((rev) => cachedBlame(repo.dir, cache, { rev })));
    for (const [i, run] of runs.entries()) expect(run.report).toEqual(await uncached(repo.dir, { rev: repo.shas[3 + i] ?? '' }));
    const store = new DirectoryCache(cache, 1 << 26);
    expect((await store.keys('blame/')).length).toBe(5);
    const { bytes } = await store.usage();
    const small = new DirectoryCache(cache, bytes - 1);
    await small.put('other/newest', Buffer.from('x'));
    const kept = await store.keys('');
    expect(kept).toContain('other/newest');
    expect(kept.length).toBeLessThan(6);
    expect((await store.usage()).bytes).toBeLessThan(bytes);
    await store.clear();
    expect(await store.usage()).toEqual({ entries: 0, bytes: 0 });
  });
});

describe('aiprov cache, and the cache flags', () => {
  it('keeps blame results in the git directory by default, or where AIPROV_BLAME_CACHE says; --no-blame-cache and AIPROV_BLAME_CACHE=off keep nothing', async () => {
    const dir = await tempDir('aiprov-cache-cli-');
    git(dir, ['clone', '-q', repo.dir, '.']);
    const env = { AIPROV_BLAME_CACHE: undefined };
    const first = await runCli(['blame', '--repo', dir, '--format', 'json'], { env });
    const second = await runCli(['blame', '--repo', dir, '--format', 'json'], { env });
    expect([first.code, second.code, second.stderr]).toEqual([0, 0, '']);
    expect(second.stdout).toBe(first.stdout);
    const location = path.join(dir, '.git', 'aiprov', 'cache');
    const info = await runCli(['cache', 'info', '--repo', dir], { env });
    expect(info).toEqual({ code: 0, stdout: `${location}\n1 entries, 0.0 MB\n`, stderr: '' });
    // The dashboard and the BOM of the same revision blame nothing again: still one entry, the same.
    expect((await runCli(['report', '--repo', dir, '--format', 'json'], { env })).code).toBe(0);
    expect((await runCli(['bom', '--repo', dir, '--output', path.join(await tempDir(), 'bom.cdx.json')], { env })).code).toBe(0);
    expect((await runCli(['cache', 'info', '--repo', dir], { env })).stdout).toBe(`${location}\n1 entries, 0.0 MB\n`);

    const elsewhere = await tempDir();
    const moved = await runCli(['blame', '--repo', dir, '--rev', repo.shas[3] ?? '', '--format', 'json'], { env: { AIPROV_BLAME_CACHE: elsewhere } });
    expect(moved.code).toBe(0);
    expect((await runCli(['cache', 'info'], { env: { AIPROV_BLAME_CACHE: elsewhere } })).stdout).toBe(`${elsewhere}\n1 entries, 0.0 MB\n`);

    const cleared = await runCli(['cache', 'clear', '--repo', dir], { env });
    expect(cleared.code).toBe(0);
    expect(cleared.stderr).toMatch(/^aiprov: cleared .*: 1 entries, 0\.0 MB\n$/);
    expect((await runCli(['cache', 'info', '--repo', dir], { env })).stdout).toBe(`${location}\n0 entries, 0.0 MB\n`);
    const none = await runCli(['blame', '--repo', dir, '--no-blame-cache', '--format', 'json'], { env });
    expect(none.stdout).toBe(first.stdout);
    const off = await runCli(['blame', '--repo', dir, '--format', 'json'], { env: { AIPROV_BLAME_CACHE: 'off' } });
    expect(off.stdout).toBe(first.stdout);
    expect((await runCli(['cache', 'info', '--repo', dir], { env: { AIPROV_BLAME_CACHE: 'off' } })).stdout).toBe(`${location}\n0 entries, 0.0 MB\n`);
    expect((await runCli(['cache', 'info', '--repo', dir], { env })).stdout).toBe(`${location}\n0 entries, 0.0 MB\n`);
  });

  it("is shared by a repository's worktrees: one cache in the git directory they share", async () => {
    const dir = await tempDir('aiprov-cache-worktree-');
    git(dir, ['clone', '-q', repo.dir, 'main']);
    const main = path.join(dir, 'main');
    const other = path.join(dir, 'other');
    git(main, ['worktree', 'add', '-q', other, repo.shas[3] ?? '']);
    const env = { AIPROV_BLAME_CACHE: undefined };
    expect((await runCli(['blame', '--repo', other, '--format', 'json'], { env })).code).toBe(0);
    const location = path.join(main, '.git', 'aiprov', 'cache');
    expect((await runCli(['cache', 'info', '--repo', main], { env })).stdout).toBe(`${location}\n1 entries, 0.0 MB\n`);
    expect((await runCli(['cache', 'info', '--repo', other], { env })).stdout).toBe(`${location}\n1 entries, 0.0 MB\n`);
  });

  it('refuses a size limit that is not a number of megabytes, in one line', async () => {
    const result = await runCli(['blame', '--repo', repo.dir], { env: { AIPROV_BLAME_CACHE_MAX_MB: 'lots' } });
    expect(result).toMatchObject({ code: 2, stderr: 'aiprov: AIPROV_BLAME_CACHE_MAX_MB=lots: expected a positive number of megabytes\n' });
  });
});
