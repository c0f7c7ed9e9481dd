import { execFileSync } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NoteRecord } from '../../src/authorship/notes.js';
import { remoteSync } from '../../src/git/remote.js';
import { appendNoteLines } from '../../src/git/note-lines.js';
import { NotesError } from '../../src/kernel/errors.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { appendRecords } from '../../src/record/note-store.js';
import { notesSyncReport } from '../../src/render/notes-render.js';
import { notesCommitter, type NotesConfig } from '../../src/sync/config.js';
import { fetchNotes, pushNotes } from '../../src/sync/sync.js';
import { ctx, tempDir } from '../helpers.js';
import { runCli } from '../cli/run-cli.js';
import { IDENTITY, sh } from '../record/git-shell.js';

const BOT: NotesConfig = { committer: { name: 'Notes Bot', email: 'notes-bot@example.com' }, message: 'AIPROV-1 notes' };

/**
 * A bare "forge" whose pre-receive hook does what enterprise hooks do to notes: refuses a
 * notes update that is not a fast-forward, and notes commits by anyone but the notes bot.
 */
async function forge(root: string): Promise<string> {
  const bare = path.join(root, 'forge.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  const hook = path.join(bare, 'hooks', 'pre-receive');
  await writeFile(
    hook,
    `#!/bin/sh
zero=0000000000000000000000000000000000000000
while read old new ref; do
  case "$ref" in refs/notes/*) ;; *) continue ;; esac
  if [ "$old" != "$zero" ] && [ "$(git merge-base "$old" "$new")" != "$old" ]; then echo "refused: $ref is not a fast-forward" >&2; exit 1; fi
  if [ "$old" = "$zero" ]; then range="$new"; else range="$old..$new"; fi
  for email in $(git log --format=%ce "$range"); do
    [ "$email" = "notes-bot@example.com" ] || { echo "refused: notes committer $email" >&2; exit 1; }
  done
done
`,
  );
  await chmod(hook, 0o755);
  const seed = path.join(root, 'seed');
  sh(root, ['init', '--quiet', '--initial-branch=main', seed]);
  for (const n of [1, 2]) {
    await writeFile(path.join(seed, `f${n}.ts`), 'a\nb\nc\n');
    sh(seed, ['add', '.']);
    sh(seed, ['commit', '--quiet', '-m', `Commit ${n}`]);
  }
  sh(seed, ['push', '--quiet', bare, 'main']);
  return bare;
}

function clone(root: string, bare: string, name: string): string {
  const dir = path.join(root, name);
  sh(root, ['clone', '--quiet', bare, dir]);
  return dir;
}

function record(agent: NoteRecord['agent'], ranges: [number, number][], recordedAt = '2026-11-01T10:00:00Z'): NoteRecord {
  return { agent, files: [{ path: 'f1.ts', ranges }], tool: { name: 'aiprov', version: '0.1.0' }, recordedAt };
}

async function syncContext(dir: string, notes: NotesConfig | null = BOT) {
  const context = await ctx(dir, { config: notes ? { notes } : {}, env: { vars: { ...process.env, ...IDENTITY } } });
  return { context, sync: { sync: remoteSync(dir, { ...process.env, ...IDENTITY }, undefined, notesCommitter(notes ?? undefined)) } };
}

const show = (dir: string, ref: string, rev: string): string => sh(dir, ['notes', `--ref=${ref}`, 'show', rev]);
const agentsOn = (dir: string, rev: string): string[] =>
  (JSON.parse(show(dir, 'refs/notes/aiprov', rev)) as { records: NoteRecord[] }).records.map((r) => r.agent).sort();

describe('aiprov notes push, fetch and merge', () => {
  it('two clones and a CI job pushing at once through a pre-receive hook: every record kept, each notes commit by the configured committer', async () => {
    const root = await tempDir();
    const bare = await forge(root);
    const [a, b, ci] = ['a', 'b', 'ci'].map((n) => clone(root, bare, n)) as [string, string, string];
    const c1 = sh(a, ['rev-parse', 'HEAD~1']).trim();
    const c2 = sh(a, ['rev-parse', 'HEAD']).trim();
    const A = await syncContext(a);
    const B = await syncContext(b);
    const C = await syncContext(ci);
    await appendRecords(A.context.git, c1, [record('claude-code', [[1, 2]])]);
    await appendRecords(B.context.git, c1, [record('cursor', [[3, 3]], '2026-11-01T11:00:00Z')]);
    await appendRecords(C.context.git, c2, [record('codex', [[1, 3]])]);
    await appendNoteLines(C.context.git, 'refs/notes/aiprov-checks', c2, ['{"decision":"pass","by":"ci"}']);
    await appendNoteLines(A.context.git, 'refs/notes/aiprov-checks', c2, ['{"decision":"needs-review","by":"a"}']);
    expect(sh(a, ['log', '-1', '--format=%cn <%ce> %s', 'refs/notes/aiprov'])).toBe('Notes Bot <notes-bot@example.com> AIPROV-1 notes\n');

    const results = await Promise.all([A, B, C].map(({ sync }) => pushNotes({ context: sync, remote: 'origin' })));
    for (const result of results) expect(validateAgainst('notesSync', notesSyncReport(result))).toBeNull();
    const attempts = results.map((r) => r.refs.find((x) => x.ref === 'refs/notes/aiprov')?.attempts ?? 0);
    // All three created the same ref from nothing: at most one got there first, the others merged and pushed again.
    expect(attempts.filter((n) => n > 1).length).toBeGreaterThanOrEqual(2);

    const d = clone(root, bare, 'd');
    const fetched = await fetchNotes({ context: (await syncContext(d)).sync, remote: 'origin' });
    expect(fetched.refs.find((r) => r.ref === 'refs/notes/aiprov')?.merge?.outcome).toBe('created');
    expect(agentsOn(d, c1)).toEqual(['claude-code', 'cursor']);
    expect(agentsOn(d, c2)).toEqual(['codex']);
    expect(show(d, 'refs/notes/aiprov-checks', c2).trim().split('\n').sort()).toEqual([
      '{"decision":"needs-review","by":"a"}',
      '{"decision":"pass","by":"ci"}',
    ]);
    // The hook saw only the bot's commits, or it would have refused them.
    expect(new Set(execFileSync('git', ['--git-dir', bare, 'log', '--format=%ce', 'refs/notes/aiprov'], { encoding: 'utf8' }).trim().split('\n'))).toEqual(
      new Set(['notes-bot@example.com']),
    );
  });

  it("a committer the forge's hook refuses: bounded attempts, git's reason named, the local notes intact", async () => {
    const root = await tempDir();
    const bare = await forge(root);
    const a = clone(root, bare, 'a');
    const plain = await syncContext(a, null);
    await appendRecords(plain.context.git, 'HEAD', [record('claude-code', [[1, 1]])]);
    const before = sh(a, ['rev-parse', 'refs/notes/aiprov']);
    const error = await pushNotes({ context: plain.sync, remote: 'origin' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotesError);
    expect((error as NotesError).message).toMatch(
      /^origin refused refs\/notes\/aiprov 6 times \(last: .*pre-receive hook declined.*\); the local notes are intact$/,
    );
    expect(sh(a, ['rev-parse', 'refs/notes/aiprov'])).toBe(before);
    expect(() => execFileSync('git', ['--git-dir', bare, 'rev-parse', '--verify', 'refs/notes/aiprov'], { stdio: 'pipe' })).toThrow();
  });

  it('a forced notes refspec another tool set is reported and never used: the unpushed local record survives the fetch', async () => {
    const root = await tempDir();
    const bare = await forge(root);
    const [a, b] = [clone(root, bare, 'a'), clone(root, bare, 'b')];
    const A = await syncContext(a);
    const B = await syncContext(b);
    await appendRecords(A.context.git, 'HEAD', [record('claude-code', [[1, 1]])]);
    await pushNotes({ context: A.sync, remote: 'origin' });
    await appendRecords(B.context.git, 'HEAD', [record('cursor', [[2, 2]])]);
    sh(b, ['config', '--add', 'remote.origin.fetch', '+refs/notes/*:refs/notes/*']);
    const result = await fetchNotes({ context: B.sync, remote: 'origin' });
    expect(result.warnings).toEqual([
      "remote.origin.fetch has '+refs/notes/*:refs/notes/*': every git fetch from origin replaces local notes with origin's, losing records not pushed yet; aiprov never fetches with it (it fetches into refs/notes/remotes/origin/); remove it with: git config --fixed-value --unset-all remote.origin.fetch '+refs/notes/*:refs/notes/*'",
    ]);
    expect(agentsOn(b, 'HEAD')).toEqual(['claude-code', 'cursor']);
    expect(result.refs.find((r) => r.ref === 'refs/notes/aiprov')?.merge).toMatchObject({ outcome: 'merged', combined: [sh(b, ['rev-parse', 'HEAD']).trim()] });
    // What the warning is about is real: a plain git fetch with that refspec throws the merge away.
    sh(b, ['fetch', '--quiet', 'origin']);
    expect(agentsOn(b, 'HEAD')).toEqual(['claude-code']);
  });

  it('the same recorded act with different lines on each side: both records kept, the conflict reported; an unreadable copy kept beside the other', async () => {
    const root = await tempDir();
    const bare = await forge(root);
    const [a, b] = [clone(root, bare, 'a'), clone(root, bare, 'b')];
    const A = await syncContext(a);
    const B = await syncContext(b);
    const head = sh(a, ['rev-parse', 'HEAD']).trim();
    const first = sh(a, ['rev-parse', 'HEAD~1']).trim();
    await appendRecords(A.context.git, head, [record('claude-code', [[1, 2]])]);
    await appendRecords(B.context.git, head, [record('claude-code', [[1, 3]])]);
    await A.context.git.updateNote('refs/notes/aiprov', first, () => 'not json\n');
    await appendRecords(B.context.git, first, [record('codex', [[1, 1]])]);
    await pushNotes({ context: A.sync, remote: 'origin' });
    const result = await pushNotes({ context: B.sync, remote: 'origin' });
    const aiprov = result.refs.find((r) => r.ref === 'refs/notes/aiprov');
    expect(aiprov).toMatchObject({ push: 'pushed', attempts: 2 });
    expect(aiprov?.merge?.conflicts.map((c) => [c.commit, c.problem.split(':')[0]])).toEqual(
      [
        [head, 'claude-code at 2026-11-01T10'],
        [first, "the remote's note is not JSON"],
      ].sort(),
    );
    const ranges = (JSON.parse(show(b, 'refs/notes/aiprov', head)) as { records: NoteRecord[] }).records.map((r) => JSON.stringify(r.files?.[0]?.ranges));
    expect(ranges.sort()).toEqual(['[[1,2]]', '[[1,3]]']);
    expect(show(b, 'refs/notes/aiprov', first)).toMatch(/^\{[\s\S]*"codex"[\s\S]*\}\n\nnot json\n$/);
  });

  it("git-ai's refs/notes/ai is fetched and fast-forwarded, never merged or pushed", async () => {
    const root = await tempDir();
    const bare = await forge(root);
    const [a, b] = [clone(root, bare, 'a'), clone(root, bare, 'b')];
    sh(a, ['-c', 'user.email=notes-bot@example.com', 'notes', '--ref=ai', 'add', '-m', 'f1.ts\n  abc 1-3\n---\n{}', 'HEAD'], {
      GIT_COMMITTER_EMAIL: 'notes-bot@example.com',
    });
    sh(a, ['push', '--quiet', 'origin', 'refs/notes/ai'], { GIT_COMMITTER_EMAIL: 'notes-bot@example.com' });
    const B = await syncContext(b);
    const first = await fetchNotes({ context: B.sync, remote: 'origin' });
    expect(first.refs.find((r) => r.ref === 'refs/notes/ai')?.merge?.outcome).toBe('created');
    sh(b, ['notes', '--ref=ai', 'add', '-m', 'local', 'HEAD~1']);
    sh(a, ['notes', '--ref=ai', 'add', '-m', 'remote', 'HEAD~1'], { GIT_COMMITTER_EMAIL: 'notes-bot@example.com' });
    sh(a, ['push', '--quiet', 'origin', 'refs/notes/ai'], { GIT_COMMITTER_EMAIL: 'notes-bot@example.com' });
    const localTip = sh(b, ['rev-parse', 'refs/notes/ai']);
    const second = await fetchNotes({ context: B.sync, remote: 'origin' });
    expect(second.refs.find((r) => r.ref === 'refs/notes/ai')?.merge?.outcome).toBe('diverged');
    expect(sh(b, ['rev-parse', 'refs/notes/ai'])).toBe(localTip);
    const pushed = await pushNotes({ context: B.sync, remote: 'origin' });
    expect(pushed.refs.find((r) => r.ref === 'refs/notes/ai')?.push).toBe('read-only');
    expect(execFileSync('git', ['--git-dir', bare, 'notes', '--ref=ai', 'show', 'HEAD~1'], { encoding: 'utf8' })).toBe('remote\n');
  });

  it('hooks install: the pre-push hook pushes the notes with the branch, git fetch brings them to refs/notes/remotes/, notes merge joins them', async () => {
    const root = await tempDir();
    const bare = await forge(root);
    const [a, b] = [clone(root, bare, 'a'), clone(root, bare, 'b')];
    for (const dir of [a, b]) {
      await writeFile(path.join(dir, '.aiprov.yml'), 'notes:\n  committer:\n    name: Notes Bot\n    email: notes-bot@example.com\n');
      const installed = await runCli(['hooks', 'install', '--repo', dir, '--format', 'json']);
      expect(installed.code).toBe(0);
      expect(JSON.parse(installed.stdout)).toMatchObject({
        fetchRefspecs: [{ remote: 'origin', refspec: '+refs/notes/ai*:refs/notes/remotes/origin/ai*', action: 'added' }],
      });
    }
    await writeFile(path.join(a, 'f3.ts'), 'x\n');
    sh(a, ['add', 'f3.ts']);
    sh(a, ['commit', '--quiet', '-m', 'Agent work'], { CLAUDECODE: '1' });
    sh(a, ['push', '--quiet', 'origin', 'main']);
    expect(execFileSync('git', ['--git-dir', bare, 'notes', '--ref=aiprov', 'list'], { encoding: 'utf8' })).toContain(sh(a, ['rev-parse', 'HEAD']).trim());

    sh(b, ['fetch', '--quiet', 'origin']);
    sh(b, ['merge', '--quiet', '--ff-only', 'origin/main']);
    expect(sh(b, ['for-each-ref', '--format=%(refname)', 'refs/notes/'])).toBe('refs/notes/remotes/origin/aiprov\n');
    const merged = await runCli(['notes', 'merge', '--repo', b, '--format', 'json']);
    expect(merged.code).toBe(0);
    expect(validateAgainst('notesSync', JSON.parse(merged.stdout))).toBeNull();
    expect(agentsOn(b, 'HEAD')).toEqual(['claude-code']);

    // Off in the config: the branch goes, the notes stay.
    await writeFile(path.join(b, '.aiprov.yml'), 'notes:\n  pushWithBranch: false\n');
    await writeFile(path.join(b, 'f4.ts'), 'y\n');
    sh(b, ['add', 'f4.ts']);
    sh(b, ['commit', '--quiet', '-m', 'More agent work'], { CLAUDECODE: '1' });
    sh(b, ['push', '--quiet', 'origin', 'main']);
    expect(execFileSync('git', ['--git-dir', bare, 'notes', '--ref=aiprov', 'list'], { encoding: 'utf8' })).not.toContain(sh(b, ['rev-parse', 'HEAD']).trim());
  });

  it('names a remote that is not configured in one line, exit 2', async () => {
    const root = await tempDir();
    const bare = await forge(root);
    const a = clone(root, bare, 'a');
    const missing = await runCli(['notes', 'push', 'upstream', '--repo', a]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("aiprov: no remote named 'upstream' is configured (git remote -v lists them)\n");
    const url = await runCli(['notes', 'fetch', bare, '--repo', a]);
    expect(url.code).toBe(2);
    expect(url.stderr).toMatch(/^aiprov: '.*forge\.git' is not a remote's name \(give a remote configured with git remote add, not a URL\)\n$/);
  });
});
