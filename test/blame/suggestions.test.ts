import { describe, expect, it } from 'vitest';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { blameTree } from '../../src/blame/blame.js';
import { generateBom } from '../../src/bom/bom.js';
import { collectDashboard } from '../../src/dashboard/collect.js';
import { renderDashboardHtml } from '../../src/render/dashboard-page.js';
import { importHistory } from '../../src/git/fast-import.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { renderBlameTable } from '../../src/render/blame-render.js';
import { plainStyle } from '../../src/render/style.js';
import { ctx, tempDir } from '../helpers.js';

describe('applied AI review suggestions in blame', () => {
  it("are the suggesting agent's lines, in their own count, never in the AI share; every vendor the same", async () => {
    const dir = await tempDir();
    initRepo(dir);
    await importHistory(dir, [
      commitAt(0, 'Start\n', { files: { 'a.ts': 'a\nb\n' } }),
      commitAt(1, 'Agent work\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n', { files: { 'c.ts': 'c1\nc2\n' } }),
      commitAt(2, 'Apply review suggestion\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>\n', { files: { 'd.ts': 'd1\nd2\nd3\n' } }),
      commitAt(3, 'Apply suggestion\n\nCo-authored-by: gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>\n', {
        files: { 'e.ts': 'e1\n' },
      }),
    ]);
    const report = await blameTree({ context: await ctx(dir) });
    expect(validateAgainst('blameReport', report)).toBeNull();
    expect([report.totals.lines, report.totals.aiLines, report.totals.byAgent]).toEqual([8, 2, { 'claude-code': 2 }]);
    expect(report.suggestions).toEqual({ lines: 4, byAgent: { 'copilot': 3, 'gemini-cli': 1 } });
    expect(renderBlameTable(report, plainStyle)).toContain(
      '4 more lines from applied AI review suggestions (copilot 3, gemini-cli 1): a person accepted them; not in the AI share above',
    );
    // The AI-BOM and the dashboard say the same: the share is the agents' lines, the suggestions apart.
    const bom = await generateBom({ context: await ctx(dir), reproducible: true });
    const property = (name: string): string | undefined =>
      ((bom.bom.properties ?? []) as { name: string; value: string }[]).find((p) => p.name === name)?.value;
    expect([property('aiprov:ai-lines'), property('aiprov:suggestion-lines')]).toEqual(['2', '4']);
    const dashboard = await collectDashboard({ context: await ctx(dir), now: new Date('2026-04-10T12:00:00Z') });
    expect([dashboard.totals.aiLines, dashboard.totals.suggestionLines]).toEqual([2, 4]);
    expect(renderDashboardHtml(dashboard)).toContain('; 4 more from applied AI review suggestions, not in the share');
  });

  it('a history without them reports none', async () => {
    const dir = await tempDir();
    initRepo(dir);
    await importHistory(dir, [commitAt(0, 'Agent\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n', { files: { 'a.ts': 'a\n' } })]);
    expect((await blameTree({ context: await ctx(dir) })).suggestions).toBeUndefined();
  });
});
