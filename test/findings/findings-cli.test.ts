import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Log } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFindingsRepo, type FindingsRepo } from '../../fixtures/findings-repo.js';
import type { FindingsReport } from '../../src/findings/types.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';
import { validateSarif } from '../sarif-schema.js';
import { eslintSarif, flawfinderSarif } from './scanners.js';

let repo: FindingsRepo;
let work: string;
let files: { eslint: string; flawfinder: string };
beforeAll(async () => {
  repo = await buildFindingsRepo(await tempDir());
  work = await tempDir();
  files = { eslint: path.join(work, 'eslint.sarif'), flawfinder: path.join(work, 'flawfinder.sarif') };
  writeFileSync(files.eslint, await eslintSarif(repo.dir, ['src', 'lib', 'scratch.js']));
  writeFileSync(files.flawfinder, flawfinderSarif(repo.dir, 'native'));
});

describe('aiprov findings (CLI)', () => {
  it('prints the table: counts, densities with intervals, the verdict, by agent, model and rule', async () => {
    const result = await runCli(['findings', '--repo', repo.dir, '--sarif', files.eslint, '--sarif', files.flawfinder]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '8 results from 2 runs (ESLint, Flawfinder): 7 attributed (4 in AI-written lines, 3 in lines no agent is credited with; 1 span both); counted apart: 1 not-in-tree',
    );
    expect(result.stdout).toMatch(/AI-written\s+250\.00\s+68\.12–640\.10\s+4\s+16/);
    expect(result.stdout).toMatch(/no measurable difference between AI-written lines and the others \(95% CI 0\.\d\d–\d+\.\d\d includes 1\)/);
    expect(result.stdout).toMatch(/Flawfinder\s+FF1001\s+error/);
  });

  it('writes the JSON report and the enriched logs in one SARIF for upload, atomically', async () => {
    const out = path.join(work, 'report.json');
    const sarif = path.join(work, 'enriched.sarif');
    const result = await runCli([
      'findings',
      '--repo',
      repo.dir,
      '--sarif',
      files.eslint,
      '--sarif',
      files.flawfinder,
      '--format',
      'json',
      '--output',
      out,
      '--sarif-output',
      sarif,
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as FindingsReport;
    expect(validateAgainst('findingsReport', report)).toBeNull();
    const log = JSON.parse(readFileSync(sarif, 'utf8')) as Log;
    expect(validateSarif(log)).toBe(true);
    expect(log.runs.map((r) => r.tool.driver.name)).toEqual(['ESLint', 'Flawfinder']);
    expect(log.runs.flatMap((r) => r.results ?? []).every((r) => r.properties?.aiprov !== undefined)).toBe(true);
  });

  it('refuses what it cannot read in one line naming the file, with exit 2, and writes nothing', async () => {
    const bad = path.join(work, 'bad.sarif');
    writeFileSync(bad, '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":"none"}]}');
    const sarif = path.join(work, 'never.sarif');
    for (const [args, message] of [
      [['--sarif', bad, '--sarif-output', sarif], `aiprov: ${bad}: runs[0].results is not an array\n`],
      [['--sarif', path.join(work, 'missing.sarif')], `aiprov: ${path.join(work, 'missing.sarif')}: no such file\n`],
      [['--sarif', '/dev/zero'], 'aiprov: /dev/zero: is not a regular file (a device, FIFO or socket)\n'],
      [[], 'aiprov: --sarif FILE is required: the log of a code scanner\n'],
    ] as const) {
      const result = await runCli(['findings', '--repo', repo.dir, ...args]);
      expect([result.code, result.stderr]).toEqual([2, message]);
    }
    expect(() => readFileSync(sarif)).toThrow();
  });
});
