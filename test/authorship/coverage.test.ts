import { describe, expect, it } from 'vitest';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { CoverageAccumulator } from '../../src/authorship/coverage.js';
import { openScan, scanHistory } from '../../src/authorship/scan.js';
import type { CommitReport } from '../../src/authorship/types.js';
import { blameTree } from '../../src/blame/blame.js';
import { collectDashboard } from '../../src/dashboard/collect.js';
import { renderDashboardHtml } from '../../src/render/dashboard-page.js';
import { importHistory } from '../../src/git/fast-import.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { renderBlameTable } from '../../src/render/blame-render.js';
import { plainStyle } from '../../src/render/style.js';
import { runCli } from '../cli/run-cli.js';
import { ctx, tempDir } from '../helpers.js';

const CLAUDE = 'Co-Authored-By: Claude <noreply@anthropic.com>';
const note = (agent: string, files?: { path: string; ranges: [number, number][] }[]): string =>
  JSON.stringify({
    schema: 'https://aiprov.dev/authorship-note/v1',
    records: [{ agent, ...(files ? { files } : {}), tool: { name: 'aiprov', version: '0.1.0' }, recordedAt: '2026-01-01T00:00:00Z' }],
  });
const notes = (text: string) => ({ notes: { 'refs/notes/aiprov': text } });

/**
 * Six commits of known coverage: a person's; Claude Code by its trailer alone; Cursor with line
 * records; Codex with a record naming no lines; Claude Code's trailer with a Cursor line record
 * (a record naming an agent the trailers do not); Cursor records past the end of a file and on
 * a file the commit did not write.
 */
async function repo(): Promise<{ dir: string; shas: string[] }> {
  const dir = await tempDir();
  initRepo(dir);
  const shas = await importHistory(dir, [
    commitAt(0, 'Person\n', { files: { 'p.txt': 'p\np\n' } }),
    commitAt(1, `Trailer only\n\n${CLAUDE}\n`, { files: { 't.txt': 't\nt\nt\nt\n' } }),
    commitAt(2, 'Recorded lines\n', { files: { 'a.txt': 'a1\na2\na3\n' }, ...notes(note('cursor', [{ path: 'a.txt', ranges: [[1, 2]] }])) }),
    commitAt(3, 'Recorded whole\n', { files: { 'w.txt': 'w\nw\nw\n' }, ...notes(note('codex')) }),
    commitAt(4, `Both\n\n${CLAUDE}\n`, { files: { 'b.txt': 'b1\nb2\n' }, ...notes(note('cursor', [{ path: 'b.txt', ranges: [[2, 2]] }])) }),
    commitAt(5, 'Bad record\n', {
      files: { 'c.txt': 'c1\nc2\nc3\n' },
      ...notes(
        note('cursor', [
          { path: 'c.txt', ranges: [[2, 10]] },
          { path: 'p.txt', ranges: [[1, 1]] },
        ]),
      ),
    }),
  ]);
  return { dir, shas };
}

describe('coverage and consistency of the records', () => {
  it('scan --coverage: each commit in one class, per agent, and every record that disagrees with its commit named', async () => {
    const { dir, shas } = await repo();
    const report = await scanHistory({ context: await ctx(dir), coverage: (await ctx(dir)).git });
    expect(validateAgainst('scanReport', report)).toBeNull();
    expect(report.coverage?.commits).toEqual({ lineRecords: 3, recovered: 0, wholeCommitRecords: 1, signaturesOnly: 1, neither: 1 });
    expect(report.coverage?.byAgent).toEqual({
      'claude-code': { lineRecords: 1, wholeCommitRecords: 0, signaturesOnly: 1 },
      'codex': { lineRecords: 0, wholeCommitRecords: 1, signaturesOnly: 0 },
      'cursor': { lineRecords: 3, wholeCommitRecords: 0, signaturesOnly: 0 },
    });
    const [, , , , both, bad] = shas as [string, string, string, string, string, string];
    expect(report.coverage?.disagreements.map((d) => [d.commit, d.kind, d.path ?? d.agent])).toEqual(
      [
        [both, 'agent-not-in-trailers', 'cursor'],
        [bad, 'range-past-end', 'c.txt'],
        [bad, 'file-not-written', 'p.txt'],
      ].sort((a, b) => (a[0] === b[0] ? 0 : (a[0] ?? '') < (b[0] ?? '') ? -1 : 1)),
    );
    expect(report.coverage?.disagreements.find((d) => d.kind === 'range-past-end')?.message).toBe(
      `${bad.slice(0, 12)}: a record claims line 10 of c.txt, which has 3 lines there`,
    );
    expect(report.coverage?.disagreementCount).toBe(3);
    expect(report.coverage?.disagreementsByKind).toEqual({ 'agent-not-in-trailers': 1, 'range-past-end': 1, 'file-not-written': 1 });
    // Asked twice (the table and a saved JSON of one run), the checks run once and count once.
    const session = await openScan({ context: await ctx(dir), coverage: (await ctx(dir)).git });
    const streamed: string[] = [];
    for await (const commit of session.commits()) streamed.push(commit.sha);
    expect(streamed).toHaveLength(6);
    const [first, second] = [await session.coverage?.result(), await session.coverage?.result()];
    expect([first?.disagreementCount, second?.disagreementCount]).toEqual([3, 3]);
    // Without the flag, nothing is computed or reported.
    expect((await scanHistory({ context: await ctx(dir) })).coverage).toBeUndefined();
  });

  it('blame --coverage: the AI lines from line records against those from whole commits, per agent', async () => {
    const { dir } = await repo();
    const context = await ctx(dir);
    const report = await blameTree({ context, coverage: context.git });
    expect(validateAgainst('blameReport', report)).toBeNull();
    // From records (cursor): a.txt 1-2, b.txt 2, c.txt 2-3 (the record's 2-10 clipped to the file); whole commits: t.txt 4 (Claude Code), w.txt 3 (Codex).
    expect(report.coverage?.lines).toEqual({
      fromRecords: 5,
      wholeCommit: 7,
      byAgent: { 'codex': { fromRecords: 0, wholeCommit: 3 }, 'claude-code': { fromRecords: 0, wholeCommit: 4 }, 'cursor': { fromRecords: 5, wholeCommit: 0 } },
    });
    expect(report.totals.aiLines).toBe(12);
    expect(report.coverage?.commits).toEqual({ lineRecords: 3, recovered: 0, wholeCommitRecords: 1, signaturesOnly: 1, neither: 1 });
    const table = renderBlameTable(report, plainStyle);
    expect(table).toContain('5 commits with AI evidence: 3 with line records, 1 with records naming no lines, 1 known by signatures alone; 1 with neither');
    expect(table).toContain('12 AI lines: 5 from line records, 7 from whole-commit evidence');
    expect(table).toContain('3 records disagree with their commit (1 agent-not-in-trailers, 1 range-past-end, 1 file-not-written):');
  });

  it("a record of a tool nobody recognised ('other') says nothing against the agent the trailers name", async () => {
    const acc = new CoverageAccumulator({} as never);
    const detection = (agent: string, kind: 'trailer' | 'note') => ({
      agent,
      confidence: 'declared',
      role: 'author',
      evidence: [{ kind, text: '', source: kind === 'note' ? 'refs/notes/ai' : 'co-authored-by' }],
    });
    const report = { sha: 'a'.repeat(40), ai: true, detections: [detection('claude-code', 'trailer'), detection('other', 'note')] } as unknown as CommitReport;
    acc.add(report, undefined);
    acc.add(
      { ...report, sha: 'b'.repeat(40), detections: [detection('claude-code', 'trailer'), detection('cursor', 'note')] } as unknown as CommitReport,
      undefined,
    );
    const result = await acc.result();
    expect(result.disagreements.map((d) => [d.commit[0], d.agent])).toEqual([['b', 'cursor']]);
  });

  it('the dashboard shows the same classes month by month', async () => {
    const { dir } = await repo();
    const data = await collectDashboard({ context: await ctx(dir), now: new Date('2026-04-10T12:00:00Z') });
    expect(validateAgainst('dashboard', data)).toBeNull();
    expect(data.coverage).toEqual([{ start: '2025-01-01', aiCommits: 5, lineRecords: 3, wholeCommitRecords: 1, signaturesOnly: 1 }]);
    expect(renderDashboardHtml(data)).toMatch(
      /<h2 id="records-h">How complete the records are<\/h2><table id="coverage-table">.*<td data-value="2025-01-01">2025-01<\/td><td class="n" data-value="5">5<\/td><td class="n" data-value="3">3<\/td>/s,
    );
  });

  it('the CLI takes --coverage on scan and blame, and the JSON validates', async () => {
    const { dir } = await repo();
    const scan = await runCli(['scan', '--coverage', '--repo', dir, '--format', 'json']);
    expect(scan.code).toBe(0);
    const parsed = JSON.parse(scan.stdout) as { coverage: { commits: object } };
    expect(validateAgainst('scanReport', parsed)).toBeNull();
    expect(parsed.coverage.commits).toEqual({ lineRecords: 3, recovered: 0, wholeCommitRecords: 1, signaturesOnly: 1, neither: 1 });
    const table = await runCli(['scan', '--coverage', '--repo', dir]);
    expect(table.stdout).toMatch(/\nAGENT +LINE RECORDS +WHOLE-COMMIT RECORDS +SIGNATURES ONLY\nclaude-code +1 +0 +1\n/);
    const blame = await runCli(['blame', '--coverage', '--repo', dir, '--format', 'json']);
    expect(blame.code).toBe(0);
    expect(validateAgainst('blameReport', JSON.parse(blame.stdout))).toBeNull();
  });
});
