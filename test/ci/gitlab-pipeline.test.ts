/**
 * examples/gitlab/.gitlab-ci.yml run by gitlab-ci-local in shell mode against
 * a fixture project (aiprov a devDependency linked to this clone, installed by
 * the pipeline's own `npm ci`, offline), its origin a bare repository, and the
 * GitLab API a local server: the merge request's note, posted then updated;
 * the decision on the default branch recorded and pushed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitlabServer, type ForgeServer } from '../../fixtures/forge-servers.js';
import { git, initRepo } from '../../fixtures/repos.js';
import { COMMENT_MARKER } from '../../src/ci/comment-thread.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';
import { startPostgres, type TestPostgres } from '../postgres.js';
import pg from 'pg';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PATH = `${path.join(ROOT, 'node_modules', '.bin')}:${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`;
const CLAUDE = 'Co-Authored-By: Claude <noreply@anthropic.com>';

let root: string;
let origin: string;
let dev: string;
let server: ForgeServer;
let postgres: TestPostgres;
let mainBefore: string;
let prHead: string;

beforeAll(async () => {
  root = await tempDir();
  server = await gitlabServer('123');
  postgres = await startPostgres();
  origin = path.join(root, 'origin.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', origin]);
  dev = path.join(root, 'dev');
  initRepo(dev);
  writeFileSync(path.join(dev, 'package.json'), JSON.stringify({ name: 'app', private: true, devDependencies: { aiprov: `file:${ROOT}` } }, null, 2));
  writeFileSync(path.join(dev, '.gitignore'), 'node_modules/\n.gitlab-ci-local/\naiprov.*\n');
  execFileSync('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dev, env: { ...process.env, PATH }, stdio: 'ignore' });
  cpSync(path.join(ROOT, 'examples', 'gitlab', '.gitlab-ci.yml'), path.join(dev, '.gitlab-ci.yml'));
  mkdirSync(path.join(dev, 'src', 'auth'), { recursive: true });
  writeFileSync(path.join(dev, 'src', 'auth', 'login.ts'), 'export const login = (user: string) => user.length > 0;\n');
  // The base's policy: the merge request's approvals on GitLab are what counts as a review.
  writeFileSync(path.join(dev, '.aiprov.yml'), 'review:\n  forge: gitlab\n');
  git(dev, 'add', '-A');
  git(dev, 'commit', '-qm', 'Initial commit');
  git(dev, 'remote', 'add', 'origin', `file://${origin}`);
  git(dev, 'push', '-q', 'origin', 'main');
  mainBefore = git(dev, 'rev-parse', 'HEAD').trim();
  git(dev, 'checkout', '-qb', 'feature');
  writeFileSync(
    path.join(dev, 'src', 'auth', 'login.ts'),
    'export const login = (user: string, password: string) => user === "admin" || check(user, password);\n',
  );
  git(dev, 'commit', '-qam', `Let users log in with a password\n\n${CLAUDE}`);
  prHead = git(dev, 'rev-parse', 'HEAD').trim();
  git(dev, 'push', '-q', 'origin', 'feature');
});
afterAll(async () => {
  await server.close();
  await postgres.stop();
});

/** A full clone at `branch`, as a runner with GIT_DEPTH 0 makes it, then one job run by gitlab-ci-local. */
async function pipeline(branch: string, job: string, variables: Record<string, string>): Promise<{ status: number | null; out: string }> {
  const ws = path.join(await tempDir(), 'ws');
  execFileSync('git', ['clone', '--quiet', '--branch', branch, `file://${origin}`, ws]);
  git(ws, 'remote', 'set-head', 'origin', 'main');
  const vars = { GITLAB_CI: 'true', npm_config_offline: 'true', npm_config_update_notifier: 'false', ...variables };
  const args = [
    '--force-shell-executor',
    '--ignore-predefined-vars',
    Object.keys(vars).join(','),
    job,
    ...Object.entries(vars).flatMap(([k, v]) => ['--variable', `${k}=${v}`]),
  ];
  // Not spawnSync: the GitLab API the job talks to is served by this very process.
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'gitlab-ci-local', 'dist', 'index.js'), ...args], {
    cwd: ws,
    env: {
      PATH,
      HOME: path.join(ws, '..'),
      GIT_AUTHOR_NAME: 'x',
      GIT_AUTHOR_EMAIL: 'x@example.com',
      GIT_COMMITTER_NAME: 'x',
      GIT_COMMITTER_EMAIL: 'x@example.com',
    },
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { status, out };
}

const MR = (): Record<string, string> => ({
  CI_PIPELINE_SOURCE: 'merge_request_event',
  CI_MERGE_REQUEST_IID: '4',
  CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
  CI_SERVER_URL: server.url,
  CI_PROJECT_ID: '123',
  AIPROV_GITLAB_TOKEN: 'glpat-test',
});

describe('the GitLab pipeline, run by gitlab-ci-local', () => {
  it('aiprov-check: holds an unreviewed AI change with a note on the merge request, then passes once a person approves it on GitLab, updating the same note', async () => {
    const held = await pipeline('feature', 'aiprov-check', MR());
    expect(held.status, held.out).not.toBe(0);
    expect(held.out).toMatch(/aiprov: comment created on 123!4/);
    expect(server.comments).toHaveLength(1);
    expect(server.comments[0]?.body).toMatch(new RegExp(`^${COMMENT_MARKER}\\n### aiprov check: 🟡 needs review`));
    expect(new Set(server.requests.map((r) => r.privateToken))).toEqual(new Set(['glpat-test']));

    // A review note pushed where the pipeline fetches notes is a claim: still held.
    git(dev, 'config', 'user.name', 'Riley Reviewer');
    git(dev, 'config', 'user.email', 'riley@example.com');
    expect((await runCli(['review', '--repo', dev, '--commit', prHead, '--decision', 'approve', '--quiet'])).code).toBe(0);
    git(dev, 'push', '-q', 'origin', 'refs/notes/aiprov-reviews');
    expect((await pipeline('feature', 'aiprov-check', MR())).status).not.toBe(0);
    server.pull.author = 'sam-dev';
    server.pull.head = prHead;
    server.pull.reviews = [{ login: 'riley', id: 21 }];
    const passed = await pipeline('feature', 'aiprov-check', MR());
    expect(passed.status, passed.out).toBe(0);
    expect(passed.out).toMatch(/aiprov: comment updated on 123!4/);
    expect(server.comments).toHaveLength(1);
    expect(server.comments[0]?.body).toMatch(/### aiprov check: ✅ pass/);
    // Three pipeline runs (gitlab-ci-local, npm ci offline each): minutes on a loaded machine; the timeout is for a hang, not a target.
  }, 180_000);

  it('aiprov-record: on the default branch, checks before..after and pushes the decision to refs/notes/aiprov-checks', async () => {
    git(dev, 'checkout', '-q', 'main');
    git(dev, 'merge', '-q', '--ff-only', 'feature');
    git(dev, 'push', '-q', 'origin', 'main');
    const after = git(dev, 'rev-parse', 'HEAD').trim();
    const run = await pipeline('main', 'aiprov-record', {
      CI_PIPELINE_SOURCE: 'push',
      CI_COMMIT_BRANCH: 'main',
      CI_DEFAULT_BRANCH: 'main',
      CI_COMMIT_BEFORE_SHA: mainBefore,
      CI_COMMIT_SHA: after,
      AIPROV_NOTES_REMOTE: `file://${origin}`,
      CI_SERVER_URL: server.url,
      CI_PROJECT_ID: '123',
      AIPROV_GITLAB_TOKEN: 'glpat-test',
    });
    expect(run.status, run.out).toBe(0);
    const note = execFileSync('git', ['--git-dir', origin, 'notes', '--ref=aiprov-checks', 'show', after], { encoding: 'utf8' });
    expect(note).toContain('"decision":"pass"');
  });

  it('aiprov-collect: on a push to the default branch, collects the project into the shared PostgreSQL, with the decision just recorded; a second run adds nothing', async () => {
    const store = await postgres.database('gitlab_inventory');
    const variables = {
      CI_PIPELINE_SOURCE: 'push',
      CI_COMMIT_BRANCH: 'main',
      CI_DEFAULT_BRANCH: 'main',
      CI_PROJECT_URL: 'https://gitlab.example.com/acme/app',
      AIPROV_STORE: store,
    };
    const first = await pipeline('main', 'aiprov-collect', variables);
    expect(first.status, first.out).toBe(0);
    expect(first.out).toMatch(/acme\/app at [0-9a-f]{12}: first collection: 2 commits added/);
    const client = new pg.Client({ connectionString: store });
    await client.connect();
    try {
      const repo = await client.query<{ repo: string; default_branch: string; commits: number; ai_commits: number }>(
        'SELECT repo, default_branch, commits, ai_commits FROM repositories',
      );
      expect(repo.rows).toEqual([{ repo: 'https://gitlab.example.com/acme/app', default_branch: 'main', commits: 2, ai_commits: 1 }]);
      // The decision aiprov-record pushed to refs/notes/aiprov-checks came with the notes the job fetched.
      const decisions = await client.query<{ decision: string }>('SELECT decision FROM gate_decisions');
      expect(decisions.rows).toEqual([{ decision: 'pass' }]);
      const again = await pipeline('main', 'aiprov-collect', variables);
      expect(again.status, again.out).toBe(0);
      expect(again.out).toMatch(/unchanged since the last collection; nothing added/);
      expect((await client.query('SELECT mode FROM collection_runs')).rows).toEqual([{ mode: 'first' }]);
    } finally {
      await client.end();
    }
  }, 180_000);
});
