import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, linearRepo } from '../../fixtures/repos.js';
import { CliNotesSnapshot, NotesBudget } from '../../src/git/notes-snapshot.js';
import { GitRunner } from '../../src/git/runner.js';
import { isMissingNote, missingNoteProblem, NOTE_CAP } from '../../src/git/types.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';

describe('a note larger than aiprov reads (issue 24, case 8)', () => {
  it('is never read whole: verify --from-notes names it and cannot decide (exit 2); other commands say it in a warning', async () => {
    const repo = await tempDir();
    const [, head = ''] = await linearRepo(repo, 2);
    const big = path.join(repo, '..', 'big-note.txt');
    await writeFile(big, 'x'.repeat(NOTE_CAP + 1024));
    git(repo, 'notes', '--ref=aiprov-attestations', 'add', '-F', big, head);
    const oid = git(repo, 'rev-parse', `refs/notes/aiprov-attestations:${head}`).trim();
    const keys = await tempDir();
    expect((await runCli(['keygen', '--prefix', path.join(keys, 'ci')], { env: { AIPROV_PASSWORD: 'pw' } })).code).toBe(0);
    const run = await runCli(['verify', '--repo', repo, '--from-notes', '--type', 'authorship', '--key', path.join(keys, 'ci.pub')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `aiprov: the note on ${head.slice(0, 12)} in refs/notes/aiprov-attestations points at note object ${oid} of 32 MB, more than the 32 MB aiprov reads for one note (not read)\n`,
    );
  });
});

describe('a note too large to read is never appended to (nor held to find out)', () => {
  it('appendNoteLines refuses, naming the note and the cap; the note is left as it was', async () => {
    const repo = await tempDir();
    const [, head = ''] = await linearRepo(repo, 2);
    const big = path.join(repo, '..', 'big-check.txt');
    await writeFile(big, 'x'.repeat(NOTE_CAP + 1024));
    git(repo, 'notes', '--ref=aiprov-checks', 'add', '-F', big, head);
    const oid = git(repo, 'rev-parse', `refs/notes/aiprov-checks:${head}`).trim();
    const { appendNoteLines } = await import('../../src/git/note-lines.js');
    const { openRepository } = await import('../../src/git/repository.js');
    await expect(appendNoteLines(await openRepository(repo), 'refs/notes/aiprov-checks', head, ['{}'])).rejects.toMatchObject({
      code: 'NOTE_UNREADABLE',
      message: `the note on ${head.slice(0, 12)} in refs/notes/aiprov-checks points at note object ${oid} of 32 MB, more than the 32 MB aiprov reads for one note (not read); nothing added to it`,
    });
    expect(git(repo, 'rev-parse', `refs/notes/aiprov-checks:${head}`).trim()).toBe(oid);
  });
});

describe('notes read whole by one command', () => {
  it('are held up to a total for the whole command (every ref, every read); past it each further note is said unreadable, never dropped', async () => {
    const repo = await tempDir();
    const shas = await linearRepo(repo, 4);
    for (const sha of shas) git(repo, 'notes', '--ref=aiprov-checks', 'add', '-m', 'r'.repeat(1000), sha);
    const tip = git(repo, 'rev-parse', 'refs/notes/aiprov-checks').trim();
    const budget = new NotesBudget(2500);
    const snapshot = new CliNotesSnapshot(new GitRunner(repo), 'refs/notes/aiprov-checks', tip, budget);
    const notes = await snapshot.read(shas);
    const held = [...notes.values()].filter((n) => typeof n === 'string');
    const refused = [...notes.values()].filter(isMissingNote);
    expect([notes.size, held.length, refused.length]).toEqual([4, 2, 2]);
    expect(refused.map((n) => missingNoteProblem(n))).toEqual(
      refused.map(
        (n) => `points at note object ${n.missingObject}, not read: the notes read before it passed the 2500 bytes aiprov reads whole in one command`,
      ),
    );
    expect(refused.every((n) => /^[0-9a-f]{40}$/.test(n.missingObject))).toBe(true);
    // Another snapshot of the same command (another ref, or the same one again) draws on the same budget: nothing more is held.
    const again = await new CliNotesSnapshot(new GitRunner(repo), 'refs/notes/aiprov-checks', tip, budget).read(shas.slice(0, 1));
    expect([...again.values()].every(isMissingNote)).toBe(true);
    // A budget of its own (another command) reads it.
    const fresh = await new CliNotesSnapshot(new GitRunner(repo), 'refs/notes/aiprov-checks', tip, new NotesBudget(2500)).read(shas.slice(0, 1));
    expect([...fresh.values()].every((n) => typeof n === 'string')).toBe(true);
  });
});
