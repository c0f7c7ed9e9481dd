/** Issue 8, item 23: the same model under two spellings is one model. */
import { describe, expect, it } from 'vitest';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { normalizeModel } from '../../src/authorship/agents.js';
import { blameTree } from '../../src/blame/blame.js';
import { importHistory } from '../../src/git/fast-import.js';
import { recordAuthorship } from '../../src/record/record.js';
import { ctx, tempDir } from '../helpers.js';

describe('model ids', () => {
  it.each([
    ['claude-opus-4-6', 'claude-opus-4.6'],
    ['Claude Opus 4.6', 'claude-opus-4.6'],
    ['claude-opus-4.6', 'claude-opus-4.6'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4.5-20250929'],
    ['claude-3-5-sonnet', 'claude-3.5-sonnet'],
    ['gemini-2-5-pro', 'gemini-2.5-pro'],
    ['gpt-4o-2024-08-06', 'gpt-4o-2024-08-06'],
    ['gpt-5', 'gpt-5'],
    ['openai/gpt-4.1', 'openai/gpt-4.1'],
    ['llama-3-1-70b', 'llama-3.1-70b'],
  ])('%s is %s', (written, canonical) => {
    expect(normalizeModel(written)).toBe(canonical);
  });

  it('a record of claude-opus-4-6 and a trailer of claude-opus-4.6 count as one model in blame, the spelling kept in the evidence', async () => {
    const dir = await tempDir();
    initRepo(dir);
    const [first = ''] = await importHistory(dir, [
      commitAt(0, 'By record\n', { files: { 'a.txt': 'one\n' } }),
      commitAt(1, 'By trailer\n\nAssisted-by: claude-code:claude-opus-4.6\n', { files: { 'b.txt': 'two\n' } }),
    ]);
    const recorded = await recordAuthorship({ context: await ctx(dir), commit: first, agent: 'claude-code', model: 'claude-opus-4-6', files: ['a.txt'] });
    expect(recorded.added[0]?.model).toBe('claude-opus-4-6');
    const report = await blameTree({ context: await ctx(dir) });
    expect(Object.keys(report.totals.byModel)).toEqual(['claude-opus-4.6']);
    expect(report.totals.byModel['claude-opus-4.6']).toBe(2);
  });
});
