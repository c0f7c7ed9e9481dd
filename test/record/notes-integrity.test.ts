/**
 * Issue 8, items 8 and 9: every `record` that says "recorded" is there, even
 * when ten run at once; a note whose object is missing is a warning naming
 * the commit in scan and blame, and `record` refuses to write over it.
 */
import { readStoredBundles, ATTESTATIONS_REF } from '../../src/attest/store.js';
import { CHECKS_REF, readCheckRecords } from '../../src/gate/history.js';
import { readReviews, REVIEWS_REF } from '../../src/gate/review.js';
import { appendNoteLines } from '../../src/git/note-lines.js';
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { AIPROV_NOTES_REF, parseAiprovNote } from '../../src/authorship/notes.js';
import { scanHistory } from '../../src/authorship/scan.js';
import { blameTree } from '../../src/blame/blame.js';
import { importHistory } from '../../src/git/fast-import.js';
import { runCli } from '../cli/run-cli.js';
import { ctx, tempDir } from '../helpers.js';

const git = (dir: string, ...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });

async function repo(n: number): Promise<{ dir: string; shas: string[] }> {
  const dir = await tempDir();
  initRepo(dir);
  const shas = await importHistory(
    dir,
    Array.from({ length: n }, (_, i) => commitAt(i, `Change ${i}\n`, { files: { [`f${i}.txt`]: `line ${i}\n` } })),
  );
  return { dir, shas };
}

const recordsOn = (dir: string, sha: string): number => {
  const parsed = parseAiprovNote(git(dir, 'notes', `--ref=${AIPROV_NOTES_REF}`, 'show', sha));
  return parsed.ok ? parsed.value.records.length : -1;
};

describe('concurrent record', () => {
  it('ten at once on one commit: ten records, and nothing left behind', async () => {
    const { dir, shas } = await repo(1);
    const runs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => runCli(['record', '--repo', dir, '--agent', 'cursor', '--model', `model-${i}`, '--commit', shas[0] ?? ''])),
    );
    expect(runs.map((r) => r.code)).toEqual(Array.from({ length: 10 }, () => 0));
    expect(recordsOn(dir, shas[0] ?? '')).toBe(10);
    expect(git(dir, 'for-each-ref', '--format=%(refname)', 'refs/notes/')).toBe(`${AIPROV_NOTES_REF}\n`);
  });

  it('ten at once on ten commits: every one kept', async () => {
    const { dir, shas } = await repo(10);
    const runs = await Promise.all(shas.map((sha) => runCli(['record', '--repo', dir, '--agent', 'cursor', '--commit', sha])));
    expect(runs.every((r) => r.code === 0)).toBe(true);
    expect(shas.map((sha) => recordsOn(dir, sha))).toEqual(shas.map(() => 1));
  });
});

describe('a note whose object is missing', () => {
  it('is a warning naming the commit in scan and blame, and record refuses to write over it', async () => {
    const { dir, shas } = await repo(6);
    for (const sha of shas) expect((await runCli(['record', '--repo', dir, '--agent', 'claude-code', '--commit', sha])).code).toBe(0);
    const victim = shas[2] ?? '';
    const blob = git(dir, 'notes', `--ref=${AIPROV_NOTES_REF}`, 'list', victim).trim();
    await rm(path.join(dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));

    const scan = await scanHistory({ context: await ctx(dir) });
    expect(scan.commits.filter((c) => c.ai)).toHaveLength(5);
    expect(scan.warnings).toContainEqual({
      code: 'BAD_NOTE',
      commit: victim,
      message: `note on ${AIPROV_NOTES_REF} for commit ${victim.slice(0, 12)} points at note object ${blob}, which is missing from the repository; it was ignored`,
    });
    const blame = await blameTree({ context: await ctx(dir) });
    expect(blame.warnings.some((w) => w.code === 'BAD_NOTE' && w.message.includes(victim.slice(0, 12)))).toBe(true);

    const refused = await runCli(['record', '--repo', dir, '--agent', 'cursor', '--commit', victim]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`points at note object ${blob}, which is missing from the repository; refusing to write over it`);
    expect(git(dir, 'notes', `--ref=${AIPROV_NOTES_REF}`, 'list', victim).trim()).toBe(blob);
  });
});

describe('a missing note object in the other notes refs', () => {
  it('a check record is counted as unreadable, attestations refuse to be read or added to, a review covers nothing', async () => {
    const { dir, shas } = await repo(2);
    const head = shas[1] ?? '';
    const context = await ctx(dir);
    await appendNoteLines(context.git, CHECKS_REF, head, ['{"not":"a record"}']);
    await appendNoteLines(context.git, ATTESTATIONS_REF, head, ['{}']);
    await appendNoteLines(context.git, REVIEWS_REF, head, [
      JSON.stringify({ reviewer: { name: 'R', email: 'r@example.com' }, decision: 'approved', scope: { range: head } }),
    ]);
    for (const ref of [CHECKS_REF, ATTESTATIONS_REF, REVIEWS_REF]) {
      const blob = git(dir, 'notes', `--ref=${ref}`, 'list', head).trim();
      await rm(path.join(dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    }
    expect(await readCheckRecords(context.git)).toEqual({ records: [], unreadable: 1 });
    await expect(readStoredBundles(context.git, head)).rejects.toThrow(/points at note object [0-9a-f]{40}, which is missing from the repository/);
    await expect(appendNoteLines(context.git, ATTESTATIONS_REF, head, ['{}'])).rejects.toThrow(
      /which is missing; fetch refs\/notes\/aiprov-attestations before adding to it/,
    );
    expect(await readReviews(context.git, [head])).toEqual([]);
  });
});
