import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { linearRepo } from '../../fixtures/repos.js';
import { openRepository } from '../../src/git/repository.js';
import { gitEnv, GitRunner } from '../../src/git/runner.js';
import { tempDir } from '../helpers.js';

describe('one way to run git', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) Reflect.deleteProperty(process.env, key);
    Object.assign(process.env, saved);
  });

  it("gives git the caller's environment without what redirects or reconfigures it, prompts off, the C locale", () => {
    const env = gitEnv({
      HOME: '/home/x',
      PATH: '/bin',
      GIT_DIR: '/elsewhere',
      GIT_EXTERNAL_DIFF: '/bin/evil',
      PAGER: 'less',
      EDITOR: 'vi',
      GIT_CONFIG_PARAMETERS: "'core.pager'='evil'",
      LANG: 'de_DE.UTF-8',
    });
    expect(env).toEqual({ HOME: '/home/x', PATH: '/bin', LANG: 'de_DE.UTF-8', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' });
  });

  it('--repo alone says which repository is read, even when GIT_DIR names another (inside a hook, say), on buffered and streamed calls', async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    const shasA = await linearRepo(a, 2);
    await linearRepo(path.join(b, 'r'), 3); // three commits: reading it instead would show
    process.env.GIT_DIR = path.join(b, 'r', '.git');
    process.env.GIT_WORK_TREE = path.join(b, 'r');
    try {
      const repo = await openRepository(a);
      expect(repo.root).toBe(a);
      expect((await repo.head()).sha).toBe(shasA[1]); // buffered
      const logged: string[] = [];
      for await (const commit of repo.log({ revisions: [] })) logged.push(commit.sha); // spawned
      expect(logged).toEqual([...shasA].reverse());
    } finally {
      // The worker's environment is left as it was found: later tests' own git commands must not read the other repository.
      delete process.env.GIT_DIR;
      delete process.env.GIT_WORK_TREE;
    }
  });

  it('refuses the arguments simple-git calls unsafe, on buffered and streamed calls alike', async () => {
    const dir = await tempDir();
    await linearRepo(dir, 1);
    const git = new GitRunner(dir);
    const unsafe = ['-c', 'core.sshCommand=touch /tmp/aiprov-pwned', 'log'];
    await expect(git.text(unsafe)).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringContaining('core.sshCommand') as unknown });
    await expect(drain(git.records(unsafe))).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    expect(() => git.spawn(['-c', 'core.fsmonitor=/bin/evil', 'status'], 'ignore')).toThrow(/fsmonitor/i);
  });

  it('maps failures to GitErrors naming what failed', async () => {
    const dir = await tempDir();
    await linearRepo(dir, 1);
    const git = new GitRunner(dir);
    await expect(git.text(['cat-file', '-p', 'nope'])).rejects.toMatchObject({
      code: 'GIT_FAILED',
      name: 'GitError',
      message: expect.stringMatching(/^git cat-file failed: /) as unknown,
    });
    await expect(drain(git.records(['log', 'nope', '--']))).rejects.toMatchObject({
      code: 'GIT_FAILED',
      message: expect.stringMatching(/^git log failed: /) as unknown,
    });
    await expect(git.text(['rev-parse', '--verify', '--quiet', 'nope'])).resolves.toBe('');
  });

  it('refuses what a git killed part way wrote, even with nothing on stderr', async () => {
    const bin = await tempDir();
    // A git that writes half an answer and is killed, as the kernel's OOM killer would.
    await writeFile(path.join(bin, 'git'), '#!/bin/sh\nprintf partial\nkill -KILL $$\n', { mode: 0o755 });
    const git = new GitRunner(bin, { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` });
    await expect(git.text(['rev-parse', 'HEAD'])).rejects.toMatchObject({ code: 'GIT_FAILED', message: 'git rev-parse failed: git was killed (SIGKILL)' });
  });
});

async function drain(records: AsyncIterable<Buffer>): Promise<number> {
  let n = 0;
  for await (const record of records) n += record.length;
  return n;
}
