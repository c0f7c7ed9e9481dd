import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFindingsRepo, type FindingsRepo } from '../../fixtures/findings-repo.js';
import { git, T0 } from '../../fixtures/repos.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import type { FindingsReport } from '../../src/findings/types.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';
import { eslintSarif } from './scanners.js';

const DAY = 86_400;
let repo: FindingsRepo;
let fixes: string[];
let logs: Record<string, string>;

/** A commit on the checked-out branch, dated `at` (seconds). */
function commitAt(dir: string, at: number, message: string): string {
  git(dir, 'add', '-A');
  execFileSync('git', ['commit', '-q', '-m', message], {
    cwd: dir,
    env: {
      ...process.env,
      GIT_AUTHOR_DATE: `@${at} +0000`,
      GIT_COMMITTER_DATE: `@${at} +0000`,
      GIT_AUTHOR_NAME: 'Dana Human',
      GIT_AUTHOR_EMAIL: 'dana@example.com',
      GIT_COMMITTER_NAME: 'Dana Human',
      GIT_COMMITTER_EMAIL: 'dana@example.com',
    },
  });
  return git(dir, 'rev-parse', 'HEAD').trim();
}

beforeAll(async () => {
  repo = await buildFindingsRepo(await tempDir());
  // The fixture's untracked scratch file is not part of this history.
  (await import('node:fs')).rmSync(path.join(repo.dir, 'scratch.js'));
  // Two fixes after the fixture's history (whose commits are a minute apart from T0): Codex's object injection
  // (server.js:6) ten days after it was written, then the first of Claude's helper findings (ai-helpers.js:4).
  const server = (await import('node:fs')).readFileSync(path.join(repo.dir, 'src/server.js'), 'utf8');
  await writeFile(path.join(repo.dir, 'src/server.js'), server.replace('  obj[key] = value;', "  Object.defineProperty(obj, 'value', { value });"));
  const fix1 = commitAt(repo.dir, T0 + 2 * 60 + 10 * DAY, 'Fix the setter\n');
  const helpers = (await import('node:fs')).readFileSync(path.join(repo.dir, 'lib/ai-helpers.js'), 'utf8');
  await writeFile(path.join(repo.dir, 'lib/ai-helpers.js'), helpers.replace('new RegExp(pattern)', '/x/'));
  const fix2 = commitAt(repo.dir, T0 + 2 * 60 + 20 * DAY, 'No dynamic pattern\n');
  fixes = [fix1, fix2];
  // ESLint run at each revision of the series, in a worktree of it, as CI would have run it on each push.
  const work = await tempDir();
  logs = {};
  for (const [i, rev] of [repo.shas[1], repo.shas[2], repo.shas[3], repo.shas[4], fix1, fix2].entries()) {
    const tree = path.join(work, `rev-${i}`);
    git(repo.dir, 'worktree', 'add', '-q', '--detach', tree, rev ?? '');
    const file = path.join(work, `rev-${i}.sarif`);
    // CI scans one checkout directory at every push: the logs name the same place, the repository's.
    await writeFile(file, (await eslintSarif(tree, ['.'])).replaceAll(`file://${tree}/`, `file://${repo.dir}/`));
    logs[rev ?? ''] = file;
  }
});

describe('aiprov findings --history: time from appearance to fix, by who wrote the lines', () => {
  it('follows findings across revisions and a rename, and says how long the fixed ones took', async () => {
    const [fix1, fix2] = fixes as [string, string];
    const history = Object.entries(logs)
      .filter(([rev]) => rev !== fix2)
      .flatMap(([rev, file]) => ['--history', `${rev}=${file}`]);
    const run = await runCli(['findings', '--repo', repo.dir, '--rev', fix2, '--sarif', logs[fix2] ?? '', ...history, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as FindingsReport;
    expect(validateAgainst('findingsReport', report)).toBeNull();
    const r = report.remediation;
    expect(r?.revisions.map((x) => x.rev)).toEqual([repo.shas[1], repo.shas[2], repo.shas[3], repo.shas[4], fix1, fix2]);
    // At the first revision: the person's eval and Claude's two helper findings; when they appeared is not known.
    expect(r?.alreadyPresent).toBe(3);
    // Codex's setter (server.js:6, written at shas[2], T0 + 120 s) fixed at fix1, ten days later; the mixed eval open.
    expect(r?.byClass).toEqual({
      ai: { appeared: 1, fixed: 1, open: 0, medianDays: 10, meanDays: 10 },
      noAgent: { appeared: 1, fixed: 0, open: 1, medianDays: null, meanDays: null },
    });
    expect(r?.byAgent).toEqual([{ key: 'codex', appeared: 1, fixed: 1, open: 0, medianDays: 10, meanDays: 10 }]);
    const byPlace = Object.fromEntries((r?.tracked ?? []).map((t) => [`${t.path}:${t.startLine}`, [t.appeared, t.fixed]]));
    // Through the rename of src/ai.js: its line 4 finding is fixed at fix2 (not at the rename), its line 5 one still open.
    expect(byPlace).toEqual({
      'src/server.js:3': [null, null],
      'src/ai.js:4': [null, fix2],
      'src/ai.js:5': [null, null],
      'src/server.js:6': [repo.shas[2], fix1],
      'src/server.js:11': [repo.shas[3], null],
    });
    const table = await runCli(['findings', '--repo', repo.dir, '--rev', fix2, '--sarif', logs[fix2] ?? '', ...history]);
    expect(table.stdout).toMatch(/Time to fix, over 6 revisions/);
    expect(table.stdout).toMatch(/AI-written lines\s+1\s+1\s+0\s+10\.0\s+10\.0/);
    expect(table.stdout).toContain('3 findings were there at the first revision: when they appeared is not known, so they are in no time to fix');
    // A log of an earlier revision that does not say which is refused, not taken as the head's.
    const unnamed = await runCli(['findings', '--repo', repo.dir, '--rev', fix2, '--sarif', logs[fix2] ?? '', '--history', logs[fix1] ?? '']);
    expect([unnamed.code, unnamed.stderr]).toEqual([
      2,
      `aiprov: ${logs[fix1] ?? ''}: a log of an earlier revision must name it (versionControlProvenance), or be given as REV=${logs[fix1] ?? ''}\n`,
    ]);
  });
});
