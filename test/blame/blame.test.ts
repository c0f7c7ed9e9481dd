import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { AIDER_GLOBS, buildAiderStyleRepo } from '../../fixtures/aider-repo.js';
import { BLAME_EXPECTED, buildBlameRepo, type BlameRepo } from '../../fixtures/blame-repo.js';
import { blameTree } from '../../src/blame/blame.js';
import { globPattern } from '../../src/kernel/glob.js';
import { AiprovError } from '../../src/kernel/errors.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { ctx, tempDir } from '../helpers.js';

let repo: BlameRepo;
beforeAll(async () => {
  repo = await buildBlameRepo(await tempDir());
});

describe('aiprov blame on a history whose authorship is known line by line', () => {
  it('counts every file exactly: note ranges over commit-level claims, human edits taken back', async () => {
    const report = await blameTree({ context: await ctx(repo.dir) });
    const files = Object.fromEntries(report.files.map(({ path, ...counts }) => [path, counts]));
    expect(files).toEqual(BLAME_EXPECTED.head.files);
    expect(report.totals).toEqual(BLAME_EXPECTED.head.totals);
    expect(report.excluded).toEqual(BLAME_EXPECTED.head.excluded);
    expect(report.directories.map((d) => [d.path, d.files, d.lines, d.aiLines])).toEqual([['.', 6, 32, 16]]);
    expect(report.rev).toBe(repo.shas[7]);
    expect(report.warnings).toEqual([]);
    expect(validateAgainst('blameReport', report)).toBeNull();
  });

  it('--since counts only lines introduced after the revision, boundary lines excluded', async () => {
    const report = await blameTree({ context: await ctx(repo.dir), since: repo.shas[5] ?? '' });
    expect(report.totals).toMatchObject(BLAME_EXPECTED.sinceCommit5);
    expect(report.since).toBe(repo.shas[5]);
    expect(report.files.find((f) => f.path === 'b.ts')).toMatchObject({ lines: 1, aiLines: 0 });
  });

  it('at an older revision the later human edit is not there yet', async () => {
    const report = await blameTree({ context: await ctx(repo.dir), rev: repo.shas[4] ?? '' });
    expect(report.files.find((f) => f.path === 'b.ts')).toMatchObject({ lines: 5, aiLines: 5 });
    // The Agent Trace record is only at commit 5: at commit 4 d.ts has no line claims.
    expect(report.files.find((f) => f.path === 'd.ts')).toMatchObject({ lines: 3, aiLines: 0 });
  });

  it('--include-all counts the files left out by default', async () => {
    const report = await blameTree({ context: await ctx(repo.dir), includeAll: true });
    expect(report.excluded).toEqual([]);
    expect(report.files.map((f) => f.path)).toEqual(expect.arrayContaining(['package-lock.json', 'vendor/lib.js', 'gen/out.ts', 'logo.png']));
  });

  it('paths, --include and --exclude narrow the tree', async () => {
    const byPath = await blameTree({ context: await ctx(repo.dir), paths: ['b.ts', 'c.ts'] });
    expect(byPath.files.map((f) => f.path)).toEqual(['b.ts', 'c.ts']);
    expect(byPath.totals).toMatchObject({ lines: 11, aiLines: 9 });
    const globbed = await blameTree({ context: await ctx(repo.dir), include: ['*.ts'], exclude: ['a.*'] });
    expect(globbed.files.map((f) => f.path)).toEqual(['b.ts', 'c.ts', 'd.ts']);
  });

  it('refuses a path that matches nothing and one outside the repository', async () => {
    await expect(blameTree({ context: await ctx(repo.dir), paths: ['nope'] })).rejects.toMatchObject({
      code: 'BAD_PATH',
      message: "path 'nope' matches no file at HEAD",
    });
    await expect(blameTree({ context: await ctx(repo.dir), paths: ['/etc'] })).rejects.toMatchObject({
      code: 'BAD_PATH',
      message: `path '/etc' is outside the repository ${repo.dir}`,
    });
    await expect(blameTree({ context: await ctx(repo.dir), rev: 'nope' })).rejects.toBeInstanceOf(AiprovError);
    await expect(blameTree({ context: await ctx(repo.dir), rev: 'nope' })).rejects.toMatchObject({ code: 'BAD_REVISION', name: 'GitError' });
    await expect(blameTree({ context: await ctx(repo.dir), since: '--all' })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringContaining("revision '--all' begins with '-'") as unknown,
    });
  });

  it('gives the same counts whatever the number of parallel blame processes', async () => {
    const one = await blameTree({ context: await ctx(repo.dir), jobs: 1 });
    const four = await blameTree({ context: await ctx(repo.dir), jobs: 4 });
    expect(four).toEqual(one);
  });
});

describe('globs', () => {
  it.each([
    ['*.ts', 'src/a.ts', true],
    ['*.ts', 'a.ts', true],
    ['*.ts', 'a.tsx', false],
    ['src/*.ts', 'src/a.ts', true],
    ['src/*.ts', 'src/x/a.ts', false],
    ['src/**/*.ts', 'src/x/y/a.ts', true],
    ['src/**/*.ts', 'src/a.ts', true],
    ['{Dockerfile,Makefile}', 'tools/Makefile', true],
    ['*.[ch]', 'x/y.h', true],
    ['*.[ch]', 'x/y.cc', false],
    ['docs/', 'docs/a/b.md', true],
  ] as const)('%s matches %s: %s', (glob, file, expected) => {
    expect(globPattern(glob).test(file)).toBe(expected);
  });
});

describe("agrees with aider's own measure", () => {
  it('"aider wrote X% of the code in this release" gives the same counts as aiprov blame --detect aider', async () => {
    const dir = await tempDir();
    const { from, to } = await buildAiderStyleRepo(dir);
    const reference = aiderMeasure(dir, from, to, AIDER_GLOBS);
    const report = await blameTree({ context: await ctx(dir), rev: to, since: from, include: AIDER_GLOBS, detection: 'aider' });
    expect(reference.total).toBeGreaterThan(0);
    expect(reference.aider).toBeGreaterThan(0);
    expect(report.totals.lines).toBe(reference.total);
    expect(report.totals.byAgent.aider ?? 0).toBe(reference.aider);
    expect(report.totals.aiLines).toBe(reference.aider);
    // Move and copy detection matters here: without it the moved and copied lines go to the commits that moved them.
    const plain = await blameTree({ context: await ctx(dir), rev: to, since: from, include: AIDER_GLOBS, detection: 'off' });
    expect([plain.totals.lines, plain.totals.byModel]).not.toEqual([report.totals.lines, report.totals.byModel]);
  });
});

/** aider's scripts/blame.py, step by step: blame each kept file over A..B, skip boundary lines, label by author and message. */
function aiderMeasure(dir: string, from: string, to: string, globs: string[]): { total: number; aider: number } {
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  const patterns = globs.map((g) => globPattern(g));
  const files = git('ls-tree', '-r', '--name-only', to)
    .split('\n')
    .filter((f) => f && patterns.some((p) => p.test(f)));
  const labels = new Map<string, string>();
  let total = 0;
  let aider = 0;
  for (const file of files) {
    const out = git('blame', '-M100', '-C100', '-C', '-C', '--abbrev=39', `${from}..${to}`, '--', file);
    for (const line of out.split('\n')) {
      if (line === '' || line.startsWith('^')) continue;
      const sha = line.split(' ')[0] ?? '';
      let label = labels.get(sha);
      if (label === undefined) {
        const author = git('show', '-s', '--format=%an', sha).trim();
        const message = git('show', '-s', '--format=%B', sha);
        const subject = message.split('\n')[0] ?? '';
        label = subject.toLowerCase().startsWith('aider:') || /co-authored-by: aider/i.test(message) ? `${author} (aider)` : author;
        labels.set(sha, label);
      }
      total++;
      if (label.includes('(aider)')) aider++;
    }
  }
  return { total, aider };
}
