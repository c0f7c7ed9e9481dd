/** Issue 9, item 11: with --since, blame costs the range, not the tree: only files the range changed are blamed. */
import { describe, expect, it } from 'vitest';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { blameTree } from '../../src/blame/blame.js';
import { importHistory } from '../../src/git/fast-import.js';
import type { GitRepository } from '../../src/git/types.js';
import { ctx, tempDir } from '../helpers.js';

describe('blame --since', () => {
  it('blames only the files that differ between --since and --rev, with the same counts', async () => {
    const dir = await tempDir();
    initRepo(dir);
    const files = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`src/f${i}.ts`, `export const v${i} = ${i};\n`]));
    const [base = '', , head = ''] = await importHistory(dir, [
      commitAt(0, 'Many files\n', { files }),
      commitAt(1, 'AI change\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n', { files: { 'src/f3.ts': 'export const v3 = 3;\nexport const w3 = 33;\n' } }),
      commitAt(2, 'Human change\n', { files: { 'src/f7.ts': 'export const v7 = 7;\nexport const w7 = 77;\n' } }),
    ]);
    const context = await ctx(dir);
    const blamed: string[] = [];
    const git = context.git;
    const spy: GitRepository = Object.create(git) as GitRepository;
    spy.blame = (rev, file, options) => {
      blamed.push(file);
      return git.blame(rev, file, options);
    };
    const report = await blameTree({ context: { ...context, git: spy }, since: base, rev: head });
    expect(blamed.sort()).toEqual(['src/f3.ts', 'src/f7.ts']);
    expect(report.totals).toMatchObject({ lines: 2, aiLines: 1, files: 2 });
  });
});
