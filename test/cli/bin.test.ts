/**
 * The CLI tests run `main` in process. What only a real process shows is
 * checked here, once per command: the built bin starts, reads its own
 * process's environment, working directory and stdin, and leaves with the exit
 * status main returned; the same command line in process gives the same
 * result.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearRepo } from '../../fixtures/repos.js';
import { tempDir } from '../helpers.js';
import { BIN, runCli, spawnCli, type CliResult } from './run-cli.js';

let repo = '';
let work = '';

beforeAll(async () => {
  repo = await tempDir();
  await linearRepo(repo, 3);
  work = await tempDir();
  await writeFile(path.join(work, 'notes.txt'), 'Install it:\n\n```\nnpm install left-pad\n```\n');
});

describe('the bin, one real process per command', () => {
  // Each row: the command line, run from `work` (relative paths resolve there), and the exit status expected.
  const rows = (): { args: string[]; code: number; stdout?: RegExp; stderr?: RegExp }[] => [
    { args: ['scan', '--repo', repo, '--format', 'json'], code: 0, stdout: /"commits":/ },
    { args: ['blame', '--repo', repo, '--format', 'json'], code: 0, stdout: /"files":/ },
    { args: ['record', '--repo', repo, '--agent', 'nonsense-agent-!'], code: 2, stderr: /^aiprov: .*\n$/ },
    { args: ['hooks', 'run', 'no-such-hook', '--repo', repo], code: 2, stderr: /^aiprov: unknown hook 'no-such-hook'/ },
    {
      args: ['deps', 'check', '--offline', '--cache-dir', 'cache', '--from-text', 'notes.txt', '--format', 'json'],
      code: 2,
      stdout: /"name":"left-pad"/,
      stderr: /^aiprov: could not decide: 1 name could not be checked \(npm:left-pad: .*--allow-unknown accepts what could not be checked\n$/,
    },
    { args: ['bom', '--repo', repo, '--format', 'markdown'], code: 2, stderr: /^aiprov: bom writes cyclonedx \(CycloneDX JSON, the default\) or spdx3/ },
    { args: ['keygen', '--algorithm', 'rsa'], code: 2, stderr: /^aiprov: option '--algorithm <algorithm>' argument 'rsa' is invalid/ },
    { args: ['attest', '--repo', repo], code: 2, stderr: /^aiprov: give exactly one of --key KEY and --keyless\n$/ },
    { args: ['verify', '--repo', repo, '--type', 'authorship', '--from-notes', '--key', 'missing.pub'], code: 2, stderr: /missing\.pub/ },
    { args: ['check', '--repo', repo, '--base', 'HEAD~1', '--no-record', '--format', 'json'], code: 0, stdout: /"decision":"pass"/ },
    { args: ['review', '--repo', repo, '--decision', 'maybe'], code: 2, stderr: /^aiprov: --decision maybe: expected approve or reject\n$/ },
    { args: ['init', '--repo', repo, '--file', 'aiprov.yml'], code: 0, stderr: /wrote .*aiprov\.yml/ },
    {
      args: ['report', '--repo', repo, '--since', 'yesterday'],
      code: 2,
      stderr: /^aiprov: --since yesterday: neither a date .* nor a revision of the repository\n$/,
    },
    { args: ['demo', '--dir', 'notes.txt'], code: 2, stderr: /^aiprov: .*notes\.txt/ },
    {
      args: ['cache', 'info', '--blame-cache', 'blame-cache'],
      code: 0,
      // Relative to the process's working directory.
      stdout: new RegExp(`^${path.join(work, 'blame-cache').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n0 entries, 0[.]0 MB\n$`),
    },
  ];

  it("each command: the same exit status and output as in process; relative paths resolve against the process's cwd", async () => {
    const table = rows();
    expect(new Set(table.map((r) => r.args[0])).size).toBe(15);
    const spawned = await Promise.all(table.map((row) => spawnCli(row.args, { cwd: work })));
    for (const [i, row] of table.entries()) {
      const real = spawned[i] as CliResult;
      expect(real.code, `${row.args.join(' ')}: ${real.stderr}`).toBe(row.code);
      if (row.stdout) expect(real.stdout).toMatch(row.stdout);
      if (row.stderr) expect(real.stderr).toMatch(row.stderr);
      expect(real.stderr).not.toMatch(/\n\s+at /);
    }
    // The same lines in process (init has written its file now, so it is refused the second time).
    for (const [i, row] of table.entries()) {
      if (row.args[0] === 'init') continue;
      const inProcess = await runCli(row.args, { cwd: work });
      expect(inProcess.code, row.args.join(' ')).toBe(row.code);
      expect(inProcess.stderr.split('\n')[0]).toBe((spawned[i] as CliResult).stderr.split('\n')[0]);
    }
    expect((await runCli(['init', '--repo', repo, '--file', 'aiprov.yml'], { cwd: work })).stderr).toMatch(/aiprov\.yml exists/);
  });

  it("the passphrase comes from the process's environment, and without it and a terminal the bin says so and exits 2", async () => {
    const none = await spawnCli(['keygen', '--prefix', 'k1'], { cwd: work, env: { AIPROV_PASSWORD: undefined } });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^aiprov: no passphrase for the new key k1\.key: set AIPROV_PASSWORD/);
    const made = await spawnCli(['keygen', '--prefix', 'k2'], { cwd: work, env: { AIPROV_PASSWORD: 'pw' } });
    expect(made.code).toBe(0);
    expect(made.stderr).toContain(path.join(work, 'k2.key'));
  });

  it('refuses an old Node before loading anything', () => {
    const old = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '20.0.0' } }); await import(${JSON.stringify(BIN)});`,
      ],
      { encoding: 'utf8' },
    );
    expect(old.status).toBe(2);
    expect(old.stderr).toMatch(/^aiprov: Node\.js >= 22 is required/);
  });
});
