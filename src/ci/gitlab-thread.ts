import { Gitlab } from '@gitbeaker/rest';
import { forgeCall, type CommentThread, type ThreadComment } from './comment-thread.js';

export interface GitlabThreadOptions {
  /** The instance's root (CI_SERVER_URL: https://gitlab.com), not its /api/v4. */
  host: string;
  token: string;
  /** CI_PROJECT_ID (a number) or the project's path. */
  project: string | number;
  /** The merge request's iid (CI_MERGE_REQUEST_IID). */
  mergeRequest: number;
}

/** A merge request's notes through GitBeaker; ours are the ones the token's own user wrote. */
export function gitlabThread(options: GitlabThreadOptions): CommentThread {
  const api = new Gitlab({ host: options.host.replace(/\/+$/, ''), token: options.token });
  const where = `${String(options.project)}!${options.mergeRequest}`;
  let me: number | undefined;
  const guarded = <T>(call: () => Promise<T>): Promise<T> => forgeCall(`GitLab ${where}`, call);
  return {
    forge: 'gitlab',
    where,
    comments: () =>
      guarded(async () => {
        me ??= (await api.Users.showCurrentUser()).id;
        const notes = await api.MergeRequestNotes.all(options.project, options.mergeRequest, { sort: 'asc', orderBy: 'created_at' });
        return notes.filter((n) => !n.system).map((n): ThreadComment => ({ id: n.id, body: n.body, mine: n.author.id === me }));
      }),
    create: (body) => guarded(async () => ({ id: (await api.MergeRequestNotes.create(options.project, options.mergeRequest, body)).id })),
    update: (id, body) => guarded(async () => ({ id: (await api.MergeRequestNotes.edit(options.project, options.mergeRequest, id, { body })).id })),
  };
}
