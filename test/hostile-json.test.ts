import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearRepo } from '../fixtures/repos.js';
import { exceedsDepth } from '../src/kernel/json-depth.js';
import { runCli } from './cli/run-cli.js';
import { tempDir } from './helpers.js';

const deep = (n: number): string => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
let repo: string;
let dir: string;

beforeAll(async () => {
  repo = await tempDir();
  await linearRepo(repo, 3);
  dir = await tempDir();
  expect((await runCli(['keygen', '--prefix', path.join(dir, 'ci')], { env: { AIPROV_PASSWORD: 'pw' } })).code).toBe(0);
});

describe('JSON nested thousands deep (issue 24, case 9)', () => {
  it('is counted without recursion', () => {
    expect(exceedsDepth(JSON.parse(deep(100_000)))).toBe(true);
    expect(exceedsDepth(JSON.parse(deep(50)))).toBe(false);
    expect(exceedsDepth([[[1]]], 3)).toBe(false);
    expect(exceedsDepth([[[[1]]]], 3)).toBe(true);
  });

  it('bom --merge, verify --bundle and report --deps-report name the file (exit 2), never a stack overflow', async () => {
    const file = path.join(dir, 'deep.json');
    await writeFile(file, `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${deep(2000)}]}`);
    const merge = await runCli(['bom', '--repo', repo, '--merge', file]);
    expect(merge).toMatchObject({ code: 2, stdout: '' });
    expect(merge.stderr).toBe(`aiprov: SBOM ${file} nests deeper than 128 levels: refused (CycloneDX documents nest a few dozen)\n`);
    const bundle = await runCli(['verify', '--repo', repo, '--bundle', file, '--type', 'authorship', '--key', path.join(dir, 'ci.pub')]);
    expect(bundle.code).toBe(2);
    expect(bundle.stderr).toMatch(/deep\.json.*nests deeper than 128 levels: not a Sigstore bundle\n$/);
    const report = await runCli(['report', '--repo', repo, '--deps-report', file, '--format', 'json']);
    expect(report.code).toBe(2);
    expect(report.stderr).toBe(`aiprov: dependency report ${file} nests deeper than 128 levels: not an aiprov report\n`);
  });
});
