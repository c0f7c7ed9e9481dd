import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initRepo } from '../../fixtures/repos.js';
import { openRepository } from '../../src/git/repository.js';
import { tempDir } from '../helpers.js';

const git = (dir: string, ...args: string[]): string =>
  execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.com' },
  });

describe('the lines a commit adds', () => {
  it('of a merge, against its first parent (what the merge brought in); of a plain commit, its own', async () => {
    const dir = await tempDir();
    initRepo(dir);
    await writeFile(path.join(dir, 'a.txt'), 'one\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'one');
    git(dir, 'checkout', '-q', '-b', 'topic');
    await writeFile(path.join(dir, 'b.txt'), 'b1\nb2\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'b');
    const topic = git(dir, 'rev-parse', 'HEAD').trim();
    git(dir, 'checkout', '-q', 'main');
    await writeFile(path.join(dir, 'a.txt'), 'one\ntwo\n');
    git(dir, 'commit', '-q', '-am', 'two');
    git(dir, 'merge', '-q', '--no-edit', 'topic');
    const merge = git(dir, 'rev-parse', 'HEAD').trim();
    const repo = await openRepository(dir);
    const numbers = await repo.addedLineNumbers([merge, topic]);
    expect(Object.fromEntries(numbers.get(merge) ?? [])).toEqual({ 'b.txt': [1, 2] });
    expect(Object.fromEntries(numbers.get(topic) ?? [])).toEqual({ 'b.txt': [1, 2] });
    expect((await repo.addedLines([merge])).get(merge)).toEqual(['b1', 'b2']);
  });
});
