import { execFileSync, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubServer, gitlabServer, type ForgeServer } from '../../fixtures/forge-servers.js';
import { git, initRepo } from '../../fixtures/repos.js';
import { COMMENT_LIMITS, COMMENT_MARKER, commentBody } from '../../src/ci/comment-thread.js';
import { pushChecks } from '../../src/ci/notes-sync.js';
import { remoteSync, tokenAuth } from '../../src/git/remote.js';
import { startGitHttpServer } from '../../fixtures/git-http-server.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';

let github: ForgeServer;
let gitlab: ForgeServer;
let dir: string;
let report: string;
let event: string;

beforeAll(async () => {
  [github, gitlab] = await Promise.all([githubServer('acme', 'app'), gitlabServer('123')]);
  dir = await tempDir();
  report = path.join(dir, 'check.md');
  await writeFile(report, '### aiprov check: 🟡 needs review\n');
  event = path.join(dir, 'event.json');
  await writeFile(event, JSON.stringify({ pull_request: { number: 12, base: { ref: 'main' } } }));
});
afterAll(async () => Promise.all([github.close(), gitlab.close()]));

const githubEnv = (): NodeJS.ProcessEnv => ({
  GITHUB_ACTIONS: 'true',
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: event,
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_API_URL: github.url,
  GITHUB_TOKEN: 'ghs_x',
});
const gitlabEnv = (): NodeJS.ProcessEnv => ({
  GITLAB_CI: 'true',
  CI_SERVER_URL: gitlab.url,
  CI_PROJECT_ID: '123',
  CI_MERGE_REQUEST_IID: '4',
  CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
  AIPROV_GITLAB_TOKEN: 'glpat-x',
});

describe('aiprov comment', () => {
  it('GitHub: posts once, then updates its own comment in place', async () => {
    const first = await runCli(['comment', report], { env: githubEnv() });
    expect(first, first.stderr).toMatchObject({
      code: 0,
      stderr: 'aiprov: comment created on acme/app#12 (https://github.com/acme/app/pull/12#issuecomment-1000)\n',
    });
    await writeFile(report, '### aiprov check: ✅ pass\n');
    const second = await runCli(['comment', report], { env: githubEnv() });
    expect(second.stderr).toMatch(/^aiprov: comment updated on acme\/app#12/);
    expect(github.comments).toEqual([{ id: 1000, body: `${COMMENT_MARKER}\n### aiprov check: ✅ pass\n`, user: 'github-actions[bot]' }]);
    expect(github.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'GET /repos/acme/app/issues/12/comments',
      'POST /repos/acme/app/issues/12/comments',
      'GET /repos/acme/app/issues/12/comments',
      'PATCH /repos/acme/app/issues/comments/1000',
    ]);
  });

  it("GitLab: the merge request's note through the API, found by the token's own user", async () => {
    gitlab.comments.push({ id: 1, body: `${COMMENT_MARKER}\nsomeone else's`, user: 'mallory' });
    expect((await runCli(['comment', report], { env: gitlabEnv() })).stderr).toBe('aiprov: comment created on 123!4\n');
    expect((await runCli(['comment', report], { env: gitlabEnv() })).stderr).toBe('aiprov: comment updated on 123!4\n');
    expect(gitlab.comments.map((c) => [c.user, c.body.startsWith(COMMENT_MARKER)])).toEqual([
      ['mallory', true],
      ['aiprov-bot', true],
    ]);
    expect(gitlab.comments[0]?.body).toBe(`${COMMENT_MARKER}\nsomeone else's`);
    expect(new Set(gitlab.requests.map((r) => r.privateToken))).toEqual(new Set(['glpat-x']));
    expect(gitlab.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toContain('PUT /api/v4/projects/123/merge_requests/4/notes/500');
  });

  it('says what is missing in one line, exit 2: no CI, no pull request, no token, a refused token, an unreachable API', async () => {
    const run = (env: NodeJS.ProcessEnv) => runCli(['comment', report], { env });
    expect(await run({})).toMatchObject({
      code: 2,
      stderr: 'aiprov: comment runs in a GitHub Actions job or a GitLab CI pipeline (neither GITHUB_ACTIONS nor GITLAB_CI is set)\n',
    });
    const noMr = { ...gitlabEnv(), CI_MERGE_REQUEST_IID: '' };
    expect((await run(noMr)).stderr).toBe('aiprov: this pipeline is not for a merge request: nothing to comment on\n');
    const noToken = { ...githubEnv(), GITHUB_TOKEN: '' };
    expect((await run(noToken)).stderr).toBe('aiprov: no GitHub token: set GITHUB_TOKEN (or AIPROV_GITHUB_TOKEN) with pull-requests: write\n');
    github.refuseWith(401);
    try {
      const refused = await run(githubEnv());
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^aiprov: GitHub acme\/app#12: the token was refused \(HTTP 401: .*\n$/);
    } finally {
      github.refuseWith(undefined);
    }
    const down = await run({ ...githubEnv(), GITHUB_API_URL: 'http://127.0.0.1:9' });
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/^aiprov: GitHub acme\/app#12: no answer \(.*\)\n$/);
    expect((await runCli(['comment', path.join(dir, 'missing.md')], { env: githubEnv() })).stderr).toMatch(/^aiprov: .*missing\.md: /);
  });

  it("cuts a report longer than the forge's limit with a line saying so", () => {
    const body = commentBody('x'.repeat(70_000), 'github');
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMITS.github);
    expect(body).toMatch(/^<!-- aiprov:check -->\nx+\n\n… cut at the forge's limit of 65,536 characters/);
    expect(commentBody('short', 'gitlab')).toBe(`${COMMENT_MARKER}\nshort`);
  });
});

describe('pushing recorded decisions', () => {
  it('when another job pushed first, merges its records and pushes again: both decisions stay', async () => {
    const root = await tempDir();
    const origin = path.join(root, 'origin.git');
    execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', origin]);
    const a = path.join(root, 'a');
    initRepo(a);
    git(a, 'commit', '-q', '--allow-empty', '-m', 'one');
    git(a, 'commit', '-q', '--allow-empty', '-m', 'two');
    git(a, 'remote', 'add', 'origin', `file://${origin}`);
    git(a, 'push', '-q', 'origin', 'main');
    const b = path.join(root, 'b');
    execFileSync('git', ['clone', '-q', `file://${origin}`, b]);
    git(a, 'notes', '--ref=aiprov-checks', 'add', '-m', '{"head":"one"}', 'HEAD~1');
    git(b, 'notes', '--ref=aiprov-checks', 'add', '-m', '{"head":"two"}', 'HEAD');
    const said: string[] = [];
    const env = { ...process.env, GIT_COMMITTER_NAME: 'CI', GIT_COMMITTER_EMAIL: 'ci@example.com', GIT_AUTHOR_NAME: 'CI', GIT_AUTHOR_EMAIL: 'ci@example.com' };
    await pushChecks(remoteSync(a, env), 'origin', (line) => said.push(line));
    await pushChecks(remoteSync(b, env), 'origin', (line) => said.push(line));
    expect(said).toEqual([
      'pushed refs/notes/aiprov-checks to origin',
      'origin refused refs/notes/aiprov-checks ([rejected] (fetch first)): merging its records and pushing again',
      'pushed refs/notes/aiprov-checks to origin',
    ]);
    const show = (rev: string) => execFileSync('git', ['--git-dir', origin, 'notes', '--ref=aiprov-checks', 'show', rev], { encoding: 'utf8' });
    expect(show('main~1')).toBe('{"head":"one"}\n');
    expect(show('main')).toBe('{"head":"two"}\n');
  });
});

describe('fetching with a token when the checkout kept no credentials', () => {
  it('sends the token as an HTTP authorization header for those calls only; without it the remote refuses', async () => {
    const root = await tempDir();
    const origin = path.join(root, 'app.git');
    execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', origin]);
    const seed = path.join(root, 'seed');
    initRepo(seed);
    git(seed, 'commit', '-q', '--allow-empty', '-m', 'one');
    git(seed, 'notes', '--ref=aiprov-reviews', 'add', '-m', '{"review":1}', 'HEAD');
    git(seed, 'push', '-q', origin, 'main', 'refs/notes/aiprov-reviews');
    const header = tokenAuth('ghs_secret').header;
    const server = await startGitHttpServer(root, header);
    try {
      const ws = path.join(root, 'ws');
      initRepo(ws);
      git(ws, 'remote', 'add', 'origin', `${server.url}/app.git`);
      const env = { ...process.env, GIT_COMMITTER_NAME: 'CI', GIT_COMMITTER_EMAIL: 'ci@example.com' };
      // No token: refused, with git's own reason.
      await expect(remoteSync(ws, env).remoteRefs('origin', ['refs/notes/*'])).rejects.toThrow(/git ls-remote origin failed/);
      const sync = remoteSync(ws, env, tokenAuth('ghs_secret'));
      expect([...(await sync.remoteRefs('origin', ['refs/notes/*'])).keys()]).toEqual(['refs/notes/aiprov-reviews']);
      await sync.fetch('origin', ['+refs/heads/main:refs/remotes/origin/main', '+refs/notes/aiprov-reviews:refs/notes/aiprov-reviews']);
      expect(git(ws, 'notes', '--ref=aiprov-reviews', 'show', 'origin/main')).toBe('{"review":1}\n');
      // Never written to the repository's config.
      expect(spawnSync('git', ['config', '--get-regexp', 'extraheader'], { cwd: ws, encoding: 'utf8' }).stdout).toBe('');
      // A checkout that kept its credentials (actions/checkout's default) has its own header: used as it is, ours not added (two are refused).
      git(ws, 'config', `http.${server.url}/.extraheader`, `AUTHORIZATION: ${header}`);
      const kept = remoteSync(ws, env, tokenAuth('a-token-that-would-be-refused'));
      expect([...(await kept.remoteRefs('origin', ['refs/notes/*'])).keys()]).toEqual(['refs/notes/aiprov-reviews']);
    } finally {
      await server.close();
    }
  });
});
