import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAt, git, initRepo, linearRepo } from '../../fixtures/repos.js';
import { openScan, scanHistory } from '../../src/authorship/scan.js';
import { AiprovError } from '../../src/kernel/errors.js';
import { importHistory } from '../../src/git/fast-import.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { runCli } from '../cli/run-cli.js';
import { ctx, tempDir } from '../helpers.js';

describe('repositories as they are found', () => {
  it('an empty repository has zero commits and says HEAD is unborn', async () => {
    const dir = await tempDir();
    initRepo(dir);
    const report = await scanHistory({ context: await ctx(dir) });
    expect(report.commits).toEqual([]);
    expect(report.summary.commits).toBe(0);
    expect(report.repository.head).toBeNull();
    expect(report.repository.headRef).toBe('refs/heads/main');
    expect(report.warnings.map((w) => w.code)).toEqual(['UNBORN_HEAD']);
    expect(validateAgainst('scanReport', report)).toBeNull();
  });

  it('an unborn HEAD beside other branches scans nothing by default and everything with --all', async () => {
    const dir = await tempDir();
    await linearRepo(dir, 3);
    git(dir, 'checkout', '--quiet', '--orphan', 'fresh');
    const byDefault = await scanHistory({ context: await ctx(dir) });
    expect(byDefault.summary.commits).toBe(0);
    expect(byDefault.warnings[0]?.message).toContain('refs/heads/fresh');
    const all = await scanHistory({ context: await ctx(dir), all: true });
    expect(all.summary.commits).toBe(3);
    expect(all.summary.aiCommits).toBe(1);
  });

  it('--all does not walk notes refs', async () => {
    const dir = await tempDir();
    initRepo(dir);
    await importHistory(dir, [commitAt(0, 'One\n', { notes: { 'refs/notes/aiprov': '{"schema":"https://aiprov.dev/authorship-note/v1","records":[]}' } })]);
    const report = await scanHistory({ context: await ctx(dir), all: true });
    expect(report.commits.map((c) => c.subject)).toEqual(['One']);
  });

  it('a shallow clone is reported as shallow with its boundary', async () => {
    const origin = await tempDir();
    const shas = await linearRepo(origin, 10);
    const clone = path.join(await tempDir(), 'clone');
    git(origin, 'clone', '--quiet', '--depth', '3', `file://${origin}`, clone);
    const report = await scanHistory({ context: await ctx(clone) });
    expect(report.repository.shallow).toBe(true);
    expect(report.repository.shallowBoundary).toEqual([shas[7]]);
    expect(report.summary.commits).toBe(3);
    const warning = report.warnings.find((w) => w.code === 'SHALLOW');
    expect(warning?.message).toContain('3 commits in range were read');
    expect(warning?.message).toContain(shas[7]?.slice(0, 12));
    const full = await scanHistory({ context: await ctx(origin) });
    expect(full.repository.shallow).toBe(false);
    expect(full.warnings).toEqual([]);
  });

  it('merges are scanned with their parents and their own signatures', async () => {
    const dir = await tempDir();
    initRepo(dir);
    const shas = await importHistory(dir, [
      commitAt(0, 'Base\n'),
      commitAt(1, 'Side work\n\nCo-authored-by: Codex <noreply@openai.com>\n', { ref: 'refs/heads/side', parents: [0] }),
      commitAt(2, 'Main work\n'),
      commitAt(3, 'Merge branch side\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n', { parents: [2, 1] }),
    ]);
    const report = await scanHistory({ context: await ctx(dir) });
    expect(report.summary.commits).toBe(4);
    const merge = report.commits.find((c) => c.sha === shas[3]);
    expect(merge?.parents).toEqual([shas[2], shas[1]]);
    expect(merge?.detections.map((d) => d.agent)).toEqual(['claude-code']);
    expect(report.summary.byAgent).toMatchObject({ 'claude-code': { commits: 1 }, 'codex': { commits: 1 } });
  });

  it('messages in a legacy encoding are re-encoded, and invalid UTF-8 does not break the scan', async () => {
    const dir = await tempDir();
    initRepo(dir);
    const latin1 = Buffer.from('Caf\xe9 cr\xe8me\n\nCo-authored-by: Codex <noreply@openai.com>\n', 'latin1');
    const invalid = Buffer.concat([Buffer.from('Broken \xff\xfe bytes\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n', 'latin1')]);
    const shas = await importHistory(dir, [commitAt(0, latin1, { encoding: 'ISO-8859-1' }), commitAt(1, invalid)]);
    const report = await scanHistory({ context: await ctx(dir) });
    const first = report.commits.find((c) => c.sha === shas[0]);
    const second = report.commits.find((c) => c.sha === shas[1]);
    expect(first?.subject).toBe('Café crème');
    expect(first?.detections.map((d) => d.agent)).toEqual(['codex']);
    expect(second?.subject).toBe('Broken \ufffd\ufffd bytes');
    expect(second?.detections.map((d) => d.agent)).toEqual(['claude-code']);
    expect(validateAgainst('scanReport', report)).toBeNull();
  });

  it('a message of several megabytes is read whole, trailers at its end included', async () => {
    const dir = await tempDir();
    initRepo(dir);
    const body = 'x'.repeat(120).concat('\n').repeat(40_000);
    const shas = await importHistory(dir, [commitAt(0, `Huge\n\n${body}\nCo-authored-by: Codex <noreply@openai.com>\n`), commitAt(1, 'After\n')]);
    const report = await scanHistory({ context: await ctx(dir) });
    expect(report.summary.commits).toBe(2);
    expect(report.commits.find((c) => c.sha === shas[0])?.detections.map((d) => d.agent)).toEqual(['codex']);
  });

  it('ranges select commits the way git does', async () => {
    const dir = await tempDir();
    const shas = await linearRepo(dir, 6);
    const report = await scanHistory({ context: await ctx(dir), range: `${shas[2] ?? ''}..HEAD` });
    expect(report.commits.map((c) => c.sha)).toEqual([shas[5], shas[4], shas[3]]);
    expect(report.range).toEqual({ spec: `${shas[2] ?? ''}..HEAD`, all: false });
  });
});

describe('bad input is refused with a typed error', () => {
  const codeOf = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
      return 'resolved';
    } catch (error) {
      return error instanceof AiprovError ? `${error.code}: ${error.message}` : `untyped: ${String(error)}`;
    }
  };

  it('a revision that begins with a dash', async () => {
    const dir = await tempDir();
    await linearRepo(dir, 2);
    expect(await codeOf(ctx(dir).then((context) => openScan({ context, range: '--output=/tmp/pwned' })))).toMatch(
      /^BAD_ARGUMENT: range '--output=\/tmp\/pwned' begins with '-'/,
    );
  });

  it('an unknown revision', async () => {
    const dir = await tempDir();
    await linearRepo(dir, 2);
    expect(await codeOf(ctx(dir).then((context) => openScan({ context, range: 'nope..HEAD' })))).toBe("BAD_REVISION: unknown revision or range 'nope..HEAD'");
  });

  it('a directory that is not a repository, and one that does not exist', async () => {
    const dir = await tempDir();
    expect(await codeOf(ctx(dir).then((context) => openScan({ context })))).toBe(`NOT_A_REPOSITORY: ${dir} is not a git repository`);
    expect(await codeOf(ctx(path.join(dir, 'missing')).then((context) => openScan({ context })))).toBe(
      `NOT_A_REPOSITORY: ${path.join(dir, 'missing')}: no such directory`,
    );
    const file = path.join(dir, 'file');
    await writeFile(file, 'x');
    expect(await codeOf(ctx(file).then((context) => openScan({ context })))).toBe(`NOT_A_REPOSITORY: ${file}: not a directory`);
  });

  it('blame in a repository with no commits says so', async () => {
    const dir = await tempDir();
    initRepo(dir);
    const { blameTree } = await import('../../src/blame/blame.js');
    expect(await codeOf(ctx(dir).then((context) => blameTree({ context })))).toBe(`BAD_REVISION: HEAD has no commits yet in ${dir}`);
  });

  it('a range and --all together', async () => {
    const dir = await tempDir();
    await linearRepo(dir, 1);
    expect(await codeOf(ctx(dir).then((context) => openScan({ context, range: 'HEAD', all: true })))).toBe('BAD_ARGUMENT: all cannot be combined with a range');
    expect((await runCli(['scan', 'HEAD', '--all', '--repo', dir])).stderr).toBe('aiprov: --all cannot be combined with a range\n');
  });
});

describe('streaming', () => {
  it('a consumer that stops early stops git and loses nothing it read', async () => {
    const dir = await tempDir();
    const shas = await linearRepo(dir, 50);
    const session = await openScan({ context: await ctx(dir) });
    const seen: string[] = [];
    for await (const commit of session.commits()) {
      seen.push(commit.sha);
      if (seen.length === 5) break;
    }
    expect(seen).toEqual(shas.slice(-5).reverse());
    expect(session.summary.result().commits).toBe(5);
  });
});

describe('oversized titles', () => {
  it('a megabyte-long title paragraph is capped in the report, and its trailers still count', async () => {
    const dir = await tempDir();
    initRepo(dir);
    await importHistory(dir, [commitAt(0, `${'word '.repeat(250_000)}\n\nCo-authored-by: Codex <noreply@openai.com>\n`)]);
    const [commit] = (await scanHistory({ context: await ctx(dir) })).commits;
    expect(commit?.subject.length).toBe(1000);
    expect(commit?.subject.endsWith('…')).toBe(true);
    expect(commit?.detections.map((d) => d.agent)).toEqual(['codex']);
  });
});
