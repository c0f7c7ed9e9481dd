import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commitAt } from '../../fixtures/repos.js';
import { DEFAULT_CAPS, generateBom } from '../../src/bom/bom.js';
import { exactVersion, purlOf } from '../../src/bom/dependencies.js';
import { assertValidBom, bomProblems, isEmail } from '../../src/bom/validate.js';
import { importHistory } from '../../src/git/fast-import.js';
import { ctx, tempDir } from '../helpers.js';

describe('the BOM on a repository with more AI-written files than its cap', () => {
  // The cap is a parameter: 25 files against a cap of 10 show what 2,500 against the default 1,000 would.
  it('lists the cap of files per model, the ones with the most lines, states the cap, and stays valid; the default is 1000 and lists all below it', async () => {
    const dir = await tempDir();
    execFileSync('git', ['init', '--quiet', '--initial-branch=main', dir]);
    const files = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`src/m${String(i).padStart(4, '0')}.ts`, i < 5 ? 'a\nb\n' : 'a\n']));
    await importHistory(dir, [commitAt(0, 'Generate the modules\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n', { files })]);
    const context = await ctx(dir);
    type Model = { name: string; evidence: { occurrences: { location: string }[] }; properties: { name: string; value: string }[] };
    const modelOf = (bom: Record<string, unknown>): Model | undefined => (bom.components as Model[]).find((c) => c.name === 'claude-sonnet-4.5');
    const capped = await generateBom({ context, reproducible: true, caps: { files: 10 } });
    const model = modelOf(capped.bom);
    expect(model?.evidence.occurrences).toHaveLength(10);
    // The five files with two lines first, then by path.
    expect(model?.evidence.occurrences.map((o) => o.location)).toEqual(Array.from({ length: 10 }, (_, i) => `src/m000${i}.ts`));
    expect(model?.properties.find((p) => p.name === 'aiprov:occurrences-capped')?.value).toBe('10 of 25 files listed, those with the most lines (cap 10)');
    expect(model?.properties.find((p) => p.name === 'aiprov:lines')?.value).toBe('30');
    expect(await bomProblems(capped.text, '1.6')).toEqual([]);
    expect(DEFAULT_CAPS).toEqual({ files: 1000, commits: 1000 });
    const all = modelOf((await generateBom({ context, reproducible: true })).bom);
    expect(all?.evidence.occurrences).toHaveLength(25);
    expect(all?.properties.find((p) => p.name === 'aiprov:occurrences-capped')).toBeUndefined();
  });
});

describe('validation of a BOM before it is written', () => {
  it('names the JSON path and the rule of each problem, on one line', async () => {
    const bad = JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      version: 1,
      components: [{ type: 'machine-learning-model', name: 'm', evidence: { identity: [{ field: 'name', confidence: 3 }] } }],
    });
    const problems = await bomProblems(bad, '1.6');
    expect(problems).toEqual(['$.components[0].evidence.identity[0].confidence: must be <= 1 [maximum]']);
    await expect(assertValidBom(bad, '1.6')).rejects.toMatchObject({
      code: 'BOM_INVALID',
      message:
        'the AI-BOM does not validate against CycloneDX 1.6 (nothing was written): $.components[0].evidence.identity[0].confidence: must be <= 1 [maximum]',
    });
    expect(await bomProblems(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, bogus: true }), '1.6')).toEqual([
      "$: must NOT have additional properties 'bogus' [additionalProperties]",
    ]);
    expect(
      await bomProblems(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [{ type: 'robot', name: 'x' }] }), '1.6'),
    ).toEqual([expect.stringMatching(/^\$\.components\[0\]\.type: must be equal to one of the allowed values \(one of application, .*\) \[enum\]$/)]);
  });
});

describe('e-mail addresses in pedigree commits', () => {
  it("are checked by the schema's own test, remembered by address: a bad one still fails validation, twice", async () => {
    expect(isEmail('dana@example.com')).toBe(true);
    expect(isEmail('49699333+dependabot[bot]@users.noreply.github.com')).toBe(false);
    const doc = (email: string): string =>
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        version: 1,
        components: [{ type: 'machine-learning-model', name: 'm', pedigree: { commits: [{ uid: 'a', author: { name: 'x', email } }] } }],
      });
    for (let i = 0; i < 2; i++) {
      expect(await bomProblems(doc('not an address'), '1.6')).toEqual([
        '$.components[0].pedigree.commits[0].author.email: must match format "idn-email" (idn-email) [format]',
      ]);
      expect(await bomProblems(doc('dana@example.com'), '1.6')).toEqual([]);
    }
  });
});

describe('package URLs of audited dependencies', () => {
  it('carries a version only where the spec pins one', () => {
    expect(purlOf({ ecosystem: 'npm', name: 'express', spec: '5.1.0' })).toBe('pkg:npm/express@5.1.0');
    expect(purlOf({ ecosystem: 'npm', name: 'express', spec: '^5.1.0' })).toBe('pkg:npm/express');
    expect(purlOf({ ecosystem: 'npm', name: '@acme/internal', spec: '2.0.0-rc.1' })).toBe('pkg:npm/%40acme/internal@2.0.0-rc.1');
    expect(purlOf({ ecosystem: 'pypi', name: 'Flask_Login', spec: '==0.6.3' })).toBe('pkg:pypi/flask-login@0.6.3');
    expect(purlOf({ ecosystem: 'pypi', name: 'requests', spec: '>=2' })).toBe('pkg:pypi/requests');
    expect(purlOf({ ecosystem: 'go', name: 'github.com/spf13/cobra', spec: 'v1.8.0' })).toBe('pkg:golang/github.com/spf13/cobra@v1.8.0');
    expect(purlOf({ ecosystem: 'cargo', name: 'serde', spec: '1.0.200' })).toBe('pkg:cargo/serde');
    expect(purlOf({ ecosystem: 'cargo', name: 'serde', spec: '=1.0.200' })).toBe('pkg:cargo/serde@1.0.200');
    expect(exactVersion('npm', 'latest')).toBeUndefined();
  });
});

describe('addCitations (CycloneDX 1.7)', () => {
  it("attributes declared evidence of a model one agent used to that agent, and inferred evidence (or several agents') to aiprov", async () => {
    const { addCitations } = await import('../../src/bom/citations.js');
    const model = (key: string, agents: string[], declared: boolean) => ({
      key,
      model: key,
      agents,
      commits: 2,
      newestCommits: [],
      evidence: [{ technique: 'other' as const, source: 'copilot/committer', kind: 'committer' as const, declared, confidence: 0.5, commits: 2 }],
      lines: 3,
      files: [],
      fileCount: 0,
    });
    const bom = {
      components: [
        { 'type': 'application', 'name': 'GitHub Copilot', 'bom-ref': 'agent:copilot' },
        { 'type': 'machine-learning-model', 'name': 'gpt-4.1', 'bom-ref': 'model:gpt-4.1' },
        { 'type': 'machine-learning-model', 'name': 'gpt-5', 'bom-ref': 'model:gpt-5' },
      ],
    };
    const cited = addCitations(bom, {
      models: [model('gpt-4.1', ['copilot'], false), model('gpt-5', ['copilot', 'cursor'], true)],
      timestamp: '2026-01-01T00:00:00.000Z',
    });
    expect(cited.citations).toEqual([
      {
        'bom-ref': 'citation:model:gpt-4.1:0',
        'pointers': ['/components/1/name'],
        'timestamp': '2026-01-01T00:00:00.000Z',
        'attributedTo': 'tool:aiprov',
        'note': "inferred: the commit's committer identity (copilot/committer) on 2 commits",
      },
      {
        'bom-ref': 'citation:model:gpt-5:0',
        'pointers': ['/components/2/name'],
        'timestamp': '2026-01-01T00:00:00.000Z',
        'attributedTo': 'tool:aiprov',
        'note': "declared: the commit's committer identity (copilot/committer) on 2 commits of copilot, cursor",
      },
    ]);
  });
});
