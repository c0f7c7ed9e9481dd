import type { ScanWarning } from '../authorship/types.js';
import type { KeyObject } from 'node:crypto';
import { signWithKey } from '../attest/sign.js';
import { PREDICATE_TYPES, reviewPredicate, statement, subjects, type ReviewDecision, type ReviewPredicate } from '../attest/statement.js';
import { appendBundles } from '../attest/store.js';
import { UsageError } from '../kernel/errors.js';
import { appendNoteLines } from '../git/note-lines.js';
import type { HistoryReader, Identity, NotesReader, NotesWriter } from '../git/types.js';
import { isMissingNote } from '../git/types.js';

/**
 * Human reviews recorded in the repository: `refs/notes/aiprov-reviews`,
 * one `review/v1` predicate per line on the note of the commit reviewed (the
 * head of the range). With a key, the same review is also signed and its
 * bundle added to `refs/notes/aiprov-attestations`. A note says who claims
 * to have reviewed; only a signed review proves it (anyone who can push
 * notes can write one), which is why `verify --policy` asks for the signed
 * one.
 */
export const REVIEWS_REF = 'refs/notes/aiprov-reviews';

export interface ReviewContext {
  git: HistoryReader & NotesWriter;
}

export interface ReviewOptions {
  context: ReviewContext;
  /** The commit reviewed, or the range `A..B` (the note goes on B). */
  target: string;
  decision: ReviewDecision;
  reviewer: Identity;
  paths?: string[];
  comment?: string;
  now: Date;
  privateKey?: KeyObject;
}

export interface RecordedReview {
  commit: string;
  predicate: ReviewPredicate;
  signed: boolean;
  /** Commits of what was reviewed that the reviewer wrote: the gate does not count a review by the change's own author for them. */
  ownCommits: string[];
}

export async function recordReview(options: ReviewOptions): Promise<RecordedReview> {
  const { git } = options.context;
  const parts = options.target.split(/\.\.\.?/);
  const from: string | undefined = parts.length === 2 ? parts[0] : undefined;
  const to: string = parts.length === 2 ? (parts[1] ?? '') : options.target;
  if (parts.length > 2 || to === '' || from === '') throw new UsageError('expected a commit or a range A..B', { field: 'target', value: options.target });
  const commit = await git.resolveCommit(to);
  const range = from !== undefined ? `${await git.resolveCommit(from)}..${commit}` : commit;
  if (options.reviewer.email === '') throw new UsageError('no reviewer: set git config user.name and user.email (the review is recorded in their name)');
  const predicate = reviewPredicate({
    reviewer: { name: options.reviewer.name, email: options.reviewer.email },
    scope: { range, ...(options.paths && options.paths.length > 0 ? { paths: options.paths } : {}) },
    decision: options.decision,
    reviewedAt: options.now.toISOString(),
    ...(options.comment !== undefined && options.comment !== '' ? { comment: options.comment } : {}),
  });
  await appendNoteLines(git, REVIEWS_REF, commit, [JSON.stringify(predicate)]);
  if (options.privateKey) {
    const bundle = await signWithKey(statement(subjects(commit), PREDICATE_TYPES.review, predicate), options.privateKey);
    await appendBundles(git, commit, [bundle]);
  }
  // Recorded as asked, but said: the gate does not count an author's review of their own work (coverage.ts).
  const reviewed = from !== undefined ? await git.listCommits(range) : [commit];
  const ownCommits: string[] = [];
  for await (const c of git.logCommits(reviewed)) if (c.author.email.toLowerCase() === options.reviewer.email.toLowerCase()) ownCommits.push(c.sha);
  return { commit, predicate, signed: options.privateKey !== undefined, ownCommits };
}

/**
 * The reviews recorded on these commits, each with the commit its note is on.
 * Each line is checked against the review/v1 schema before use: anyone who can
 * push notes can write one, and a line that is not a review (no scope, a
 * decision of another kind) is left out, with a warning naming its commit.
 */
export async function readReviews(
  git: NotesReader,
  commits: readonly string[],
  warnings: ScanWarning[] = [],
): Promise<{ commit: string; review: ReviewPredicate }[]> {
  const notes = await git.readNotes(REVIEWS_REF, commits);
  const out: { commit: string; review: ReviewPredicate }[] = [];
  for (const [commit, text] of notes) {
    // A review whose note cannot be read covers nothing: the gate holds what it would have covered.
    if (isMissingNote(text)) continue;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        value = undefined;
      }
      const problem = value === undefined ? 'not JSON' : reviewProblem(value);
      if (problem === null) out.push({ commit, review: value as ReviewPredicate });
      else
        warnings.push({
          code: 'BAD_NOTE',
          commit,
          message: `${REVIEWS_REF} on ${commit.slice(0, 12)}: a line that is not a review/v1 (${problem}): not counted`,
        });
    }
  }
  return out;
}

/** What the gate needs of a review line, checked before use (the rest of review/v1 is not needed to count it); null when usable. */
export function reviewProblem(value: unknown): string | null {
  const r = value as { reviewer?: { name?: unknown; email?: unknown }; scope?: { range?: unknown; paths?: unknown }; decision?: unknown } | null;
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return 'not an object';
  if (typeof r.reviewer?.name !== 'string' || typeof r.reviewer.email !== 'string') return 'no reviewer name and e-mail';
  if (typeof r.scope !== 'object' || typeof r.scope.range !== 'string' || r.scope.range === '') return 'no scope.range';
  if (r.scope.paths !== undefined && !(Array.isArray(r.scope.paths) && r.scope.paths.every((p) => typeof p === 'string')))
    return 'scope.paths is not a list of globs';
  if (r.decision !== 'approved' && r.decision !== 'changes-requested' && r.decision !== 'rejected') return 'no decision of review/v1';
  return null;
}
