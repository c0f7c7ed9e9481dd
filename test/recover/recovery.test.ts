import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../fixtures/repos.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { DirectoryCache } from '../../src/kernel/cache-store.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';

/**
 * Recovery when reading (issue 25): a "forge" (a bare repository holding
 * refs/pull/7/head) where a pull request of three commits with aiprov notes
 * is squash-merged, rebase-merged, and rebase-merged after a conflict
 * resolved by hand; blame and scan of main credit the lines the notes gave.
 */
const DANA = { name: 'Dana Human', email: 'dana@example.com' };
const SAM = { name: 'Sam Dev', email: 'sam@example.com' };
const FORGE = { name: 'GitHub', email: 'noreply@github.com' };

interface Blame {
  files: { path: string; lines: number; aiLines: number; byAgent: Record<string, number> }[];
  totals: { lines: number; aiLines: number; byAgent: Record<string, number> };
  warnings: { code: string; message: string }[];
}

const A = ['export const one = 1;', 'export const two = 2;', 'export const three = 3;', 'export const four = 4;', 'export const five = 5;'];
const B_AI = ['export function login(user: string): boolean {', '  return user.length > 0;', '}', 'export const ROLE = "user";'];
const A_AI = ['export const six = 6;', 'export const seven = 7;', 'export const eight = 8;'];
const B_HUMAN = ['// reviewed by Sam', 'export const VERSION = 1;'];

const env = (who: { name: string; email: string }, date?: string): NodeJS.ProcessEnv => ({
  ...process.env,
  GIT_AUTHOR_NAME: who.name,
  GIT_AUTHOR_EMAIL: who.email,
  GIT_COMMITTER_NAME: who.name,
  GIT_COMMITTER_EMAIL: who.email,
  ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
});

async function put(dir: string, file: string, lines: string[]): Promise<void> {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), `${lines.join('\n')}\n`);
}

function commit(dir: string, message: string, who: { name: string; email: string }, date?: string): string {
  git(dir, 'add', '-A');
  execFileSync('git', ['commit', '-q', '-m', message], { cwd: dir, env: env(who, date) });
  return git(dir, 'rev-parse', 'HEAD').trim();
}

/** An aiprov note claiming these ranges for Claude Code. */
function note(dir: string, sha: string, files: { path: string; ranges: [number, number][] }[]): void {
  const record = {
    agent: 'claude-code',
    model: 'claude-sonnet-4-5',
    files,
    tool: { name: 'aiprov', version: '0.1.0' },
    recordedAt: '2026-11-02T10:00:00.000Z',
  };
  git(dir, 'notes', '--ref=aiprov', 'add', '-m', JSON.stringify({ schema: 'https://aiprov.dev/authorship-note/v1', records: [record] }), sha);
}

/**
 * The forge and a developer's clone: main with src/a.ts (Dana's), and pull
 * request 7 (branch feature, three commits of Sam's, the first two with
 * notes: src/b.ts lines 1-4 and src/a.ts lines 6-8 by Claude Code; the third
 * adds two lines of his own). The notes and refs/pull/7/head are pushed.
 */
async function forgeWithPullRequest(): Promise<{ forge: string; dev: string; feature: string[] }> {
  const root = await tempDir();
  const forge = path.join(root, 'forge.git');
  execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', forge]);
  const dev = path.join(root, 'dev');
  execFileSync('git', ['init', '-q', '--initial-branch=main', dev]);
  git(dev, 'remote', 'add', 'origin', forge);
  await put(dev, 'src/a.ts', A);
  commit(dev, 'Initial commit', DANA, '2026-11-01T09:00:00Z');
  git(dev, 'push', '-q', 'origin', 'main');
  git(dev, 'checkout', '-q', '-b', 'feature');
  await put(dev, 'src/b.ts', B_AI);
  const c1 = commit(dev, 'Add login', SAM, '2026-11-02T10:00:00Z');
  note(dev, c1, [{ path: 'src/b.ts', ranges: [[1, 4]] }]);
  await put(dev, 'src/a.ts', [...A, ...A_AI]);
  const c2 = commit(dev, 'Add more constants', SAM, '2026-11-02T10:05:00Z');
  note(dev, c2, [{ path: 'src/a.ts', ranges: [[6, 8]] }]);
  await put(dev, 'src/b.ts', [...B_AI, ...B_HUMAN]);
  const c3 = commit(dev, 'Version', SAM, '2026-11-02T10:10:00Z');
  git(dev, 'push', '-q', 'origin', 'feature', 'feature:refs/pull/7/head', 'refs/notes/aiprov');
  return { forge, dev, feature: [c1, c2, c3] };
}

/** A clone of the forge that fetched the notes, and the pull refs when asked. */
async function clone(forge: string, pullRefs: boolean, notes = true): Promise<string> {
  const dir = path.join(await tempDir(), 'clone');
  execFileSync('git', ['clone', '-q', forge, dir]);
  const refspecs = [...(notes ? ['refs/notes/*:refs/notes/*'] : []), ...(pullRefs ? ['+refs/pull/*/head:refs/remotes/origin/pr/*'] : [])];
  if (refspecs.length > 0) git(dir, 'fetch', '-q', 'origin', ...refspecs);
  return dir;
}

async function blame(dir: string): Promise<Blame> {
  const run = await runCli(['blame', '--repo', dir, '--format', 'json']);
  expect(run.code, run.stderr).toBe(0);
  const report = JSON.parse(run.stdout) as Blame;
  expect(validateAgainst('blameReport', report)).toBeNull();
  return report;
}

const file = (report: Blame, p: string) => report.files.find((f) => f.path === p);

describe('squash merges: the pull request commits records recovered from the pull ref', () => {
  let forge: string;
  beforeAll(async () => {
    const made = await forgeWithPullRequest();
    forge = made.forge;
    // The forge squashes on its server: one commit on main, the subject with (#7), no hook runs, no note.
    const server = path.join(await tempDir(), 'server');
    execFileSync('git', ['clone', '-q', forge, server]);
    git(server, 'merge', '-q', '--squash', 'origin/feature');
    commit(server, 'Add login (#7)\n\n* Add login\n* Add more constants\n* Version\n', SAM, '2026-11-03T12:00:00Z');
    git(server, 'push', '-q', 'origin', 'main');
  });

  it('blame of main credits exactly the lines the notes gave, from the pull ref; nothing is written', async () => {
    const dir = await clone(forge, true);
    const report = await blame(dir);
    // Independent count: the notes claim b.ts 1-4 and a.ts 6-8, all of which survive into the squash.
    expect([file(report, 'src/b.ts')?.aiLines, file(report, 'src/b.ts')?.lines]).toEqual([B_AI.length, B_AI.length + B_HUMAN.length]);
    expect([file(report, 'src/a.ts')?.aiLines, file(report, 'src/a.ts')?.lines]).toEqual([A_AI.length, A.length + A_AI.length]);
    expect(report.totals.byAgent).toEqual({ 'claude-code': B_AI.length + A_AI.length });
    // Read, not written: the squash commit has no note.
    const squash = git(dir, 'rev-parse', 'HEAD').trim();
    expect(() => git(dir, 'notes', '--ref=aiprov', 'show', squash)).toThrow();
  });

  it("scan of main says the squash is Claude Code's, recovered from the pull request (inferred)", async () => {
    const dir = await clone(forge, true);
    const run = await runCli(['scan', '--repo', dir, '--format', 'json']);
    const report = JSON.parse(run.stdout) as {
      commits: { subject: string; ai: boolean; detections: { agent: string; confidence: string; evidence: { source: string }[] }[] }[];
    };
    const squash = report.commits.find((c) => c.subject === 'Add login (#7)');
    expect(squash?.ai).toBe(true);
    expect(squash?.detections[0]).toMatchObject({ agent: 'claude-code', confidence: 'inferred' });
    expect(squash?.detections[0]?.evidence[0]?.source).toMatch(
      /^refs\/notes\/aiprov, recovered from [0-9a-f]{12} via squash of #7 \(refs\/remotes\/origin\/pr\/7\)$/,
    );
  });

  it('--recover-from names the refs sources may come from: the pull refs named, recovered; others only, or none, not', async () => {
    const dir = await clone(forge, true);
    const aiLines = async (...flags: string[]): Promise<number> => {
      const run = await runCli(['blame', '--repo', dir, '--format', 'json', ...flags]);
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as Blame).totals.aiLines;
    };
    expect(await aiLines('--recover-from', 'refs/remotes/origin/pr/*')).toBe(B_AI.length + A_AI.length);
    expect(await aiLines('--recover-from', 'refs/remotes/origin/main,refs/remotes/origin/feature')).toBe(0);
    expect(await aiLines('--recover-from', 'none')).toBe(0);
    const bad = await runCli(['blame', '--repo', dir, '--recover-from', 'origin/pr/*']);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      'aiprov: --recover-from "origin/pr/*": expected ref patterns under refs/ (refs/remotes/origin/*, refs/pull/*/head), comma-separated, or none\n',
    ]);
  });

  it('a clone with the pull refs but no records anywhere: nothing to recover, nothing read, nothing said', async () => {
    const dir = await clone(forge, true, false);
    const report = await blame(dir);
    expect([report.totals.aiLines, report.warnings]).toEqual([0, []]);
  });

  it('without the pull refs: no AI line is claimed, and the warning says how to fetch them', async () => {
    const dir = await clone(forge, false);
    const report = await blame(dir);
    expect(report.totals.aiLines).toBe(0);
    const squash = git(dir, 'rev-parse', 'HEAD').trim();
    expect(report.warnings).toContainEqual({
      code: 'RECORDS_NOT_RECOVERED',
      commit: squash,
      message: expect.stringContaining(
        `commits name pull requests whose commits are not in this clone (the first: ${squash.slice(0, 12)}, #7), so their records cannot be recovered: git fetch origin '+refs/pull/*/head:refs/remotes/origin/pr/*'`,
      ) as unknown,
    });
  });
});

describe('squash merges: what cannot be recovered is said, never guessed', () => {
  it("a line the squash changed is not credited, with a warning; a fork's pull request without notes is reported as having none", async () => {
    const { forge, dev } = await forgeWithPullRequest();
    // A fork's pull request: its commits reach refs/pull/8/head, its notes never reach the forge.
    git(dev, 'checkout', '-q', '-b', 'fork', 'main');
    await put(dev, 'src/c.ts', ['export const fork = true;']);
    commit(dev, 'From a fork', SAM, '2026-11-02T12:00:00Z');
    git(dev, 'push', '-q', 'origin', 'fork:refs/pull/8/head');
    const server = path.join(await tempDir(), 'server');
    execFileSync('git', ['clone', '-q', forge, server]);
    git(server, 'fetch', '-q', 'origin', 'refs/pull/*/head:refs/pull/*/head');
    // #7 squashed with one of the agent's lines edited on the forge (a suggestion applied while merging).
    git(server, 'merge', '-q', '--squash', 'refs/pull/7/head');
    await put(server, 'src/b.ts', [...B_AI.slice(0, 3), 'export const ROLE = "admin";', ...B_HUMAN]);
    commit(server, 'Add login (#7)', SAM, '2026-11-03T12:00:00Z');
    git(server, 'merge', '-q', '--squash', 'refs/pull/8/head');
    commit(server, 'From a fork (#8)', SAM, '2026-11-03T13:00:00Z');
    git(server, 'push', '-q', 'origin', 'main');
    const dir = await clone(forge, true);
    const report = await blame(dir);
    expect([file(report, 'src/b.ts')?.aiLines, file(report, 'src/a.ts')?.aiLines, file(report, 'src/c.ts')?.aiLines]).toEqual([3, A_AI.length, 0]);
    const said = report.warnings.filter((w) => w.code === 'RECORDS_NOT_RECOVERED').map((w) => w.message);
    expect(said).toContainEqual(
      expect.stringMatching(
        /^1 line the records name is not in [0-9a-f]{12} as written \(changed or removed since\): not credited \(recovered from [0-9a-f]{12} via squash of #7/,
      ),
    );
    expect(said).toContainEqual(
      expect.stringMatching(
        /^the commits of #8 \(refs\/remotes\/origin\/pr\/8\) carry no records here \(a pull request from a fork: its notes never reach this repository\)/,
      ),
    );
  });
});

describe('rebase merges: commits matched by their patch', () => {
  it('a rebase onto a moved main (new SHAs, same patches) credits the same lines where they now are', async () => {
    const { forge, dev } = await forgeWithPullRequest();
    // Meanwhile main moved: two lines at the top of a.ts, so the agent's lines sit two lower after the rebase.
    git(dev, 'checkout', '-q', 'main');
    await put(dev, 'src/a.ts', ['// header', '// more', ...A]);
    commit(dev, 'Header', DANA, '2026-11-02T11:00:00Z');
    git(dev, 'push', '-q', 'origin', 'main');
    // The forge's "rebase and merge": each commit re-created on main, the forge as committer, author and date kept.
    git(dev, 'checkout', '-q', 'feature');
    execFileSync('git', ['rebase', '-q', 'main'], { cwd: dev, env: { ...env(SAM), GIT_COMMITTER_NAME: FORGE.name, GIT_COMMITTER_EMAIL: FORGE.email } });
    git(dev, 'push', '-q', 'origin', 'feature:main');
    const dir = await clone(forge, false);
    const report = await blame(dir);
    expect([file(report, 'src/a.ts')?.aiLines, file(report, 'src/b.ts')?.aiLines]).toEqual([A_AI.length, B_AI.length]);
    expect(report.totals.byAgent).toEqual({ 'claude-code': A_AI.length + B_AI.length });
    // The originals are on the forge's feature branch: named, they are sources; main alone does not reach them.
    const named = async (refs: string): Promise<number> =>
      (JSON.parse((await runCli(['blame', '--repo', dir, '--format', 'json', '--recover-from', refs])).stdout) as Blame).totals.aiLines;
    expect(await named('refs/remotes/origin/feature')).toBe(A_AI.length + B_AI.length);
    expect(await named('refs/remotes/origin/main')).toBe(0);
  });

  it('with a cache, the authors of the commits with records are kept and read back by the next run; an entry not whole is ignored, said', async () => {
    const { forge, dev } = await forgeWithPullRequest();
    git(dev, 'checkout', '-q', 'main');
    await put(dev, 'src/a.ts', ['// header', ...A]);
    commit(dev, 'Header', DANA, '2026-11-02T11:00:00Z');
    execFileSync('git', ['rebase', '-q', 'main', 'feature'], {
      cwd: dev,
      env: { ...env(SAM), GIT_COMMITTER_NAME: FORGE.name, GIT_COMMITTER_EMAIL: FORGE.email },
    });
    git(dev, 'push', '-q', 'origin', 'feature:main');
    const dir = await clone(forge, false);
    const cache = await tempDir();
    const expected = (await blame(dir)).totals;
    const cached = async () => {
      const run = await runCli(['blame', '--repo', dir, '--format', 'json', '--blame-cache', cache]);
      return { totals: (JSON.parse(run.stdout) as Blame).totals, stderr: run.stderr };
    };
    expect(await cached()).toEqual({ totals: expected, stderr: '' });
    expect(expected.aiLines).toBe(A_AI.length + B_AI.length);
    const store = new DirectoryCache(cache, 1 << 26);
    const kept = JSON.parse((await store.get('commit-authors/1'))?.toString('utf8') ?? '{}') as { authors: Record<string, string> };
    const originals = git(dev, 'notes', '--ref=aiprov', 'list')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '');
    expect(Object.keys(kept.authors).sort()).toEqual([...originals].sort());
    // What the next run matches rebased commits by is the kept authors: changed there, nothing is recovered.
    await store.put('commit-authors/1', Buffer.from(JSON.stringify({ ...kept, authors: Object.fromEntries(originals.map((sha) => [sha, 'x'])) })));
    expect((await cached()).totals.aiLines).toBe(0);
    await store.put('commit-authors/1', Buffer.from(JSON.stringify({ format: 'commit-authors/1', authors: { 'not a commit': 'x' } })));
    const ignored = await cached();
    expect(ignored.totals).toEqual(expected);
    expect(ignored.stderr).toBe(`aiprov: warning: cache entry commit-authors/1 in ${cache} was ignored: it is not a map of commit ids to authors\n`);
  });

  it('a conflict resolved by hand: the changed line is not credited, and the warning says so', async () => {
    const { forge, dev } = await forgeWithPullRequest();
    git(dev, 'checkout', '-q', 'main');
    await put(dev, 'src/a.ts', [...A, 'export const six = 6; // Dana']);
    commit(dev, 'Six', DANA, '2026-11-02T11:00:00Z');
    git(dev, 'push', '-q', 'origin', 'main');
    git(dev, 'checkout', '-q', 'feature');
    try {
      execFileSync('git', ['rebase', '-q', 'main'], { cwd: dev, env: env(SAM), stdio: 'ignore' });
    } catch {
      // The conflict on a.ts, resolved by keeping the agent's lines but rewriting one of them.
      await put(dev, 'src/a.ts', [...A, 'export const six = 6; // both', 'export const seven = 7;', 'export const eight = 8;']);
      git(dev, 'add', 'src/a.ts');
      execFileSync('git', ['-c', 'core.editor=true', 'rebase', '--continue'], { cwd: dev, env: env(SAM), stdio: 'ignore' });
    }
    git(dev, 'push', '-q', 'origin', 'feature:main');
    const dir = await clone(forge, false);
    const report = await blame(dir);
    // Seven and eight are the agent's as written; six was rewritten by hand.
    expect([file(report, 'src/a.ts')?.aiLines, file(report, 'src/b.ts')?.aiLines]).toEqual([2, B_AI.length]);
    expect(report.warnings.filter((w) => w.code === 'RECORDS_NOT_RECOVERED').map((w) => w.message)).toEqual([
      expect.stringMatching(
        /^1 line the records name is not in [0-9a-f]{12} as written \(changed or removed since\): not credited \(recovered from [0-9a-f]{12} via a rebase that changed the patch \(inferred\)\)$/,
      ),
    ]);
  });
});
