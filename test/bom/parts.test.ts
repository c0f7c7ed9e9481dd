import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commitAt } from '../../fixtures/repos.js';
import { generateBom } from '../../src/bom/bom.js';
import { exactVersion, purlOf } from '../../src/bom/dependencies.js';
import { assertValidBom, bomProblems, isEmail } from '../../src/bom/validate.js';
import { importHistory } from '../../src/git/fast-import.js';
import { ctx, tempDir } from '../helpers.js';

describe('the BOM on a repository with thousands of AI-written files', () => {
  it('lists the default cap of files per model, the ones with the most lines, states the cap, and stays valid', async () => {
    const dir = await tempDir();
    execFileSync('git', ['init', '--quiet', '--initial-branch=main', dir]);
    const files = Object.fromEntries(Array.from({ length: 2500 }, (_, i) => [`src/m${String(i).padStart(4, '0')}.ts`, i < 10 ? 'a\nb\n' : 'a\n']));
    await importHistory(dir, [commitAt(0, 'Generate the modules\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n', { files })]);
    const { bom, text } = await generateBom({ context: await ctx(dir), reproducible: true });
    const model = (bom.components as { name: string; evidence: { occurrences: { location: string }[] }; properties: { name: string; value: string }[] }[]).find((c) => c.name === 'claude-sonnet-4.5');
    expect(model?.evidence.occurrences).toHaveLength(1000);
    expect(model?.evidence.occurrences.slice(0, 10).map((o) => o.location)).toEqual(Array.from({ length: 10 }, (_, i) => `src/m000${i}.ts`));
    expect(model?.properties.find((p) => p.name === 'aiprov:occurrences-capped')?.value).toBe('1000 of 2500 files listed, those with the most lines (cap 1000)');
    expect(model?.properties.find((p) => p.name === 'aiprov:lines')?.value).toBe('2510');
    expect(await bomProblems(text, '1.6')).toEqual([]);
  }, 60_000);
});

describe('validation of a BOM before it is written', () => {
  it('names the JSON path and the rule of each problem, on one line', async () => {
    const bad = JSON.stringify({
      bomFormat: 'CycloneDX', specVersion: '1.6', version: 1,
      components: [{ type: 'machine-learning-model', name: 'm', evidence: { identity: [{ field: 'name', confidence: 3 }] } }],
    });
    const problems = await bomProblems(bad, '1.6');
    expect(problems).toEqual(['$.components[0].evidence.identity[0].confidence: must be <= 1 [maximum]']);
    await expect(assertValidBom(bad, '1.6')).rejects.toMatchObject({ code: 'BOM_INVALID', message: 'the AI-BOM does not validate against CycloneDX 1.6 (nothing was written): $.components[0].evidence.identity[0].confidence: must be <= 1 [maximum]' });
    expect(await bomProblems(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, bogus: true }), '1.6')).toEqual(["$: must NOT have additional properties 'bogus' [additionalProperties]"]);
    expect(await bomProblems(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [{ type: 'robot', name: 'x' }] }), '1.6')).toEqual([expect.stringMatching(/^\$\.components\[0\]\.type: must be equal to one of the allowed values \(one of application, .*\) \[enum\]$/)]);
  });
});

describe('e-mail addresses in pedigree commits', () => {
  it('are checked by the schema\'s own test, remembered by address: a bad one still fails validation, twice', async () => {
    expect(isEmail('dana@example.com')).toBe(true);
    expect(isEmail('49699333+dependabot[bot]@users.noreply.github.com')).toBe(false);
    const doc = (email: string): string => JSON.stringify({
      bomFormat: 'CycloneDX', specVersion: '1.6', version: 1,
      components: [{ type: 'machine-learning-model', name: 'm', pedigree: { commits: [{ uid: 'a', author: { name: 'x', email } }] } }],
    });
    for (let i = 0; i < 2; i++) {
      expect(await bomProblems(doc('not an address'), '1.6')).toEqual(['$.components[0].pedigree.commits[0].author.email: must match format "idn-email" (idn-email) [format]']);
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
