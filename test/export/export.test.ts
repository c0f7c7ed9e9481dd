import { execFileSync } from 'node:child_process';
import { readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildBlameRepo } from '../../fixtures/blame-repo.js';
import { indexAgentTrace } from '../../src/authorship/line-records.js';
import { parseGitAiNote } from '../../src/authorship/git-ai.js';
import { traceRecordProblem, type TraceRecord } from '../../src/export/agent-trace.js';
import { gitAiNote } from '../../src/export/git-ai.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const TRACE = '.agent-trace/traces.jsonl';
const git = (dir: string, ...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
const DANA = ['-c', 'user.name=Dana Human', '-c', 'user.email=dana@example.com'];

interface FileCounts {
  path: string;
  lines: number;
  aiLines: number;
  byAgent: Record<string, number>;
  byModel: Record<string, number>;
}

/** `aiprov blame`, file by file and agent by agent, the trace file itself aside (it is what changes). */
async function blameOf(dir: string): Promise<FileCounts[]> {
  const run = await runCli(['blame', '--repo', dir, '--format', 'json']);
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { files: FileCounts[] }).files.filter((f) => f.path !== TRACE);
}

/** Only what the export wrote is left to say who wrote what: aiprov's and git-ai's notes gone, and the tree's trace file replaced or removed. */
async function onlyExported(dir: string, traces: string | undefined): Promise<void> {
  for (const ref of ['refs/notes/aiprov', 'refs/notes/ai']) git(dir, 'update-ref', '-d', ref);
  if (traces === undefined) git(dir, 'rm', '-q', TRACE);
  else {
    await writeFile(path.join(dir, TRACE), traces);
    git(dir, 'add', TRACE);
  }
  git(dir, ...DANA, 'commit', '-q', '-m', 'Trace records');
}

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
  await buildBlameRepo(dir);
  git(dir, 'reset', '-q', '--hard', 'main');
});

describe('aiprov export: the established attribution in Agent Trace and git-ai formats, read back to the same blame', () => {
  it('Agent Trace: every record valid against the published schema; read back alone, the same blame file by file and agent by agent', async () => {
    // A commit with an agent's trailer whose git-ai note names its lines a known person's: its records decide, and say no AI line.
    await writeFile(path.join(dir, 'typed.ts'), 'export const typed = 1;\nexport const byHand = 2;\n');
    git(dir, 'add', 'typed.ts');
    git(dir, ...DANA, 'commit', '-q', '-m', 'Typed by hand\n\nCo-Authored-By: Claude <noreply@anthropic.com>');
    const typed = git(dir, 'rev-parse', 'HEAD').trim();
    const human = {
      schema_version: 'authorship/3.0.0',
      base_commit_sha: typed,
      prompts: {},
      humans: { h_0123456789abcd: { author: 'Dana Human <dana@example.com>' } },
    };
    git(dir, 'notes', '--ref=ai', 'add', '-m', `typed.ts\n  h_0123456789abcd 1-2\n---\n${JSON.stringify(human)}`, typed);
    const before = await blameOf(dir);
    expect(before.find((f) => f.path === 'typed.ts')).toMatchObject({ lines: 2, aiLines: 0 });
    expect(before.some((f) => f.aiLines > 0)).toBe(true);
    const out = path.join(await tempDir(), 'traces.jsonl');
    const run = await runCli(['export', '--repo', dir, '--format', 'agent-trace', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    const text = await readFile(out, 'utf8');
    const records = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TraceRecord);
    for (const r of records) expect(traceRecordProblem(r), r.id).toBeNull();
    // aiprov's own reader takes every record (no warning), and each names a commit of the history.
    const warnings: never[] = [];
    const index = indexAgentTrace(text, 'export', warnings);
    expect(warnings).toEqual([]);
    for (const r of records) expect(index.get(r.vcs.revision)?.ranged, r.vcs.revision).toBe(true);
    expect(records.filter((r) => r.vcs.revision === typed)).toEqual([expect.objectContaining({ files: [] })]);

    await onlyExported(dir, text);
    expect(await blameOf(dir)).toEqual(before);

    // Exporting again adds nothing to the file it wrote.
    const again = await runCli(['export', '--repo', dir, '--format', 'agent-trace', '-o', out]);
    expect(again.stderr).toContain(`0 Agent Trace records written to ${out} (${records.length} already there)`);
    expect(await readFile(out, 'utf8')).toBe(text);
  });

  it('git-ai: authorship/3.0.0 notes aiprov reads back; alone, the same blame; notes a commit already has are kept', async () => {
    const before = await blameOf(dir);
    const existing = git(dir, 'notes', '--ref=ai', 'list')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '');
    expect(existing.length).toBeGreaterThan(0);
    const run = await runCli(['export', '--repo', dir, '--format', 'git-ai', '--notes-ref', 'refs/notes/ai-export']);
    expect(run.code, run.stderr).toBe(0);
    const exported = git(dir, 'notes', '--ref=ai-export', 'list').trim().split('\n');
    for (const line of exported) {
      const sha = line.split(' ')[1] ?? '';
      const note = parseGitAiNote(git(dir, 'notes', '--ref=ai-export', 'show', sha));
      expect(note.ok, sha).toBe(true);
      const text = git(dir, 'notes', '--ref=ai-export', 'show', sha);
      expect(text).toMatch(/^[^\n]+\n {2}s_[0-9a-f]{14}::t_[0-9a-f]{14} [0-9,-]+\n/);
      // The standard's required metadata: the schema, the commit it was computed against, prompts (empty: sessions carry the agents).
      const meta = JSON.parse(text.slice(text.indexOf('\n---\n') + 5)) as Record<string, unknown>;
      expect(meta).toMatchObject({ schema_version: 'authorship/3.0.0', base_commit_sha: sha, prompts: {} });
    }
    // Into refs/notes/ai itself: the commits git-ai already noted keep their notes, byte for byte.
    const theirs = existing.map((sha) => git(dir, 'notes', '--ref=ai', 'show', sha));
    const into = await runCli(['export', '--repo', dir, '--format', 'git-ai']);
    expect(into.stderr).toMatch(/git-ai notes? added to refs\/notes\/ai; \d+ commits? already had one there/);
    expect(existing.map((sha) => git(dir, 'notes', '--ref=ai', 'show', sha))).toEqual(theirs);

    git(dir, 'update-ref', 'refs/notes/ai-kept', 'refs/notes/ai-export');
    await onlyExported(dir, undefined);
    // Without the export, the lines only notes and the trace file said were an agent's are no longer so: the check can fail.
    expect(await blameOf(dir)).not.toEqual(before);
    git(dir, 'update-ref', 'refs/notes/ai', 'refs/notes/ai-kept');
    expect(await blameOf(dir)).toEqual(before);
  });

  it('what git-ai cannot say: lines two agents share go under both keys (its reader gives them to the later); a commit whose records name no line gets no note, nor a file whose name holds a line break', () => {
    const shared = gitAiNote({
      commit: 'a'.repeat(40),
      recorded: true,
      committedAt: '2026-01-01T00:00:00.000Z',
      files: [
        {
          path: 'src/x.ts',
          claimants: [
            { agent: 'claude-code', model: 'claude-opus-4.6', ranges: [[1, 3]], confidence: 'declared' },
            { agent: 'devin', model: 'unknown', ranges: [[1, 3]], confidence: 'inferred' },
          ],
        },
        { path: 'a\nb.ts', claimants: [{ agent: 'codex', model: 'gpt-5', ranges: [[1, 1]], confidence: 'declared' }] },
        { path: 'my file.ts', claimants: [{ agent: 'codex', model: 'gpt-5', ranges: [[2, 4]], confidence: 'declared' }] },
      ],
    });
    expect(shared.skipped).toEqual(['a\nb.ts']);
    const parsed = parseGitAiNote(shared.text);
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.value.files.get('src/x.ts')?.map((e) => e.ranges)).toEqual([[[1, 3]], [[1, 3]]]);
    expect([...parsed.value.files.keys()]).toEqual(['src/x.ts', 'my file.ts']);
    expect([...parsed.value.sessions.values()].map((s) => [s.agent, s.model])).toEqual(
      expect.arrayContaining([
        ['claude-code', 'claude-opus-4.6'],
        ['devin', undefined],
        ['codex', 'gpt-5'],
      ]),
    );
    expect(gitAiNote({ commit: 'b'.repeat(40), recorded: true, committedAt: '2026-01-01T00:00:00.000Z', files: [] }).text).toBe('');
  });

  it("Agent Trace's own example record passes the schema and is read by aiprov; a malformed record does not pass", async () => {
    const example = JSON.parse(await readFile(path.join(ROOT, 'fixtures', 'agent-trace', 'example.json'), 'utf8')) as TraceRecord;
    expect(traceRecordProblem(example)).toBeNull();
    const warnings: never[] = [];
    const index = indexAgentTrace(JSON.stringify(example), 'example', warnings);
    expect(index.get(example.vcs.revision)?.ranged).toBe(true);
    expect(traceRecordProblem({ ...example, version: '1.0' })).toMatch(/version/);
    expect(traceRecordProblem({ ...example, id: 'not-a-uuid' })).toMatch(/id/);
  });

  it('a commit whose note cannot be read is not exported, and the warning names it: a record would stand for the note nobody read', async () => {
    await writeFile(path.join(dir, 'odd.ts'), 'export const odd = 1;\n');
    git(dir, 'add', 'odd.ts');
    git(dir, ...DANA, 'commit', '-q', '-m', 'Odd\n\nCo-Authored-By: Claude <noreply@anthropic.com>');
    const odd = git(dir, 'rev-parse', 'HEAD').trim();
    git(dir, 'notes', '--ref=aiprov', 'add', '-m', '{"schema": "not a note"', odd);
    const run = await runCli(['export', '--repo', dir, '--format', 'agent-trace', '-o', '-']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`warning: ${odd.slice(0, 12)} is not exported: a note of it could not be read (above)`);
    expect(run.stdout).not.toContain(odd);
    expect(run.stdout.trim().split('\n').length).toBeGreaterThan(1);
  });

  it('refuses what it cannot do, in one line: no format, another format, a file for git-ai notes', async () => {
    const none = await runCli(['export', '--repo', dir]);
    expect([none.code, none.stderr]).toEqual([2, 'aiprov: export writes --format agent-trace or git-ai: say which\n']);
    const other = await runCli(['export', '--repo', dir, '--format', 'json']);
    expect([other.code, other.stderr]).toEqual([2, 'aiprov: export writes --format agent-trace or git-ai, not json\n']);
    const file = await runCli(['export', '--repo', dir, '--format', 'git-ai', '-o', 'x.txt']);
    expect([file.code, file.stderr]).toEqual([2, 'aiprov: --format git-ai writes notes (--notes-ref), not a file\n']);
    // The repository is untrusted: its .agent-trace may not lead the default file elsewhere.
    const outside = await tempDir();
    await rm(path.join(dir, '.agent-trace'), { recursive: true, force: true });
    await symlink(outside, path.join(dir, '.agent-trace'));
    const linked = await runCli(['export', '--repo', dir, '--format', 'agent-trace']);
    expect([linked.code, linked.stderr]).toEqual([2, 'aiprov: .agent-trace in the repository is a symbolic link: not written through; give --output FILE\n']);
    expect(await readdir(outside)).toEqual([]);
  });
});
