import { Octokit } from '@octokit/rest';
import { forgeCall, type CommentThread, type ThreadComment } from './comment-thread.js';

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
      forgeCall(`GitHub ${where}`, async () => {
        const all = await octokit.paginate(octokit.rest.issues.listComments, { ...base, issue_number: options.number, per_page: 100 });
        return all.map((c): ThreadComment => ({ id: c.id, body: c.body ?? '', mine: c.user?.login === options.author }));
      }),
    create: (body) =>
      forgeCall(`GitHub ${where}`, async () => {
        const { data } = await octokit.rest.issues.createComment({ ...base, issue_number: options.number, body });
        return { id: data.id, url: data.html_url };
      }),
    update: (id, body) =>
      forgeCall(`GitHub ${where}`, async () => {
        const { data } = await octokit.rest.issues.updateComment({ ...base, comment_id: id, body });
        return { id: data.id, url: data.html_url };
      }),
  };
}
