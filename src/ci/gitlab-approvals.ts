import { Gitlab } from '@gitbeaker/rest';
import { forgeCall } from './comment-thread.js';
import { FORGE_TIMEOUT_MS, READ_REVIEWS, type ApprovalsReader } from './forge-approvals.js';

export interface GitlabApprovalsOptions {
  host: string;
  token: string;
  /** A job token (CI_JOB_TOKEN) is sent as one, not as a private token. */
  jobToken?: boolean;
  project: string | number;
  /** The merge request; when not known (a push), the one GitLab says merged `commit`. */
  mergeRequest?: number;
  commit?: string;
  timeoutMs?: number;
}

/** Project and group access tokens act as bot users named `project_<id>_bot_<hex>` / `group_<id>_bot_<hex>`; service accounts too. */
const BOT_USERNAME = /^(?:(?:project|group)_\d+_bot(?:_[0-9a-f]+)?|service_account_.*)$/;

/**
 * A merge request's approvals (GET …/merge_requests/:iid/approvals). GitLab
 * does not say which head an approval was given on: the approvals are taken
 * as given on the merge request's current head only when the project removes
 * approvals on a push (`reset_approvals_on_push`); otherwise no head is
 * claimed for them, and they do not count.
 */
export function gitlabApprovals(options: GitlabApprovalsOptions): ApprovalsReader {
  const api = new Gitlab({
    host: options.host.replace(/\/+$/, ''),
    ...(options.jobToken === true ? { jobToken: options.token } : { token: options.token }),
    queryTimeout: options.timeoutMs ?? FORGE_TIMEOUT_MS,
  });
  const where = `GitLab ${String(options.project)}${options.mergeRequest !== undefined ? `!${options.mergeRequest}` : `@${(options.commit ?? '').slice(0, 12)}`}`;
  const iidOf = async (): Promise<number | undefined> => {
    if (options.mergeRequest !== undefined) return options.mergeRequest;
    const mrs = await api.Commits.allMergeRequests(options.project, options.commit ?? '');
    return (mrs.find((m) => m.state === 'merged') ?? mrs[0])?.iid;
  };
  const ids = new Map<string, number>();
  return {
    forge: 'gitlab',
    where,
    approvals: () =>
      forgeCall(
        where,
        async () => {
          const iid = await iidOf();
          if (iid === undefined) return { where, author: '', head: options.commit ?? '', approvals: [], rule: 'no merge request brought this commit in' };
          const mr = await api.MergeRequests.show(options.project, iid);
          const state = await api.MergeRequestApprovals.showConfiguration(options.project, { mergerequestIId: iid });
          const project = await api.MergeRequestApprovals.showConfiguration(options.project);
          const resets = (project.reset_approvals_on_push as unknown) === true;
          const approvals = (state.approved_by ?? []).map(({ user }) => {
            ids.set(user.username.toLowerCase(), user.id);
            return { login: user.username, id: user.id, name: user.name, bot: BOT_USERNAME.test(user.username), ...(resets ? { commit: mr.sha } : {}) };
          });
          return {
            where,
            author: mr.author.username,
            head: mr.sha,
            approvals,
            rule: resets
              ? `the project removes approvals when commits are pushed: they are taken as given on the merge request's head ${mr.sha.slice(0, 12)}`
              : 'the project keeps approvals when commits are pushed (reset_approvals_on_push is off): which head an approval was given on cannot be told',
          };
        },
        READ_REVIEWS,
      ),
    isMember: (login, team) =>
      forgeCall(
        `${where} (group ${team})`,
        async () => {
          const id = ids.get(login.toLowerCase());
          if (id === undefined) return false;
          try {
            const member = await api.GroupMembers.show(team, id, { includeInherited: true });
            return member.state === 'active';
          } catch (error) {
            if ((error as { cause?: { response?: { status?: unknown } } }).cause?.response?.status === 404) return false;
            throw error;
          }
        },
        READ_REVIEWS,
      ),
  };
}
