import { ForgeError } from '../kernel/errors.js';

/**
 * One comment per pull request (GitHub) or merge request (GitLab), updated in
 * place run after run instead of a new one each push. Ours is found by a
 * hidden marker AND by its author being the identity that posts it: anyone can
 * write the marker into a comment of their own, and we must not edit theirs
 * (nor take it for our own earlier verdict).
 */
export const COMMENT_MARKER = '<!-- aiprov:check -->';

/** The forges' limits on a comment body (GitHub: 65,536 characters; GitLab: 1,000,000). */
export const COMMENT_LIMITS = { github: 65_536, gitlab: 1_000_000 } as const;

export interface ThreadComment {
  id: number;
  body: string;
  /** Whether the identity posting now wrote it. */
  mine: boolean;
}

/** A forge's comments on one pull or merge request: the role the two API clients fill. */
export interface CommentThread {
  readonly forge: 'github' | 'gitlab';
  /** Where the comments are, for messages ("acme/app#12"). */
  readonly where: string;
  comments(): Promise<ThreadComment[]>;
  create(body: string): Promise<{ id: number; url?: string }>;
  update(id: number, body: string): Promise<{ id: number; url?: string }>;
}

export interface PostedComment {
  action: 'created' | 'updated';
  id: number;
  url?: string;
}

/** The body as posted: the marker first, the markdown cut to the forge's limit with a line saying so. */
export function commentBody(markdown: string, forge: CommentThread['forge']): string {
  const limit = COMMENT_LIMITS[forge];
  const head = `${COMMENT_MARKER}\n`;
  if (head.length + markdown.length <= limit) return head + markdown;
  const tail = `\n\n… cut at the forge's limit of ${limit.toLocaleString('en-US')} characters: the whole report is in the job's summary and artifacts.\n`;
  return head + markdown.slice(0, limit - head.length - tail.length) + tail;
}

/** Updates our last comment on the thread, or posts one when there is none. */
export async function upsertComment(thread: CommentThread, markdown: string): Promise<PostedComment> {
  const body = commentBody(markdown, thread.forge);
  const ours = (await thread.comments()).filter((c) => c.mine && c.body.startsWith(COMMENT_MARKER));
  const last = ours.at(-1);
  if (last) return { action: 'updated', ...(await thread.update(last.id, body)) };
  return { action: 'created', ...(await thread.create(body)) };
}

/** Both forges' clients' failures as one-line ForgeErrors: the HTTP status says whether it is the token, a refusal or no answer at all. */
export function forgeFailure(what: string, error: unknown, needs = 'pull-requests: write (GitHub) or a token with the api scope (GitLab)'): ForgeError {
  const failure = error as { status?: unknown; response?: unknown; cause?: { response?: { status?: unknown } } };
  // Octokit reports a request that got no answer as status 500 with no response; GitBeaker puts the response in the cause.
  const status = failure.status !== undefined && failure.response !== undefined ? failure.status : failure.cause?.response?.status;
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (status === 401 || status === 403)
    return new ForgeError('FORGE_AUTH_FAILED', `${what}: the token was refused (HTTP ${status}: ${message}); the job needs ${needs}`);
  if (typeof status === 'number') return new ForgeError('FORGE_REFUSED', `${what}: HTTP ${status}: ${message}`);
  return new ForgeError('FORGE_UNREACHABLE', `${what}: no answer (${message})`);
}

/** A forge API call whose failure becomes one ForgeError naming `what` ("GitHub acme/app#12"). */
export async function forgeCall<T>(what: string, call: () => Promise<T>, needs?: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw forgeFailure(what, error, needs);
  }
}
