import { beforeAll, describe, expect, it } from 'vitest';
import { AGENT_CASES, buildAgentsRepo } from '../../fixtures/agent-cases.js';
import { scanHistory } from '../../src/authorship/scan.js';
import type { ScanReport } from '../../src/authorship/types.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { ctx, tempDir } from '../helpers.js';

let report: ScanReport;
let shas: Map<string, string>;

beforeAll(async () => {
  const dir = await tempDir();
  shas = await buildAgentsRepo(dir);
  report = await scanHistory({ context: await ctx(dir) });
});

describe('scan of one commit per agent signature and its look-alikes', () => {
  it.each(AGENT_CASES.map((c) => [c.name, c] as const))('%s', (name, expected) => {
    const commit = report.commits.find((c) => c.sha === shas.get(name));
    expect(commit, name).toBeDefined();
    expect(commit?.detections).toEqual(expected.detections);
    expect(commit?.ai).toBe(expected.ai);
    expect(commit?.automation).toBe(expected.automationBy !== undefined);
    expect(commit?.automationBy).toEqual(expected.automationBy);
  });

  it('summarises by agent and model, keeping automation and unsigned commits apart', () => {
    const cases = AGENT_CASES;
    expect(report.summary.commits).toBe(cases.length);
    expect(report.summary.aiCommits).toBe(cases.filter((c) => c.ai).length);
    expect(report.summary.automationCommits).toBe(3);
    expect(report.summary.reviewSuggestionCommits).toBe(cases.filter((c) => c.detections.some((d) => d.role === 'review-suggestion')).length);
    expect(report.summary.noSignatureCommits).toBe(cases.filter((c) => c.detections.length === 0 && !c.automationBy).length);
    expect(report.summary.byAutomation).toEqual({ 'dependabot': 1, 'github-actions': 1, 'renovate': 1 });
    expect(report.summary.byAgent['claude-code']).toEqual({
      commits: 10,
      declared: 8,
      inferred: 2,
      models: { 'claude-3-opus': 1, 'claude-fable-5': 1, 'claude-opus-4.6': 1 },
    });
    expect(report.summary.byAgent.aider).toEqual({
      commits: 4,
      declared: 4,
      inferred: 0,
      models: { 'gpt-4o': 1, 'openai/gpt-4.1': 1, 'openrouter/anthropic/claude-3.5-sonnet': 1 },
    });
    expect(report.summary.byAgent.copilot).toEqual({ commits: 3, declared: 3, inferred: 0, models: {} });
    expect(report.summary.byAgent['gemini-cli']).toEqual({ commits: 2, declared: 2, inferred: 0, models: {} });
    expect(Object.keys(report.summary.byAgent)).toEqual([...Object.keys(report.summary.byAgent)].sort());
  });

  it('produces a report valid against schemas/scan-report.schema.json', () => {
    expect(validateAgainst('scanReport', report)).toBeNull();
  });
});
