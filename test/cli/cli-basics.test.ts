/** Issue 8, item 24: what people expect of a CLI. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initRepo, linearRepo } from '../../fixtures/repos.js';
import { makeStyle } from '../../src/render/style.js';
import { tempDir } from '../helpers.js';
import { Progress } from '../../src/cli/progress.js';
import { packument } from '../../fixtures/registry-server.js';
import { check, registry } from '../deps/helpers.js';
import { runCli } from './run-cli.js';

describe('the command line', () => {
  it('aiprov alone prints the help on stdout and exits 0, like --help', async () => {
    const bare = await runCli([]);
    const help = await runCli(['--help']);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toBe(help.stdout);
    expect(bare.stdout).toMatch(/^Usage: aiprov /);
    expect(bare.stderr).toBe('');
  });

  it('-V, -v and --version print the version', async () => {
    for (const flag of ['-V', '-v', '--version']) expect(await runCli([flag])).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });

  it("each subcommand's --help lists the global options", async () => {
    const help = await runCli(['deps', 'check', '--help']);
    expect(help.stdout).toContain('Global Options:');
    for (const flag of ['--quiet', '--format <format>', '--trust-repo-config']) expect(help.stdout).toContain(flag);
  });
});

describe('progress', () => {
  const fake = (isTTY: boolean) => {
    const written: string[] = [];
    return {
      stream: {
        isTTY,
        write: (t: string) => {
          written.push(t);
        },
      },
      written,
    };
  };

  it('only on a terminal, and not with --quiet', () => {
    expect(Progress.for(false, 'x', fake(false).stream)).toBeUndefined();
    expect(Progress.for(true, 'x', fake(true).stream)).toBeUndefined();
    expect(Progress.for(false, 'x', fake(true).stream)).toBeInstanceOf(Progress);
  });

  it('one line rewritten in place, a few times a second at most, the last count always, cleared at the end', () => {
    const { stream, written } = fake(true);
    let now = 0;
    const progress = new Progress(stream, 'checked', () => now);
    progress.update(1, 1000);
    for (let i = 2; i < 1000; i++) {
      now += 1;
      progress.update(i, 1000);
    }
    progress.update(1000, 1000);
    progress.done();
    expect(written.length).toBeLessThan(10);
    expect(written[0]).toBe('\r\x1b[2Kaiprov: checked 1 of 1,000');
    expect(written[written.length - 2]).toBe('\r\x1b[2Kaiprov: checked 1,000 of 1,000');
    expect(written[written.length - 1]).toBe('\r\x1b[2K');
  });

  it('deps check reports each name checked', async () => {
    const server = await registry({ npm: { a1: packument('a1'), b2: packument('b2'), c3: packument('c3') } });
    const seen: [number, number][] = [];
    await check(server, ['a1', 'b2', 'c3'], {
      onProgress: (done, total) => {
        seen.push([done, total]);
      },
    });
    expect(seen).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });
});

describe('--output names a report file; where it named something else, the old spelling still works, with a warning', () => {
  it('keygen --output PREFIX and init --output FILE: done, and the flag to use instead named; both spellings together refused', async () => {
    const dir = await tempDir();
    const repo = await tempDir();
    initRepo(repo);
    const env = { AIPROV_PASSWORD: 'pw' };
    const old = await runCli(['keygen', '--output', path.join(dir, 'old')], { env });
    expect(old.code).toBe(0);
    expect(old.stderr).toMatch(/^aiprov: warning: --output here is deprecated: use --prefix \(--output names a report file\)\n/);
    expect((await readdir(dir)).sort()).toEqual(['old.key', 'old.pub']);
    const both = await runCli(['keygen', '--output', path.join(dir, 'a'), '--prefix', path.join(dir, 'b')], { env });
    expect(both).toMatchObject({ code: 2, stderr: 'aiprov: --output and --prefix both name the same thing here: give --prefix\n' });
    const fresh = await runCli(['keygen', '--prefix', path.join(dir, 'new')], { env });
    expect(fresh).toMatchObject({ code: 0 });
    expect(fresh.stderr).not.toContain('deprecated');
    const init = await runCli(['init', '--repo', repo, '--output', path.join(dir, 'old.yml')]);
    expect(init.code).toBe(0);
    expect(init.stderr).toMatch(/^aiprov: warning: --output here is deprecated: use --file/);
    expect((await runCli(['init', '--repo', repo, '--file', path.join(dir, 'new.yml'), '--quiet'])).code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['new.key', 'new.pub', 'new.yml', 'old.key', 'old.pub', 'old.yml']);
  });
});

describe('first-hour rough edges (issue 23, item 8)', () => {
  it('--output - is standard output, never a file named -; -o and -q are --output and --quiet', async () => {
    const dir = await tempDir();
    const repo = await tempDir();
    await linearRepo(repo, 2);
    const dash = await runCli(['scan', '--repo', repo, '--format', 'json', '--output', '-'], { cwd: dir });
    expect(dash.code).toBe(0);
    expect((JSON.parse(dash.stdout) as { summary: { commits: number } }).summary.commits).toBe(2);
    expect(await readdir(dir)).toEqual([]);
    const short = await runCli(['-q', 'scan', '--repo', repo, '--format', 'json', '-o', path.join(dir, 'scan.json')]);
    expect(short).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await readFile(path.join(dir, 'scan.json'), 'utf8')).toBe(dash.stdout);
  });

  it('FORCE_COLOR colours standard output that is not a terminal; NO_COLOR, FORCE_COLOR=0 and a file never get colour', async () => {
    expect(makeStyle(false, { FORCE_COLOR: '1' }).bold('x')).toBe('\x1b[1mx\x1b[22m');
    expect(makeStyle(false, { FORCE_COLOR: '' }).bold('x')).toBe('\x1b[1mx\x1b[22m');
    expect(makeStyle(true, { FORCE_COLOR: '0' }).bold('x')).toBe('x');
    expect(makeStyle(true, { FORCE_COLOR: 'false' }).bold('x')).toBe('x');
    expect(makeStyle(false, { FORCE_COLOR: '1', NO_COLOR: '1' }).bold('x')).toBe('x');
    expect(makeStyle(false, {}).bold('x')).toBe('x');
    const repo = await tempDir();
    await linearRepo(repo, 1);
    const coloured = await runCli(['scan', '--repo', repo], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\x1b[1m');
    const file = path.join(await tempDir(), 'scan.txt');
    await runCli(['scan', '--repo', repo, '--output', file], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(await readFile(file, 'utf8')).not.toContain('\x1b[');
  });
});
