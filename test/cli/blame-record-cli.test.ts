import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BLAME_EXPECTED, buildBlameRepo, type BlameRepo } from '../../fixtures/blame-repo.js';
import { git } from '../../fixtures/repos.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { tempDir } from '../helpers.js';
import { runCli } from './run-cli.js';

let repo: BlameRepo;
beforeAll(async () => {
  repo = await buildBlameRepo(await tempDir());
});

describe('aiprov blame (built bin)', () => {
  it('--format json is the schema-valid report with the known totals', async () => {
    const result = await runCli(['blame', '--repo', repo.dir, '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { totals: unknown };
    expect(validateAgainst('blameReport', report)).toBeNull();
    expect(report.totals).toEqual(BLAME_EXPECTED.head.totals);
  });

  it('the table gives totals, directories, agents, models and what was left out', async () => {
    const result = await runCli(['blame', '--repo', repo.dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('16 of 32 lines (50.0%) in 6 files carry AI authorship');
    expect(result.stdout).toMatch(/^claude-code +6 +37\.5%$/m);
    expect(result.stdout).toMatch(/^gpt-5-codex +4 +25\.0%$/m);
    expect(result.stdout).toContain('Left out: 3 generated, 1 binary, 1 vendored');
  });

  it('paths are relative to the working directory, like git', async () => {
    const result = await runCli(['blame', 'b.ts', '--format', 'json'], { cwd: repo.dir });
    expect((JSON.parse(result.stdout) as { files: { path: string }[] }).files.map((f) => f.path)).toEqual(['b.ts']);
  });

  it('--since and --output', async () => {
    const out = path.join(await tempDir(), 'blame.md');
    const result = await runCli(['blame', '--repo', repo.dir, '--since', repo.shas[5] ?? '', '--format', 'markdown', '--output', out]);
    expect(result.code).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('1 of 2 lines (50.0%) in 2 files carry AI authorship');
  });

  it.each([
    [['--detect', 'psychic'], /^aiprov: --detect psychic: expected one of off, moves, copies, deep, aider\n$/],
    [['--jobs', '0'], /^aiprov: --jobs 0: expected a whole number of at least 1\n$/],
    [['--rev', 'nope'], /^aiprov: unknown revision 'nope'\n$/],
    [['--since', '-x'], /^aiprov: revision '-x' begins with '-': refused/],
    [['missing.ts'], /^aiprov: path 'missing\.ts' matches no file at HEAD\n$/],
  ])('refuses %j', async (args, stderr) => {
    const result = await runCli(['blame', '--repo', repo.dir, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(stderr);
  });
});

describe('aiprov record (built bin)', () => {
  it('records and reports what it wrote', async () => {
    const dir = (await buildBlameRepo(await tempDir())).dir;
    // Only a commit that changed a file can be given its lines: HEAD here did not change README.md.
    const untouched = await runCli(['record', '--repo', dir, '--agent', 'cursor', '--files', 'README.md:1']);
    expect(untouched.code).toBe(2);
    expect(untouched.stderr).toMatch(
      /^aiprov: --files README\.md: commit [0-9a-f]{12} did not change this file, so none of its lines can be counted as written by it\n$/,
    );
    const readme = git(dir, 'log', '-1', '--format=%H', '--', 'README.md').trim();
    git(dir, 'checkout', '--quiet', readme);
    const result = await runCli(['record', '--repo', dir, '--agent', 'cursor', '--model', 'gpt-5', '--files', 'README.md:1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^recorded cursor model gpt-5 on [0-9a-f]{12}: 1 file, 1 line\n$/);
    expect(git(dir, 'notes', '--ref=refs/notes/aiprov', 'show', 'HEAD')).toContain('"agent": "cursor"');
    const json = await runCli(['record', '--repo', dir, '--agent', 'codex', '--files', 'README.md:1', '--format', 'json']);
    const printed = JSON.parse(json.stdout) as { schema: string; commit: string; added: { agent: string }[] };
    expect(validateAgainst('recordResult', printed)).toBeNull();
    expect(printed).toMatchObject({
      schema: 'https://aiprov.dev/record-result/v1',
      added: [{ agent: 'codex', files: [{ path: 'README.md', ranges: [[1, 1]] }] }],
    });
    const bad = await runCli(['record', '--repo', dir, '--agent', 'cursor', '--files', 'README.md:7']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^aiprov: --files README\.md:7-7: the file has 1 line in commit [0-9a-f]{12}\n$/);
  });
});
