import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAt, git, initRepo } from '../../fixtures/repos.js';
import { scanHistory } from '../../src/authorship/scan.js';
import { blameTree } from '../../src/blame/blame.js';
import { fixedClock } from '../../src/kernel/clock.js';
import { AiprovError } from '../../src/kernel/errors.js';
import { importHistory } from '../../src/git/fast-import.js';
import { recordAuthorship } from '../../src/record/record.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { ctx, tempDir } from '../helpers.js';

const clock = fixedClock('2026-03-01T12:00:00.000Z');

async function repoWithFile(): Promise<{ dir: string; sha: string }> {
  const dir = await tempDir();
  initRepo(dir);
  const [sha = ''] = await importHistory(dir, [commitAt(0, 'Add code\n', { files: { 'src/a.ts': 'l1\nl2\nl3\nl4\nl5\nl6\n', 'b.ts': 'b1\nb2\n' } })]);
  return { dir, sha };
}

const note = (dir: string, sha: string): unknown => JSON.parse(git(dir, 'notes', '--ref=refs/notes/aiprov', 'show', sha));

describe('aiprov record', () => {
  it('writes a schema-valid note with files, ranges, model, session and the prompt digest only', async () => {
    const { dir, sha } = await repoWithFile();
    const prompt = path.join(await tempDir(), 'prompt.txt');
    await writeFile(prompt, 'add the parser; API key sk-secret');
    const result = await recordAuthorship({
      context: await ctx(dir, { clock }),
      agent: 'claude-code',
      model: 'claude-opus-4-6',
      session: 'https://claude.ai/code/session_1',
      promptFile: prompt,
      files: ['src/a.ts:2-4,6', 'b.ts'],
    });
    expect(result.commit).toBe(sha);
    const stored = note(dir, sha);
    expect(validateAgainst('authorshipNote', stored)).toBeNull();
    expect(stored).toEqual({
      schema: 'https://aiprov.dev/authorship-note/v1',
      records: [
        {
          agent: 'claude-code',
          model: 'claude-opus-4-6',
          session: 'https://claude.ai/code/session_1',
          promptSha256: createHash('sha256').update('add the parser; API key sk-secret').digest('hex'),
          tool: { name: 'aiprov', version: expect.any(String) as string },
          recordedAt: '2026-03-01T12:00:00.000Z',
          files: [
            { path: 'b.ts' },
            {
              path: 'src/a.ts',
              ranges: [
                [2, 4],
                [6, 6],
              ],
            },
          ],
        },
      ],
    });
    expect(JSON.stringify(stored)).not.toContain('sk-secret');
  });

  it('stores the prompt text only when asked', async () => {
    const { dir, sha } = await repoWithFile();
    const prompt = path.join(await tempDir(), 'p2.txt');
    await writeFile(prompt, 'write tests');
    await recordAuthorship({ context: await ctx(dir, { clock }), agent: 'codex', promptFile: prompt, storePrompt: true });
    expect((note(dir, sha) as { records: { prompt?: string }[] }).records[0]?.prompt).toBe('write tests');
  });

  it('merges records: nothing already on the commit is lost, and a repeated record is kept once', async () => {
    const { dir, sha } = await repoWithFile();
    await recordAuthorship({ context: await ctx(dir, { clock }), agent: 'codex', files: ['src/a.ts:1-2'] });
    await recordAuthorship({ context: await ctx(dir, { clock: fixedClock('2026-03-02T00:00:00Z') }), agent: 'cursor', model: 'gpt-5', files: ['src/a.ts:5'] });
    await recordAuthorship({ context: await ctx(dir, { clock }), agent: 'codex', files: ['src/a.ts:1-2'] });
    const records = (note(dir, sha) as { records: { agent: string }[] }).records;
    expect(records.map((r) => r.agent)).toEqual(['codex', 'cursor']);
    const report = await blameTree({ context: await ctx(dir) });
    expect(report.files.find((f) => f.path === 'src/a.ts')).toMatchObject({ lines: 6, aiLines: 3, byAgent: { codex: 2, cursor: 1 } });
    const scan = await scanHistory({ context: await ctx(dir) });
    expect(scan.commits[0]?.detections.map((d) => d.agent)).toEqual(['codex', 'cursor']);
  });

  it('refuses to write over a note it cannot read, and leaves it as it was', async () => {
    const { dir, sha } = await repoWithFile();
    git(dir, 'notes', '--ref=refs/notes/aiprov', 'add', '-m', 'hand-written, not JSON', sha);
    await expect(recordAuthorship({ context: await ctx(dir, { clock }), agent: 'codex' })).rejects.toMatchObject({
      code: 'NOTE_UNREADABLE',
      message: expect.stringContaining(`the note on refs/notes/aiprov for commit ${sha.slice(0, 12)} is not JSON; refusing to write over it`) as unknown,
    });
    expect(git(dir, 'notes', '--ref=refs/notes/aiprov', 'show', sha)).toBe('hand-written, not JSON\n');
  });

  it.each([
    [{ agent: 'skynet' }, 'BAD_ARGUMENT', 'agent', /^agent skynet: unknown agent id \(known: aider, /],
    [{}, 'BAD_ARGUMENT', 'agent', /^agent is required/],
    [{ agent: 'codex', files: ['missing.ts'] }, 'BAD_PATH', 'files', /^files missing\.ts: no such file in commit [0-9a-f]{12}$/],
    [{ agent: 'codex', files: ['b.ts:1-9'] }, 'BAD_ARGUMENT', 'files', /^files b\.ts:1-9: the file has 2 lines in commit [0-9a-f]{12}$/],
    [{ agent: 'codex', files: ['b.ts:3-1'] }, 'BAD_ARGUMENT', 'files', /^files b\.ts:3-1: line ranges must look like 1-10,15/],
    [{ agent: 'codex', files: ['../etc/passwd'] }, 'BAD_PATH', 'files', /^files \.\.\/etc\/passwd: give a path relative to the repository root$/],
    [{ agent: 'codex', session: 'not a url' }, 'BAD_ARGUMENT', 'session', /^session not a url: not a URL$/],
    [{ agent: 'codex', promptFile: '/nonexistent/prompt' }, 'BAD_PATH', 'promptFile', /^promptFile \/nonexistent\/prompt: no such file$/],
    [{ agent: 'codex', commit: 'nope' }, 'BAD_REVISION', undefined, /^unknown revision 'nope'$/],
  ])('refuses %j', async (options, code, field, message) => {
    const { dir, sha } = await repoWithFile();
    const error = await recordAuthorship({ context: await ctx(dir, { clock }), ...options }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AiprovError);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) as unknown });
    expect((error as { field?: string }).field).toBe(field);
    expect(() => git(dir, 'notes', '--ref=refs/notes/aiprov', 'show', sha)).toThrow();
  });

  it('takes files, ranges and models from Agent Trace records for the commit', async () => {
    const { dir, sha } = await repoWithFile();
    const trace = path.join(await tempDir(), 'trace.jsonl');
    await writeFile(
      trace,
      [
        JSON.stringify({
          version: '0.1.0',
          id: '1',
          timestamp: 't',
          vcs: { type: 'git', revision: sha },
          tool: { name: 'cursor' },
          files: [
            {
              path: 'src/a.ts',
              conversations: [
                { contributor: { type: 'ai', model_id: 'anthropic/claude-sonnet-4-5' }, ranges: [{ start_line: 1, end_line: 3 }] },
                { contributor: { type: 'human' }, ranges: [{ start_line: 4, end_line: 6 }] },
              ],
            },
          ],
        }),
        JSON.stringify({ version: '0.1.0', id: '2', timestamp: 't', vcs: { type: 'git', revision: 'f'.repeat(40) }, tool: { name: 'cursor' }, files: [] }),
      ].join('\n'),
    );
    const result = await recordAuthorship({ context: await ctx(dir, { clock }), fromAgentTrace: trace });
    expect(result.added).toEqual([
      expect.objectContaining({ agent: 'cursor', model: 'anthropic/claude-sonnet-4.5', files: [{ path: 'src/a.ts', ranges: [[1, 3]] }] }),
    ]);
    const other = path.join(await tempDir(), 'trace2.jsonl');
    await writeFile(other, '');
    await expect(recordAuthorship({ context: await ctx(dir, { clock }), fromAgentTrace: other })).rejects.toThrow(/no AI-written ranges recorded for commit/);
  });

  it.each([
    ['../../etc/passwd', [1, 1], 'BAD_PATH', /fromAgentTrace .*: \.\.\/\.\.\/etc\/passwd: give a path relative to the repository root/],
    ['/etc/shadow', [1, 1], 'BAD_PATH', /fromAgentTrace .*: \/etc\/shadow: give a path relative to the repository root/],
    ['src/a.ts', [5, 1], 'BAD_ARGUMENT', /fromAgentTrace .*:1: src\/a\.ts:5-1 is not a range of lines \(1-based, start <= end\)/],
    ['src/a.ts', [1, 100], 'BAD_ARGUMENT', /fromAgentTrace src\/a\.ts:1-100: the file has \d+ lines in commit/],
  ] as const)('an Agent Trace record of %s %j gets the same checks as --files (issue 8, item 12)', async (file, [start, end], code, message) => {
    const { dir, sha } = await repoWithFile();
    const trace = path.join(await tempDir(), 'trace-bad.jsonl');
    await writeFile(
      trace,
      JSON.stringify({
        version: '0.1.0',
        id: '1',
        timestamp: 't',
        vcs: { type: 'git', revision: sha },
        tool: { name: 'cursor' },
        files: [{ path: file, conversations: [{ contributor: { type: 'ai' }, ranges: [{ start_line: start, end_line: end }] }] }],
      }),
    );
    const error = await recordAuthorship({ context: await ctx(dir, { clock }), fromAgentTrace: trace }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) as unknown });
    expect(() => git(dir, 'notes', '--ref=refs/notes/aiprov', 'show', sha)).toThrow();
  });
});
