import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBlameRepo } from '../../fixtures/blame-repo.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';

const env = { AIPROV_PASSWORD: 'pipeline-secret' };
let repo: string;
let dir: string;
let head: string;

beforeAll(async () => {
  repo = await tempDir();
  await buildBlameRepo(repo);
  execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: repo });
  head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  dir = await tempDir();
  expect((await runCli(['keygen', '--prefix', path.join(dir, 'ci')], { env })).code).toBe(0);
});

/** Writes a report of `args` to a file in the test's directory. */
async function report(name: string, args: string[]): Promise<string> {
  const file = path.join(dir, name);
  const run = await runCli([...args, '--repo', repo, '--format', 'json', '-o', file, '--quiet']);
  expect(run.code, run.stderr).toBe(0);
  return file;
}

/** The authorship predicate `attest` signs, with `extra` flags; its time left out (it is when it was signed). */
async function predicate(out: string, extra: string[]): Promise<Record<string, unknown>> {
  const run = await runCli(['attest', '--repo', repo, '--key', path.join(dir, 'ci.key'), '--output-dir', path.join(dir, out), '--quiet', ...extra], { env });
  expect(run.code, run.stderr).toBe(0);
  const bundle = JSON.parse(await readFile(path.join(dir, out, `${head.slice(0, 12)}.authorship.sigstore.json`), 'utf8')) as {
    dsseEnvelope: { payload: string };
  };
  const signed = (JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as { predicate: Record<string, unknown> }).predicate;
  return Object.fromEntries(Object.entries(signed).filter(([key]) => key !== 'attestedAt'));
}

const attest = (extra: string[]) =>
  runCli(['attest', '--repo', repo, '--key', path.join(dir, 'ci.key'), '--output-dir', path.join(dir, 'x'), ...extra], { env });

describe('attest --scan-report --blame-report: the scan and blame already made, not made again', () => {
  it('signs the same authorship predicate as when it scans and blames itself', async () => {
    const scan = await report('scan.json', ['scan']);
    const blame = await report('blame.json', ['blame', '--contributors']);
    const made = await predicate('made', []);
    const given = await predicate('given', ['--scan-report', scan, '--blame-report', blame]);
    expect(given).toEqual(made);
    expect((made.blame as { totals: { aiLines: number } }).totals.aiLines).toBeGreaterThan(0);
  });

  it('refuses, naming the file and what to run, a report of another commit, of part of the tree, without the counts by model, edited, or not a report', async () => {
    const blameArgs = ['blame', '--contributors'];
    const cases: [string, string[], RegExp][] = [
      [
        'scan-old.json',
        ['scan', 'HEAD~1'],
        /scan report .*scan-old\.json is of HEAD~1, not of the whole history of [0-9a-f]{12}: make it with aiprov scan [0-9a-f]{12} --format json/,
      ],
      ['scan-all.json', ['scan', '--all'], /scan report .*scan-all\.json is of --all, not of the whole history/],
      [
        'blame-old.json',
        [...blameArgs, '--rev', 'HEAD~1'],
        /blame report .*blame-old\.json is of [0-9a-f]{12}, not [0-9a-f]{12}: make it with aiprov blame --rev [0-9a-f]{12} --contributors --format json/,
      ],
      ['blame-plain.json', ['blame'], /blame report .*blame-plain\.json is not of the whole tree with the default options and --contributors/],
      ['blame-part.json', [...blameArgs, '--exclude', 'a.ts'], /is not of the whole tree with the default options/],
    ];
    for (const [name, args, message] of cases) {
      const file = await report(name, args);
      const flag = name.startsWith('scan') ? '--scan-report' : '--blame-report';
      const run = await attest([flag, file]);
      expect(run.code, name).toBe(2);
      expect(run.stderr, name).toMatch(message);
    }
    // A file taken out of the report by hand: the tree says it is missing.
    const edited = JSON.parse(await readFile(await report('blame-edit.json', blameArgs), 'utf8')) as { files: unknown[] };
    edited.files = edited.files.slice(1);
    await writeFile(path.join(dir, 'blame-edit.json'), JSON.stringify(edited));
    const cut = await attest(['--blame-report', path.join(dir, 'blame-edit.json')]);
    expect([cut.code, cut.stderr]).toEqual([2, expect.stringMatching(/does not account for every file of [0-9a-f]{12}'s tree \(.+\)/)]);
    // Made by another version of aiprov.
    const other = JSON.parse(await readFile(path.join(dir, 'scan-old.json'), 'utf8')) as { tool: { version: string }; range: { spec: string } };
    other.tool.version = '0.0.9';
    await writeFile(path.join(dir, 'scan-other.json'), JSON.stringify(other));
    expect((await attest(['--scan-report', path.join(dir, 'scan-other.json')])).stderr).toMatch(/was made by aiprov 0\.0\.9, not /);
    await writeFile(path.join(dir, 'junk.json'), '{"schema": 1}');
    expect((await attest(['--scan-report', path.join(dir, 'junk.json')])).stderr).toMatch(/scan report .*junk\.json is not a scan report/);
    const unused = await attest(['--predicate', 'bom', '--scan-report', path.join(dir, 'junk.json')]);
    expect([unused.code, unused.stderr]).toEqual([
      2,
      'aiprov: --scan-report and --blame-report are read for the authorship predicate: add authorship to --predicate\n',
    ]);
  });
});
