import { execFileSync, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubServer, type ForgeServer } from '../../fixtures/forge-servers.js';
import { git, initRepo } from '../../fixtures/repos.js';
import { COMMENT_MARKER } from '../../src/ci/comment-thread.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';
import { actionYml, runAction } from './run-action.js';

const CLAUDE = 'Co-Authored-By: Claude <noreply@anthropic.com>';
const LOGIN = 'export function login(user: string): boolean {\n  return user.length > 0;\n}\n';
const AUTH_CHANGE =
  'export function login(user: string, password: string): boolean {\n  if (user === "admin") return true;\n  return check(user, password);\n}\n';

async function write(dir: string, file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), text);
}

/**
 * The remote (a bare repository reached by file://), a developer's clone that
 * pushed main and a pull request whose AI commit changes authentication code,
 * and a reviewer's clone that can push an approval in refs/notes/aiprov-reviews.
 */
let origin: string;
let dev: string;
let mainBefore: string;
let prHead: string;
let server: ForgeServer;

beforeAll(async () => {
  const root = await tempDir();
  origin = path.join(root, 'origin.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', origin]);
  dev = path.join(root, 'dev');
  initRepo(dev);
  await write(dev, 'src/auth/login.ts', LOGIN);
  // The base's policy: the pull request's approvals on GitHub are what counts as a review.
  await write(dev, '.aiprov.yml', 'review:\n  forge: github\n');
  git(dev, 'add', '-A');
  git(dev, 'commit', '-qm', 'Initial commit');
  git(dev, 'remote', 'add', 'origin', `file://${origin}`);
  git(dev, 'push', '-q', 'origin', 'main');
  mainBefore = git(dev, 'rev-parse', 'HEAD').trim();
  git(dev, 'checkout', '-qb', 'feature');
  await write(dev, 'src/auth/login.ts', AUTH_CHANGE);
  git(dev, 'commit', '-qam', `Let users log in with a password\n\n${CLAUDE}`);
  prHead = git(dev, 'rev-parse', 'HEAD').trim();
  git(dev, 'push', '-q', 'origin', 'feature', 'feature:refs/pull/7/head');
  server = await githubServer('acme', 'app');
});

afterAll(() => server.close());

/** A shallow clone of the pull request's head, as actions/checkout makes one (fetch-depth 1, no other branch, no notes). */
async function checkout(ref: string): Promise<string> {
  const dir = await tempDir();
  execFileSync('git', ['clone', '--quiet', '--depth=1', '--branch', ref, `file://${origin}`, path.join(dir, 'ws')]);
  return path.join(dir, 'ws');
}

const PR_EVENT = { name: 'pull_request', payload: { number: 7, pull_request: { number: 7, base: { ref: 'main' }, head: { ref: 'feature' } } } };
const api = (): NodeJS.ProcessEnv => ({ GITHUB_API_URL: server.url, GITHUB_REPOSITORY: 'acme/app', GITHUB_BASE_REF: 'main' });

describe('the GitHub Action, run as the runner runs it', () => {
  it('on a pull request: fetches the base, the history and the notes, gates, sets outputs, and keeps one comment up to date', async () => {
    // Someone else's comment carrying our marker is not ours: never edited, never taken for our verdict.
    server.comments.push({ id: 1, body: `${COMMENT_MARKER}\nfake: ✅ pass`, user: 'mallory' });
    const first = await runAction({ workspace: await checkout('feature'), temp: await tempDir(), event: PR_EVENT, inputs: {}, env: api() });
    expect(first.code, first.stdout + first.stderr).toBe(1);
    expect(first.outputs).toMatchObject({ 'exit-code': '1', 'outcome': 'needs-review', 'waiting': '1', 'escalations': '1', 'lines': '3' });
    expect(first.outputs.markdown).toContain('aiprov check');
    const declared = Object.keys((await actionYml()).outputs);
    expect(Object.keys(first.outputs).filter((name) => !declared.includes(name))).toEqual([]);
    expect(first.stdout).toMatch(/fetched the base main; the whole history; no notes/);
    expect(first.stdout).toContain('::error::aiprov check exited 1');
    expect(first.summary).toContain(first.outputs.markdown?.split('\n')[0]);
    const posts = server.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.authorization).toBe('token ghs_workflow_token');
    const mine = server.comments.filter((c) => c.user === 'github-actions[bot]');
    expect(mine).toHaveLength(1);
    expect(mine[0]?.body.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expect(mine[0]?.body).toContain('needs review');
    expect(first.outputs['comment-id']).toBe(String(mine[0]?.id));

    // A note claiming a review, pushed where CI fetches notes, is a claim: it does not pass the change.
    git(dev, 'checkout', '-q', 'feature');
    git(dev, 'config', 'user.name', 'Riley Reviewer');
    git(dev, 'config', 'user.email', 'riley@example.com');
    expect((await runCli(['review', '--repo', dev, '--commit', prHead, '--decision', 'approve', '--quiet'])).code).toBe(0);
    git(dev, 'push', '-q', 'origin', 'refs/notes/aiprov-reviews');
    const claimed = await runAction({ workspace: await checkout('feature'), temp: await tempDir(), event: PR_EVENT, inputs: {}, env: api() });
    expect([claimed.code, claimed.outputs.outcome], claimed.stdout).toEqual([1, 'needs-review']);
    // A person approves the pull request's head on GitHub: the next run reads the approval with the workflow's token and passes; the same comment is updated.
    server.pull.author = 'sam-dev';
    server.pull.head = prHead;
    server.pull.reviews = [{ login: 'riley', id: 11, state: 'APPROVED', commit: prHead }];
    const second = await runAction({ workspace: await checkout('feature'), temp: await tempDir(), event: PR_EVENT, inputs: {}, env: api() });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.outputs).toMatchObject({ 'exit-code': '0', 'outcome': 'pass', 'waiting': '0' });
    expect(second.stdout).toMatch(/fetched the base main; the whole history; refs\/notes\/aiprov-reviews/);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(server.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([
      `/repos/acme/app/issues/comments/${mine[0]?.id}`,
      `/repos/acme/app/issues/comments/${mine[0]?.id}`,
    ]);
    expect(server.requests.some((r) => r.path.startsWith('/repos/acme/app/pulls/7/reviews') && r.authorization === 'token ghs_workflow_token')).toBe(true);
    expect(server.comments.find((c) => c.user === 'github-actions[bot]')?.body).toContain('pass');
    expect(server.comments.find((c) => c.id === 1)?.body).toBe(`${COMMENT_MARKER}\nfake: ✅ pass`);
  });

  it("a check that stops before its report leaves no earlier step's report standing for it: no outcome, no comment", async () => {
    const temp = await tempDir();
    await writeFile(
      path.join(temp, 'aiprov-check.json'),
      JSON.stringify({ outcome: 'pass', metrics: { waiting: 0, escalations: 0 }, change: { aiLines: 0, lines: 0 } }),
    );
    await writeFile(path.join(temp, 'aiprov-check.md'), '### aiprov check: ✅ pass\n');
    const posts = server.requests.length;
    const run = await runAction({ workspace: await checkout('feature'), temp, event: PR_EVENT, inputs: { args: '--base\nno-such-branch' }, env: api() });
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.outputs['exit-code']).toBe('2');
    expect(run.outputs.outcome).toBeUndefined();
    expect(run.outputs.markdown).toBeUndefined();
    expect(server.requests.length).toBe(posts);
  });

  it('takes its arguments one per line, spaces kept, never through a shell', async () => {
    const temp = await tempDir();
    const run = await runAction({
      workspace: await checkout('feature'),
      temp,
      event: PR_EVENT,
      inputs: { command: 'scan', args: `--format\njson\n--output\n${path.join(temp, 'scan $(touch pwned).json')}` },
      env: api(),
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['exit-code']).toBe('0');
    expect(execFileSync('ls', [temp], { encoding: 'utf8' })).toContain('scan $(touch pwned).json');
    expect(execFileSync('ls', [temp], { encoding: 'utf8' })).not.toMatch(/^pwned$/m);
  });

  it("a refused comment (a fork's read-only token) is a warning: the gate's verdict and exit code stand", async () => {
    server.refuseWith(403, ['POST', 'PATCH']);
    try {
      const run = await runAction({ workspace: await checkout('feature'), temp: await tempDir(), event: PR_EVENT, inputs: {}, env: api() });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.outputs.outcome).toBe('pass');
      expect(run.stdout).toMatch(/::warning::aiprov: the comment could not be posted: GitHub acme\/app#7: the token was refused \(HTTP 403/);
    } finally {
      server.refuseWith(undefined);
    }
  });

  it('on a push to the default branch: checks the pushed range, records the decision and pushes refs/notes/aiprov-checks', async () => {
    git(dev, 'checkout', '-q', 'main');
    git(dev, 'merge', '-q', '--ff-only', 'feature');
    git(dev, 'push', '-q', 'origin', 'main');
    const after = git(dev, 'rev-parse', 'HEAD').trim();
    const event = { name: 'push', payload: { ref: 'refs/heads/main', before: mainBefore, after, repository: { default_branch: 'main' } } };
    const run = await runAction({
      workspace: await checkout('main'),
      temp: await tempDir(),
      event,
      // A push names no pull request: GitHub's record of the one that brought the commit in gives its approvals.
      inputs: {},
      env: { GITHUB_API_URL: server.url, GITHUB_REPOSITORY: 'acme/app' },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ outcome: 'pass', recorded: 'true' });
    const note = execFileSync('git', ['--git-dir', origin, 'notes', '--ref=aiprov-checks', 'show', after], { encoding: 'utf8' });
    expect(note).toContain(`"head":"${after}"`);
    expect(note).toContain('"decision":"pass"');
    expect(server.requests.some((r) => r.path === `/repos/acme/app/commits/${after}/pulls`)).toBe(true);
    // The dashboard reads it: a clone that fetched the notes has a gate section with this decision.
    const clone = path.join(await tempDir(), 'clone');
    execFileSync('git', ['clone', '--quiet', `file://${origin}`, clone]);
    git(clone, 'fetch', '-q', 'origin', 'refs/notes/aiprov-checks:refs/notes/aiprov-checks');
    const report = await runCli(['report', '--repo', clone, '--format', 'json']);
    expect(report.code, report.stderr).toBe(0);
    expect((JSON.parse(report.stdout) as { gate: { runs: number; changes: number; passed: number } }).gate).toMatchObject({ runs: 1, changes: 1 });
  });
});

describe('the GitHub Action under @github/local-action', () => {
  it('runs its entry point with the toolkit stubbed by local-action: the gate runs and its outputs are the ones declared', async () => {
    // A pull request of its own (whatever the other tests did to main): an AI change to session code, not reviewed.
    git(dev, 'checkout', '-q', '-B', 'feature2', mainBefore);
    await write(dev, 'src/auth/session.ts', 'export const session = (id: string) => id;\n');
    git(dev, 'add', '-A');
    git(dev, 'commit', '-qm', `Add sessions\n\n${CLAUDE}`);
    git(dev, 'push', '-q', '-f', 'origin', 'feature2');
    const temp = await tempDir();
    const event = path.join(temp, 'event.json');
    await writeFile(event, JSON.stringify(PR_EVENT.payload));
    const env = [
      'INPUT_COMMAND=check',
      'INPUT_TOKEN=ghs_workflow_token',
      'INPUT_COMMENT=false',
      'GITHUB_ACTIONS=true',
      'GITHUB_EVENT_NAME=pull_request',
      `GITHUB_EVENT_PATH=${event}`,
      'GITHUB_BASE_REF=main',
      'GITHUB_REPOSITORY=acme/app',
      `GITHUB_API_URL=${server.url}`,
      `GITHUB_WORKSPACE=${await checkout('feature2')}`,
      `RUNNER_TEMP=${temp}`,
    ];
    await writeFile(path.join(temp, '.env'), env.join('\n') + '\n');
    const root = path.resolve(import.meta.dirname, '../..');
    const bin = path.join(root, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js');
    // local-action exits with the action's exit code (1 here: waiting for review); its outputs are printed either way.
    // Started without blocking: the forge's API answering it is this process's server.
    const ran = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, 'run', root, 'action/main.js', path.join(temp, '.env')], { cwd: root });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (status) => {
        resolve({ status, stdout, stderr });
      });
    });
    const out = ran.stdout;
    expect(ran.status, out + ran.stderr).toBe(1);
    const outputs: Record<string, string> = Object.fromEntries([...out.matchAll(/^::set-output name=([a-z-]+)::(.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
    expect(outputs, out).toMatchObject({ 'exit-code': '1', 'outcome': 'needs-review', 'waiting': '1', 'lines': '1', 'ai-lines': '1' });
    expect(outputs.markdown).toBe('### aiprov check: 🟡 needs review');
    const declared = Object.keys((await actionYml()).outputs);
    expect(Object.keys(outputs).filter((name) => !declared.includes(name))).toEqual([]);
  });
});
