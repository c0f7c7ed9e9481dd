/**
 * Issue 8, item 21: blame reads only the blobs of the files it counts, so a
 * partial clone (or a mirror without some large files) missing a blob no
 * selected file needs is no obstacle.
 */
import { execFileSync } from 'node:child_process';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { blameTree } from '../../src/blame/blame.js';
import { importHistory } from '../../src/git/fast-import.js';
import { ctx, tempDir } from '../helpers.js';

describe('a partial clone', () => {
  it('blame of the files present works while a blob it does not need is missing', async () => {
    const origin = await tempDir();
    initRepo(origin);
    await importHistory(origin, [
      commitAt(0, 'Start\n', { files: { 'src/a.txt': 'one\ntwo\n', 'media/big.txt': `${'x'.repeat(100)}\n`.repeat(100) } }),
      commitAt(1, 'AI change\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n', { files: { 'src/a.txt': 'one\ntwo\nthree\n' } }),
    ]);
    execFileSync('git', ['config', 'uploadpack.allowFilter', 'true'], { cwd: origin });
    const clone = path.join(await tempDir(), 'clone');
    execFileSync('git', ['clone', '--quiet', '--no-checkout', '--filter=blob:limit=1k', `file://${origin}`, clone]);
    // The promisor can no longer be asked: the big blob is simply missing, as in a mirror without it.
    await rename(origin, `${origin}-gone`);
    const big = execFileSync('git', ['rev-parse', 'HEAD:media/big.txt'], { cwd: clone, encoding: 'utf8' }).trim();
    expect(() => execFileSync('git', ['cat-file', '-e', big], { cwd: clone, stdio: 'ignore', env: { ...process.env, GIT_NO_LAZY_FETCH: '1' } })).toThrow();

    const report = await blameTree({ context: await ctx(clone), include: ['src/*'] });
    expect(report.totals).toMatchObject({ lines: 3, aiLines: 1, files: 1 });
    await rename(`${origin}-gone`, origin);
  });

  it('file names that look like options or pathspec magic are counted as the files they are', async () => {
    const dir = await tempDir();
    initRepo(dir);
    await importHistory(dir, [commitAt(0, 'Odd names\n', { files: { '--upload-pack=touch pwned': 'a\n', '-c': 'b\nb\n', ':(glob)*': 'c\n' } })]);
    const report = await blameTree({ context: await ctx(dir) });
    expect(report.files.map((f) => [f.path, f.lines])).toEqual([
      ['--upload-pack=touch pwned', 1],
      ['-c', 2],
      [':(glob)*', 1],
    ]);
  });
});
