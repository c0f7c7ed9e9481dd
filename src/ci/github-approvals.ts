import { Octokit } from '@octokit/rest';
import { forgeCall } from './comment-thread.js';
import { FORGE_TIMEOUT_MS, READ_REVIEWS, type ApprovalRecord, type ApprovalsReader } from './forge-approvals.js';

export interface GithubApprovalsOptions {
  apiUrl: string;
  token: string;
  owner: string;
  repo: string;
  number: number;
  timeoutMs?: number;
}

/** States that change a reviewer's standing; a comment leaves it as it was (GitHub counts a reviewer's latest such review). */
const DECISIVE = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

/**
 * A pull request's reviews (GET /repos/{owner}/{repo}/pulls/{n}/reviews):
 * each reviewer's latest decisive review, kept when it approves, with the
 * `commit_id` it was given on; the author and head from the pull request.
 */
export function githubApprovals(options: GithubApprovalsOptions): ApprovalsReader {
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    userAgent: 'aiprov',
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const where = `GitHub ${options.owner}/${options.repo}#${options.number}`;
  const request = (): { signal: AbortSignal } => ({ signal: AbortSignal.timeout(options.timeoutMs ?? FORGE_TIMEOUT_MS) });
  const base = { owner: options.owner, repo: options.repo, pull_number: options.number };
  return {
    forge: 'github',
    where,
    approvals: () =>
      forgeCall(
        where,
        async () => {
          const { data: pr } = await octokit.rest.pulls.get({ ...base, request: request() });
          const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { ...base, per_page: 100, request: request() });
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
          return { where, author: pr.user.login, head: pr.head.sha, approvals, rule: "each approval counts for the commit it was given on (GitHub's commit_id)" };
        },
        READ_REVIEWS,
      ),
    isMember: (login, team) =>
      forgeCall(
        `${where} (team ${team})`,
        async () => {
          const [org = '', slug = ''] = team.split('/');
          try {
            const { data } = await octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: slug, username: login, request: request() });
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
