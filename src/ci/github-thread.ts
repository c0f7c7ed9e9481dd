import { Octokit } from '@octokit/rest';
import { ForgeError } from '../kernel/errors.js';
import type { CommentThread, ThreadComment } from './comment-thread.js';

export interface GithubThreadOptions {
  /** The REST API root (GITHUB_API_URL: https://api.github.com, or a GitHub Enterprise Server's). */
  apiUrl: string;
  token: string;
  owner: string;
  repo: string;
  /** The pull request's number (pull requests are issues for comments). */
  number: number;
  /** The login that posts: `github-actions[bot]` for the workflow's GITHUB_TOKEN. */
  author: string;
  /** For tests and proxies; the default is the runtime's fetch. */
  fetch?: typeof globalThis.fetch;
}

/** A pull request's conversation through Octokit (issue comments: the ones under the pull request's description). */
export function githubThread(options: GithubThreadOptions): CommentThread {
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    userAgent: 'aiprov',
    ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const where = `${options.owner}/${options.repo}#${options.number}`;
  const base = { owner: options.owner, repo: options.repo };
  return {
    forge: 'github',
    where,
    comments: () =>
      guarded(where, async () => {
        const all = await octokit.paginate(octokit.rest.issues.listComments, { ...base, issue_number: options.number, per_page: 100 });
        return all.map((c): ThreadComment => ({ id: c.id, body: c.body ?? '', mine: c.user?.login === options.author }));
      }),
    create: (body) =>
      guarded(where, async () => {
        const { data } = await octokit.rest.issues.createComment({ ...base, issue_number: options.number, body });
        return { id: data.id, url: data.html_url };
      }),
    update: (id, body) =>
      guarded(where, async () => {
        const { data } = await octokit.rest.issues.updateComment({ ...base, comment_id: id, body });
        return { id: data.id, url: data.html_url };
      }),
  };
}

/** Octokit's failures as one-line ForgeErrors naming the pull request and what the API said. */
async function guarded<T>(where: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw forgeFailure(`GitHub ${where}`, error);
  }
}

/** Shared by both forges' clients: the HTTP status says whether it is the token, a refusal or no answer at all. */
export function forgeFailure(what: string, error: unknown): ForgeError {
  const failure = error as { status?: unknown; response?: unknown; cause?: { response?: { status?: unknown } } };
  // Octokit reports a request that got no answer as status 500 with no response; GitBeaker puts the response in the cause.
  const status = failure.status !== undefined && failure.response !== undefined ? failure.status : failure.cause?.response?.status;
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (status === 401 || status === 403)
    return new ForgeError(
      'FORGE_AUTH_FAILED',
      `${what}: the token was refused (HTTP ${status}: ${message}); the job needs pull-requests: write (GitHub) or a token with the api scope (GitLab)`,
    );
  if (typeof status === 'number') return new ForgeError('FORGE_REFUSED', `${what}: HTTP ${status}: ${message}`);
  return new ForgeError('FORGE_UNREACHABLE', `${what}: no answer (${message})`);
}
