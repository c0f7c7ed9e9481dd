import type { AnalyserFactory } from '../authorship/analyse.js';
import { formatIdentity, parseIdentity } from '../authorship/identity.js';
import { parseMessage } from '../authorship/trailers.js';
import { globPattern } from '../kernel/glob.js';
import type { CommitRecord, Identity } from '../git/types.js';
import type { readReviews } from './review.js';

/** A human review found for a commit, and why it does not count when it does not. */
export interface Review {
  commit: string;
  reviewer: string;
  /** Where it was found: a `Reviewed-by:` trailer, or a review recorded with `aiprov review` (refs/notes/aiprov-reviews). */
  via: 'trailer' | 'note';
  /** The paths it covers (globs), when not the whole change. */
  paths?: string[];
  /** Why it does not count, when it does not. */
  rejected?: string;
}

const REVIEW_KEYS = new Set(['reviewed-by']);

/**
 * The human reviews the change's commits carry as `Reviewed-by:` trailers.
 * One whose identity an agent signature matches does not count (an agent
 * cannot review itself, nor another agent's work), nor does a malformed one.
 */
export function reviewsOf(commits: readonly CommitRecord[], analyser: AnalyserFactory): Review[] {
  const out: Review[] = [];
  for (const c of commits) {
    const trailers = parseMessage(c.message).trailers.filter((t) => REVIEW_KEYS.has(t.keyLower));
    for (const t of trailers) {
      const identity = parseIdentity(t.value);
      if (!identity) {
        out.push({ commit: c.sha, reviewer: t.value, via: 'trailer', rejected: 'not a name and address' });
        continue;
      }
      const agent = agentOf(identity, analyser);
      out.push({
        commit: c.sha,
        reviewer: formatIdentity(identity),
        via: 'trailer',
        ...(agent !== undefined ? { rejected: `an agent (${agent}) cannot review` } : {}),
      });
    }
  }
  return out;
}

/** The agent an identity belongs to, by the signatures (bot addresses and names), if any. */
function agentOf(identity: Identity, analyser: AnalyserFactory): string | undefined {
  const asCommit: CommitRecord = { sha: '', parents: [], author: identity, committer: identity, authoredAt: '', committedAt: '', message: 'review\n' };
  return analyser.engine.match(asCommit).detections[0]?.agent;
}

/** Reviews recorded with `aiprov review`: an approval counts (within its paths), a rejection never does. */
export function notedReviews(noted: Awaited<ReturnType<typeof readReviews>>, analyser: AnalyserFactory): Review[] {
  return noted.map(({ commit, review }) => {
    const identity = { name: review.reviewer.name, email: review.reviewer.email ?? '' };
    const agent = agentOf(identity, analyser);
    const rejected = agent !== undefined ? `an agent (${agent}) cannot review` : review.decision !== 'approved' ? `decision: ${review.decision}` : undefined;
    return {
      commit,
      reviewer: formatIdentity(identity),
      via: 'note' as const,
      ...(review.scope.paths ? { paths: review.scope.paths } : {}),
      ...(rejected !== undefined ? { rejected } : {}),
    };
  });
}

/**
 * Which commits a review reaches: in a change, a review on commit i reaches
 * the work of commits i and older of the change (`changeReach`); across the
 * history (the dashboard), a trailer reaches its own commit and a note the
 * range it names, walked only when it ends at the note's commit (`rangeReach`).
 */
export interface ReviewReach {
  reaches(review: Review, commit: string): boolean;
  /** Who wrote a commit: nobody reviews their own work. */
  author(commit: string): Identity | undefined;
}

/**
 * The one rule of review coverage, for the gate and the dashboard alike: the
 * valid reviews (not rejected, not an agent's) that reach every commit of
 * the work, whose paths hold its path, given by someone who wrote none of it.
 */
export function coveringReviews(work: { commits: readonly string[]; path: string }, reviews: readonly Review[], reach: ReviewReach): Review[] {
  // Work of no commit is reached by no review (a review must be tied to what it covers).
  if (work.commits.length === 0) return [];
  return reviews.filter(
    (r) =>
      r.rejected === undefined &&
      work.commits.every((sha) => reach.reaches(r, sha)) &&
      (r.paths === undefined || r.paths.some((glob) => globMatches(glob, work.path))) &&
      !work.commits.some((sha) => sameIdentity(reach.author(sha), r.reviewer)),
  );
}

/** A change's commits, newest first: a review on commit i reaches commits i and older. */
export function changeReach(commits: readonly CommitRecord[]): ReviewReach {
  const order = new Map(commits.map((c, i) => [c.sha, i]));
  const authors = new Map(commits.map((c) => [c.sha, c.author]));
  return {
    reaches: (review, commit) => (order.get(review.commit) ?? Infinity) <= (order.get(commit) ?? -Infinity),
    author: (commit) => authors.get(commit),
  };
}

/** Across the history: each review reaches the commits listed for it (its own, or its note's range); authors as recorded. */
export function rangeReach(reached: ReadonlyMap<Review, ReadonlySet<string>>, authors: ReadonlyMap<string, Identity>): ReviewReach {
  return {
    reaches: (review, commit) => reached.get(review)?.has(commit) === true,
    author: (commit) => authors.get(commit),
  };
}

/** A review's path glob against a path; a glob that makes no pattern covers nothing (it came from a note anyone can write). */
export function globMatches(glob: string, path: string): boolean {
  try {
    return globPattern(glob).test(path);
  } catch {
    return false;
  }
}

export function sameIdentity(author: Identity | undefined, reviewer: string): boolean {
  if (!author) return false;
  const r = parseIdentity(reviewer);
  return r !== undefined && r.email.toLowerCase() === author.email.toLowerCase();
}
