import type { Log } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINDINGS_EXPECTED, type FindingsRepo } from '../../fixtures/findings-repo.js';
import { attributeFindings } from '../../src/findings/findings.js';
import { parseSarif, type SarifInput } from '../../src/findings/sarif.js';
import type { AttributedFinding, FindingsReport } from '../../src/findings/types.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { ctx } from '../helpers.js';
import { validateSarif } from '../sarif-schema.js';
import { scannedFixture } from './scanners.js';

let repo: FindingsRepo;
let eslint: string;
let flawfinder: string;
beforeAll(async () => {
  ({ repo, eslint, flawfinder } = await scannedFixture());
});

const run = async (inputs: SarifInput[], options: { rev?: string; sourceRoot?: string } = {}) =>
  attributeFindings({ context: await ctx(repo.dir), inputs, ...options });
const byPlace = (report: FindingsReport): Record<string, AttributedFinding> => Object.fromEntries(report.findings.map((f) => [`${f.path}:${f.startLine}`, f]));

describe('aiprov findings: real scanners, authorship known line by line', () => {
  it("attributes ESLint's and flawfinder's findings to the agents and people who wrote the lines", async () => {
    const { report } = await run([parseSarif(eslint, 'eslint.sarif'), parseSarif(flawfinder, 'flawfinder.sarif')]);
    const found = byPlace(report);
    for (const [place, expected] of Object.entries({ ...FINDINGS_EXPECTED.eslint, ...FINDINGS_EXPECTED.flawfinder }))
      expect(found[place], place).toMatchObject(expected);
    expect(Object.keys(found).sort()).toEqual(Object.keys({ ...FINDINGS_EXPECTED.eslint, ...FINDINGS_EXPECTED.flawfinder }).sort());
    // The straddling eval: its first line is the person's, its second Codex's, its third the person's again.
    expect(found['src/server.js:11']).toMatchObject({ endLine: 13, agents: ['codex'], models: ['gpt-5-codex'], commits: [repo.shas[3]] });
    // The renamed file's lines are still Claude's commit's.
    expect(found['lib/ai-helpers.js:4']?.commits).toEqual([repo.shas[1]]);
    // The scratch file is not in git: counted apart, named.
    expect(report.apart).toEqual([expect.objectContaining({ tool: 'ESLint', reason: 'not-in-tree', uri: 'scratch.js' })]);
    expect(report.totals).toEqual({ results: 8, attributed: 7, ai: 4, noAgent: 3, mixed: 1, apart: { 'not-in-tree': 1 } });
    expect(validateAgainst('findingsReport', report)).toBeNull();
  });

  it('counts the lines each run covered: the artifacts ESLint lists, the whole tree for flawfinder, which lists none', async () => {
    const { report } = await run([parseSarif(eslint, 'eslint.sarif'), parseSarif(flawfinder, 'flawfinder.sarif')]);
    expect(report.runs.map((r) => [r.tool, r.coverage, r.files, r.results, r.counted, r.complete])).toEqual([
      ['ESLint', 'artifacts', 2, 6, 5, true],
      ['Flawfinder', 'tree', 4, 2, 2, true],
    ]);
    // server.js 14 lines (Codex 5), ai-helpers.js 7 (Claude), copy.c 4 (Claude), fmt.c 4.
    expect(report.coverage).toEqual({ files: 4, lines: 29, aiLines: 16, noAgentLines: 13 });
    expect(report.density.ai).toMatchObject({ count: 4, lines: 16, per1000: 250 });
    expect(report.density.noAgent).toMatchObject({ count: 3, lines: 13 });
    expect(report.density.verdict).toMatch(/^no measurable difference/);
    expect(report.byAgent.map((r) => [r.key, r.count, r.lines])).toEqual([
      ['claude-code', 3, 11],
      ['codex', 1, 5],
    ]);
    expect(report.byRule.find((r) => r.ruleId === 'security/detect-eval-with-expression')).toMatchObject({ total: 2, ai: 0, noAgent: 2, mixed: 1 });
  });

  it("narrows the tree a log without artifacts covers with --exclude; a log's own artifacts stand", async () => {
    const narrowed = await attributeFindings({
      context: await ctx(repo.dir),
      inputs: [parseSarif(flawfinder, 'flawfinder.sarif')],
      exclude: ['src/**', 'lib/**'],
    });
    // copy.c (Claude's, 4 lines) and fmt.c (the person's, 4 lines) only.
    expect(narrowed.report.coverage).toEqual({ files: 2, lines: 8, aiLines: 4, noAgentLines: 4 });
    const listed = await attributeFindings({ context: await ctx(repo.dir), inputs: [parseSarif(eslint, 'eslint.sarif')], exclude: ['src/**'] });
    expect(listed.report.runs[0]?.files).toBe(2);
  });

  it('hands the logs back enriched, still valid SARIF, nothing but the property bags changed', async () => {
    const { enriched } = await run([parseSarif(eslint, 'eslint.sarif'), parseSarif(flawfinder, 'flawfinder.sarif')]);
    for (const [i, original] of [eslint, flawfinder].entries()) {
      const log = enriched[i]?.log as Log;
      expect(validateSarif(log), JSON.stringify(validateSarif.errors)).toBe(true);
      const stripped = structuredClone(log);
      for (const r of stripped.runs.flatMap((x) => x.results ?? [])) {
        delete r.properties?.aiprov;
        if (r.properties && Object.keys(r.properties).length === 0) delete r.properties;
      }
      expect(stripped).toEqual(JSON.parse(original));
    }
    const copy = enriched[1]?.log.runs[0]?.results?.find((r) => r.ruleId === 'FF1001');
    expect(copy?.properties?.aiprov).toEqual({
      class: 'ai',
      countedAs: 'ai',
      agents: ['claude-code'],
      models: ['claude-sonnet-4.5'],
      commits: [repo.shas[1]],
      lines: { ai: 1, noAgent: 0 },
      confidence: 'declared',
    });
    expect(
      enriched[0]?.log.runs[0]?.results?.find((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri?.endsWith('scratch.js'))?.properties,
    ).toEqual({
      aiprov: { apart: 'not-in-tree' },
    });
  });
});
