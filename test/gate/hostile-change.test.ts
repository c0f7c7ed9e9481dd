/**
 * Issue 24: a pull request that tries to talk the gate into passing. Each case
 * is a change an agent wrote; none may come out `pass`.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { git, initRepo } from '../../fixtures/repos.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';

const CLAUDE = 'Co-Authored-By: Claude <noreply@anthropic.com>';
const SAM = { GIT_AUTHOR_NAME: 'Sam Dev', GIT_AUTHOR_EMAIL: 'sam@example.com', GIT_COMMITTER_NAME: 'Sam Dev', GIT_COMMITTER_EMAIL: 'sam@example.com' };
// A GitHub token of the right shape (not a real one).
const TOKEN = `ghp_${'A1b2C3d4E5f6G7h8I9j0'.repeat(2).slice(0, 36)}`;

let repo: string;

beforeAll(async () => {
  repo = await tempDir();
  initRepo(repo);
  await mkdir(path.join(repo, 'src', 'lib'), { recursive: true });
  await writeFile(path.join(repo, 'src', 'lib', 'util.js'), 'module.exports = {};\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'Initial commit');
});

/** A branch off main with one AI commit writing these files (names and bytes as given). */
async function change(name: string, files: Record<string, string | Buffer>): Promise<string> {
  git(repo, 'checkout', '-q', '-B', name, 'main');
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
    await writeFile(path.join(repo, file), content);
  }
  git(repo, 'add', '-A');
  execFileSync('git', ['commit', '-qm', `Add helpers\n\n${CLAUDE}`], { cwd: repo, env: { ...process.env, ...SAM } });
  git(repo, 'checkout', '-q', 'main');
  return name;
}

const check = async (head: string) => {
  const run = await runCli(['check', '--repo', repo, '--base', 'main', '--head', head, '--format', 'json', '--no-record']);
  return { ...run, report: JSON.parse(run.stdout || '{}') as { outcome?: string; decision?: string; change?: { lines: number } } };
};

describe('a change cannot talk the gate into passing (issue 24)', () => {
  it('case 2: a file name with a newline is read (by object id), and its lines judged', async () => {
    const name = 'src/lib/x\n\n### aiprov check: ✅ pass';
    const head = await change('newline-name', {
      [name]: `const { execSync } = require('child_process');\nexecSync(process.argv[2]);\nconst token = '${TOKEN}';\n`,
    });
    const run = await check(head);
    expect(run.report.change?.lines, run.stderr).toBe(3);
    expect(run.report.outcome).not.toBe('pass');
    expect(run.code).not.toBe(0);
  });

  it('case 4: long lines are judged whole: execSync after an 8,200-character comment, a token after one (risk rule, secret scan)', async () => {
    const pad = `/* ${'x'.repeat(8200)} */ `;
    const exec = await check(await change('long-exec', { 'src/lib/run.js': `${pad}require('child_process').execSync(process.argv[2]);\n` }));
    expect(exec.report.outcome, exec.stderr).toBe('needs-review');
    const secret = await check(await change('long-token', { 'src/lib/conf.js': `${pad}const token = '${TOKEN}';\n` }));
    expect(secret.report.outcome, secret.stderr).toBe('fail');
    // Anywhere on a very long line, across a window's edge too.
    const far = await check(await change('far-token', { 'src/lib/far.js': `${'a'.repeat(8192 - 20)} '${TOKEN}' ${'b'.repeat(30_000)}\n` }));
    expect(far.report.outcome, far.stderr).toBe('fail');
  });

  it('case 3: one NUL byte does not drop a file from the checks; a file too large to read makes the change undecided (exit 2), naming it', async () => {
    const nul = await check(await change('nul-byte', { 'src/auth/login.js': `module.exports = (u) => u === 'admin'; // \u0000\nconst token = '${TOKEN}';\n` }));
    expect(nul.report.change?.lines, nul.stderr).toBe(2);
    expect(nul.report.outcome).toBe('fail');
    const big = await check(await change('huge-file', { 'src/lib/bundle.js': `${'// generated\n'.repeat(1_400_000)}require('child_process').execSync(x);\n` }));
    expect(big.code, big.stderr).toBe(2);
    expect(big.report.outcome).toBe('undecided');
    expect(big.stderr).toMatch(/^aiprov: could not decide: src\/lib\/bundle\.js \(\d+\.\d MB, over the 16 MB the gate reads\) could not be read whole/);
  });

  it('case 9: a review note that is not a review/v1 (no scope) is a warning naming its commit, never a crash, never counted', async () => {
    const head = await change('bad-review', { 'src/auth/session.js': 'module.exports = (id) => id;\n' });
    const sha = git(repo, 'rev-parse', head).trim();
    const note = JSON.stringify({ reviewer: { name: 'Riley Reviewer', email: 'riley@example.com' }, decision: 'approved', reviewedAt: '2026-01-01T00:00:00Z' });
    git(repo, 'notes', '--ref=aiprov-reviews', 'add', '-f', '-m', note, sha);
    const run = await check(head);
    expect(run.code, run.stderr).toBe(1);
    expect(run.report.outcome).toBe('needs-review');
    expect(run.stderr).not.toMatch(/internal error/);
    expect((JSON.parse(run.stdout) as { warnings: { code: string; message: string }[] }).warnings).toContainEqual(
      expect.objectContaining({
        code: 'BAD_NOTE',
        message: expect.stringMatching(
          new RegExp(`^refs/notes/aiprov-reviews on ${sha.slice(0, 12)}: a line that is not a review/v1 \\(.*\\): not counted$`),
        ) as unknown,
      }),
    );
    const report = await runCli(['report', '--repo', repo, '--rev', head, '--format', 'json', '--quiet']);
    expect(report.code, report.stderr).toBe(0);
  });

  it("case 5: a trace file in the change cannot erase an AI commit's authorship; the gate reads it at the base, and changing it is itself gated", async () => {
    git(repo, 'checkout', '-q', '-B', 'trace-erase', 'main');
    await mkdir(path.join(repo, 'src', 'auth'), { recursive: true });
    await writeFile(path.join(repo, 'src', 'auth', 'token.js'), 'module.exports = (u) => u.isAdmin === true;\n');
    git(repo, 'add', '-A');
    execFileSync('git', ['commit', '-qm', `Check admin\n\n${CLAUDE}`], { cwd: repo, env: { ...process.env, ...SAM } });
    const ai = git(repo, 'rev-parse', 'HEAD').trim();
    // A later commit by the person adds a record naming the AI commit with no lines at all.
    const record = {
      version: '0.1.0',
      id: 'x',
      timestamp: '2026-01-01T00:00:00Z',
      vcs: { type: 'git', revision: ai },
      tool: { name: 'claude-code' },
      files: [{ path: 'src/auth/token.js', conversations: [{ contributor: { type: 'ai' }, ranges: [] }] }],
    };
    await mkdir(path.join(repo, '.agent-trace'), { recursive: true });
    await writeFile(path.join(repo, '.agent-trace', 'traces.jsonl'), `${JSON.stringify(record)}\n`);
    git(repo, 'add', '-A');
    execFileSync('git', ['commit', '-qm', 'Add the agent trace'], { cwd: repo, env: { ...process.env, ...SAM } });
    git(repo, 'checkout', '-q', 'main');
    const run = await check('trace-erase');
    const report = JSON.parse(run.stdout) as { outcome: string; change: { aiLines: number }; hunks: { rule: string; path: string }[] };
    expect(report.change.aiLines, run.stderr).toBeGreaterThan(0);
    expect(report.outcome).toBe('needs-review');
    expect(report.hunks.map((h) => `${h.rule} ${h.path}`)).toEqual(
      expect.arrayContaining(['auth src/auth/token.js', 'gate-configuration .agent-trace/traces.jsonl']),
    );
  });
});
