import { Octokit } from '@octokit/rest';
import { forgeCall } from './comment-thread.js';
import { FORGE_TIMEOUT_MS, READ_REVIEWS, type ApprovalRecord, type ApprovalsReader } from './forge-approvals.js';

export interface GithubApprovalsOptions {
  apiUrl: string;
  token: string;
  owner: string;
  repo: string;
  /** The pull request; when not known (a push), the one GitHub says merged `commit`. */
  number?: number;
  commit?: string;
  timeoutMs?: number;
}

/** States that change a reviewer's standing; a comment leaves it as it was (GitHub counts a reviewer's latest such review). */
const DECISIVE = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

/**
 * A pull request's reviews (GET /repos/OWNER/REPO/pulls/N/reviews):
 * each reviewer's latest decisive review, kept when it approves, with the
 * `commit_id` it was given on; the author and head from the pull request.
 */
export function githubApprovals(options: GithubApprovalsOptions): ApprovalsReader {
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    userAgent: 'aiprov',
    // Each call is cut off after the timeout (a signal passed per call does not survive Octokit's option merging).
    request: { fetch: (url: string, init: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? FORGE_TIMEOUT_MS) }) },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const where = `GitHub ${options.owner}/${options.repo}${options.number !== undefined ? `#${options.number}` : `@${(options.commit ?? '').slice(0, 12)}`}`;
  const repo = { owner: options.owner, repo: options.repo };
  // A push names no pull request: the forge's own record of which one brought the commit in.
  const pullNumber = async (): Promise<number | undefined> => {
    if (options.number !== undefined) return options.number;
    const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: options.commit ?? '' });
    return (data.find((p) => p.merged_at !== null) ?? data[0])?.number;
  };
  return {
    forge: 'github',
    where,
    approvals: () =>
      forgeCall(
        where,
        async () => {
          const number = await pullNumber();
          if (number === undefined) return { where, author: '', head: options.commit ?? '', approvals: [], rule: 'no pull request brought this commit in' };
          const base = { ...repo, pull_number: number };
          const { data: pr } = await octokit.rest.pulls.get({ ...base });
          const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { ...base, per_page: 100 });
          const latest = new Map<string, (typeof reviews)[number]>();
          for (const r of reviews) if (r.user && DECISIVE.has(r.state)) latest.set(r.user.login.toLowerCase(), r);
          const approvals: ApprovalRecord[] = [];
          for (const r of latest.values()) {
            if (r.state !== 'APPROVED' || !r.user) continue;
            approvals.push({
              login: r.user.login,
              id: r.user.id,
              ...(r.user.name ? { name: r.user.name } : {}),
              bot: r.user.type === 'Bot' || r.user.login.endsWith('[bot]'),
              ...(r.commit_id ? { commit: r.commit_id } : {}),
            });
          }
          return {
            where,
            author: pr.user.login,
            head: pr.head.sha,
            approvals,
            rule: "each approval counts for the commit it was given on (GitHub's commit_id)",
          };
        },
        READ_REVIEWS,
      ),
    isMember: (login, team) =>
      forgeCall(
        `${where} (team ${team})`,
        async () => {
          const [org = '', slug = ''] = team.split('/');
          try {
            const { data } = await octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: slug, username: login });
            return data.state === 'active';
          } catch (error) {
            // 404: not a member (or no such team, which the config names: either way, not this reviewer's).
            if ((error as { status?: unknown }).status === 404) return false;
            throw error;
          }
        },
        READ_REVIEWS,
      ),
  };
}
