import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { scanHistory } from '../../src/authorship/scan.js';
import { AiprovError } from '../../src/kernel/errors.js';
import { importHistory } from '../../src/git/fast-import.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { runCli } from '../cli/run-cli.js';
import { ctx, tempDir } from '../helpers.js';

const CHECKPOINT = 'Checkpoint: 3f2a9c1b7d4e\n\nEntire-Session: 2026-01-01-abc\nEntire-Strategy: manual-commit\nEntire-Agent: Claude Code\n';

describe("other tools' bookkeeping refs", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir();
    initRepo(dir);
    await importHistory(dir, [
      commitAt(0, 'Start\n'),
      commitAt(1, 'Feature\n'),
      // Entire's metadata branch: its own history, every commit with Entire's trailers.
      commitAt(2, CHECKPOINT, { ref: 'refs/heads/entire/checkpoints/v1', parents: [], files: { 'a3/f2a9c1b7d4e/metadata.json': '{}\n' } }),
      commitAt(3, CHECKPOINT, { ref: 'refs/heads/entire/checkpoints/v1', files: { 'a3/f2a9c1b7d4e/full.jsonl': '{}\n' } }),
    ]);
    const tip = execFileSync('git', ['rev-parse', 'refs/heads/entire/checkpoints/v1'], { cwd: dir, encoding: 'utf8' }).trim();
    execFileSync('git', ['update-ref', 'refs/remotes/origin/entire/checkpoints/v1', tip], { cwd: dir });
  });

  it('are left out of --all by default, and the report names them', async () => {
    const report = await scanHistory({ context: await ctx(dir), all: true });
    expect(report.summary).toMatchObject({ commits: 2, aiCommits: 0 });
    expect(report.range.leftOut).toEqual([
      { ref: 'refs/heads/entire/checkpoints/v1', tool: 'Entire' },
      { ref: 'refs/remotes/origin/entire/checkpoints/v1', tool: 'Entire' },
    ]);
    expect(validateAgainst('scanReport', report)).toBeNull();
  });

  it('are counted when asked for', async () => {
    const report = await scanHistory({ context: await ctx(dir), all: true, includeBookkeeping: true });
    expect(report.summary).toMatchObject({ commits: 4, aiCommits: 2 });
    expect(report.summary.byAgent['claude-code']?.commits).toBe(2);
    expect(report.range.leftOut).toBeUndefined();
  });

  it('a range that names the branch scans it: only --all leaves refs out', async () => {
    const report = await scanHistory({ context: await ctx(dir), range: 'entire/checkpoints/v1' });
    expect(report.summary.commits).toBe(2);
    await expect(scanHistory({ context: await ctx(dir), range: 'HEAD', includeBookkeeping: true })).rejects.toThrow(AiprovError);
  });

  it('the table says what was left out and how to count it', async () => {
    const result = await runCli(['scan', '--all', '--repo', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "Left out as other tools' bookkeeping, not the project's history: refs/heads/entire/checkpoints/v1 (Entire), refs/remotes/origin/entire/checkpoints/v1 (Entire); --include-bookkeeping counts them",
    );
    const bad = await runCli(['scan', 'HEAD', '--include-bookkeeping', '--repo', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('aiprov: --include-bookkeeping applies to a scan of every ref (all) only: a range names its refs itself\n');
  });
});
