import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { linearRepo } from '../../fixtures/repos.js';
import { openRepository } from '../../src/git/repository.js';
import { tempDir } from '../helpers.js';

const git = (dir: string, ...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });

describe('addNotes: many notes in one notes commit', () => {
  it('writes the notes of commits that have none, in one commit on the ref, and leaves a note already there as it was', async () => {
    const dir = await tempDir();
    const shas = await linearRepo(dir, 6);
    const [first, second, ...rest] = shas;
    git(dir, 'notes', '--ref=ai', 'add', '-m', 'theirs', second ?? '');
    const before = git(dir, 'rev-parse', 'refs/notes/ai').trim();
    const repo = await openRepository(dir);
    const notes = new Map(shas.map((sha) => [sha, `note of ${sha}\nsecond line\n`]));
    const result = await repo.addNotes('refs/notes/ai', notes);
    expect(result.kept).toEqual([second]);
    expect(result.written.sort()).toEqual([first, ...rest].sort());
    expect(git(dir, 'notes', '--ref=ai', 'show', second ?? '')).toBe('theirs\n');
    expect(git(dir, 'notes', '--ref=ai', 'show', first ?? '')).toBe(`note of ${first}\nsecond line\n`);
    // One commit on top of the one that was there.
    expect(git(dir, 'rev-list', '--count', `${before}..refs/notes/ai`).trim()).toBe('1');
    // Again: nothing to write, nothing moves.
    const after = git(dir, 'rev-parse', 'refs/notes/ai').trim();
    expect((await repo.addNotes('refs/notes/ai', notes)).written).toEqual([]);
    expect(git(dir, 'rev-parse', 'refs/notes/ai').trim()).toBe(after);
  });

  it('refuses a notes ref of another form and an id that is not a commit id, before writing anything', async () => {
    const dir = await tempDir();
    await linearRepo(dir, 1);
    const repo = await openRepository(dir);
    await expect(repo.addNotes('refs/heads/main', new Map())).rejects.toThrow(/is not of the form refs\/notes\/NAME/);
    await expect(repo.addNotes('refs/notes/ai', new Map([['--upload-pack=x', 'n']]))).rejects.toThrow(/not a commit id/);
  });
});
