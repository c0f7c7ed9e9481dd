import { ForgeError } from '../kernel/errors.js';
import { readRegularFile } from '../kernel/files.js';
import type { CommentThread } from './comment-thread.js';
import { githubThread } from './github-thread.js';
import { gitlabThread } from './gitlab-thread.js';
import type { ApprovalsReader } from './forge-approvals.js';
import { githubApprovals } from './github-approvals.js';
import { gitlabApprovals } from './gitlab-approvals.js';

/**
 * The CI run aiprov is in, read from the variables the runner sets (GitHub
 * Actions: GITHUB_*, the event payload at GITHUB_EVENT_PATH; GitLab CI: CI_*).
 * What it says about the change (its number, base, before/after) comes from
 * the forge's own record of the event, not from the repository.
 */
export interface ForgeRun {
  forge: 'github' | 'gitlab';
  /** A pull or merge request: its number (iid on GitLab) and the branch it goes into. */
  change?: { number: number; baseBranch: string };
  /** A push: the commits before and after it, and whether it went to the default branch. */
  push?: { before: string; after: string; branch: string; defaultBranch: boolean };
}

const EVENT_CAP = 32 * 1024 * 1024;
const ZERO = /^0+$/;

export async function readForgeRun(env: NodeJS.ProcessEnv): Promise<ForgeRun | undefined> {
  if (env.GITHUB_ACTIONS === 'true') return readGithubRun(env);
  if (env.GITLAB_CI === 'true') return readGitlabRun(env);
  return undefined;
}

async function readGithubRun(env: NodeJS.ProcessEnv): Promise<ForgeRun> {
  const file = env.GITHUB_EVENT_PATH;
  if (file === undefined || file === '') throw new ForgeError('FORGE_CONTEXT_MISSING', 'GITHUB_EVENT_PATH is not set: not a GitHub Actions job');
  const read = await readRegularFile(file, EVENT_CAP);
  if (!read.ok) throw new ForgeError('FORGE_CONTEXT_MISSING', `${file}: ${read.problem}`);
  let event: GithubEvent;
  try {
    event = JSON.parse(read.bytes.toString('utf8')) as GithubEvent;
  } catch {
    throw new ForgeError('FORGE_CONTEXT_MISSING', `${file}: not JSON (the event payload)`);
  }
  const pr = event.pull_request;
  if (pr && typeof pr.number === 'number' && typeof pr.base?.ref === 'string')
    return { forge: 'github', change: { number: pr.number, baseBranch: pr.base.ref } };
  if (env.GITHUB_EVENT_NAME === 'push' && typeof event.after === 'string' && typeof event.ref === 'string') {
    const branch = event.ref.replace(/^refs\/heads\//, '');
    const before = typeof event.before === 'string' && !ZERO.test(event.before) ? event.before : '';
    return { forge: 'github', push: { before, after: event.after, branch, defaultBranch: branch === event.repository?.default_branch } };
  }
  return { forge: 'github' };
}

function readGitlabRun(env: NodeJS.ProcessEnv): ForgeRun {
  const iid = Number(env.CI_MERGE_REQUEST_IID);
  if (Number.isInteger(iid) && iid > 0) return { forge: 'gitlab', change: { number: iid, baseBranch: env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME ?? '' } };
  const branch = env.CI_COMMIT_BRANCH;
  if (branch !== undefined && branch !== '' && env.CI_COMMIT_SHA !== undefined) {
    const before = env.CI_COMMIT_BEFORE_SHA !== undefined && !ZERO.test(env.CI_COMMIT_BEFORE_SHA) ? env.CI_COMMIT_BEFORE_SHA : '';
    return { forge: 'gitlab', push: { before, after: env.CI_COMMIT_SHA, branch, defaultBranch: branch === env.CI_DEFAULT_BRANCH } };
  }
  return { forge: 'gitlab' };
}

interface GithubEvent {
  pull_request?: { number?: unknown; base?: { ref?: unknown } };
  before?: unknown;
  after?: unknown;
  ref?: unknown;
  repository?: { default_branch?: unknown };
}

/**
 * The comment thread of the run's pull or merge request. GitHub: the token is
 * AIPROV_GITHUB_TOKEN, else GITHUB_TOKEN (give it `pull-requests: write`);
 * GitLab: AIPROV_GITLAB_TOKEN, else GITLAB_TOKEN (a project access token with
 * the api scope: the job token cannot write notes).
 */
export function threadForRun(run: ForgeRun, env: NodeJS.ProcessEnv, author = 'github-actions[bot]'): CommentThread {
  if (!run.change)
    throw new ForgeError(
      'FORGE_CONTEXT_MISSING',
      `this ${run.forge === 'github' ? 'workflow run' : 'pipeline'} is not for a ${run.forge === 'github' ? 'pull' : 'merge'} request: nothing to comment on`,
    );
  if (run.forge === 'github') {
    const token = nonEmpty(env.AIPROV_GITHUB_TOKEN) ?? nonEmpty(env.GITHUB_TOKEN);
    if (!token) throw new ForgeError('FORGE_CONTEXT_MISSING', 'no GitHub token: set GITHUB_TOKEN (or AIPROV_GITHUB_TOKEN) with pull-requests: write');
    const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
    if (!owner || !repo) throw new ForgeError('FORGE_CONTEXT_MISSING', 'GITHUB_REPOSITORY is not OWNER/REPO');
    return githubThread({ apiUrl: nonEmpty(env.GITHUB_API_URL) ?? 'https://api.github.com', token, owner, repo, number: run.change.number, author });
  }
  const token = nonEmpty(env.AIPROV_GITLAB_TOKEN) ?? nonEmpty(env.GITLAB_TOKEN);
  if (!token)
    throw new ForgeError(
      'FORGE_CONTEXT_MISSING',
      'no GitLab token: set AIPROV_GITLAB_TOKEN to a project access token with the api scope (CI_JOB_TOKEN cannot write notes)',
    );
  const project = nonEmpty(env.CI_PROJECT_ID);
  if (!project) throw new ForgeError('FORGE_CONTEXT_MISSING', 'CI_PROJECT_ID is not set');
  return gitlabThread({ host: nonEmpty(env.CI_SERVER_URL) ?? 'https://gitlab.com', token, project, mergeRequest: run.change.number });
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

/**
 * The approvals of pull (merge) request `number` on `forge`, with the CI's
 * token and API address (`apiUrl` overrides: GitHub Enterprise Server,
 * self-managed GitLab outside CI). GitHub: AIPROV_GITHUB_TOKEN, else
 * GITHUB_TOKEN (`pull-requests: read`), GITHUB_REPOSITORY; GitLab:
 * AIPROV_GITLAB_TOKEN, else GITLAB_TOKEN (read_api), else CI_JOB_TOKEN,
 * CI_PROJECT_ID. What is missing is a ForgeError, which the gate reports as
 * approvals it could not read.
 */
export function approvalsFor(
  forge: 'github' | 'gitlab',
  change: { number: number } | { commit: string },
  env: NodeJS.ProcessEnv,
  options: { apiUrl?: string; timeoutMs?: number } = {},
): ApprovalsReader {
  const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  if (forge === 'github') {
    const token = nonEmpty(env.AIPROV_GITHUB_TOKEN) ?? nonEmpty(env.GITHUB_TOKEN);
    if (!token) throw new ForgeError('FORGE_CONTEXT_MISSING', 'no GitHub token to read the approvals: set GITHUB_TOKEN (pull-requests: read)');
    const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
    if (!owner || !repo)
      throw new ForgeError('FORGE_CONTEXT_MISSING', 'GITHUB_REPOSITORY is not OWNER/REPO: which repository the pull request is in is not known');
    return githubApprovals({ apiUrl: options.apiUrl ?? nonEmpty(env.GITHUB_API_URL) ?? 'https://api.github.com', token, owner, repo, ...change, ...timeout });
  }
  const own = nonEmpty(env.AIPROV_GITLAB_TOKEN) ?? nonEmpty(env.GITLAB_TOKEN);
  const job = nonEmpty(env.CI_JOB_TOKEN);
  if (!own && !job) throw new ForgeError('FORGE_CONTEXT_MISSING', 'no GitLab token to read the approvals: set AIPROV_GITLAB_TOKEN (read_api)');
  const project = nonEmpty(env.CI_PROJECT_ID);
  if (!project) throw new ForgeError('FORGE_CONTEXT_MISSING', 'CI_PROJECT_ID is not set: which project the merge request is in is not known');
  return gitlabApprovals({
    host: options.apiUrl ?? nonEmpty(env.CI_SERVER_URL) ?? 'https://gitlab.com',
    token: own ?? job ?? '',
    ...(own ? {} : { jobToken: true }),
    project,
    ...('number' in change ? { mergeRequest: change.number } : { commit: change.commit }),
    ...timeout,
  });
}

/** A reader whose every answer is the failure that kept it from being made: the gate says it, and cannot decide what waits. */
export function unreadableApprovals(forge: 'github' | 'gitlab', where: string, failure: ForgeError): ApprovalsReader {
  return { forge, where, approvals: () => Promise.reject(failure), isMember: () => Promise.reject(failure) };
}
