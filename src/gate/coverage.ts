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
  /**
   * Where it was found. Counted when authenticated: `forge` (the pull
   * request's approval, read from the forge's API), `signed-review` (a
   * review/v1 attestation by a signer the base trusts for reviews),
   * `signed-commit` (a `Reviewed-by:` on a commit signed by the person it
   * names). `trailer` and `note` are claims: anyone who writes a commit
   * message or pushes notes can make them, so they are shown, never counted.
   */
  via: 'trailer' | 'note' | 'signed-commit' | 'signed-review' | 'forge';
  /** What the reviewer is known as, lowercase: e-mail addresses, `@login` on the forge, and the forge teams they were found to belong to. */
  names: string[];
  /** The paths it covers (globs), when not the whole change. */
  paths?: string[];
  /** The range it names (`A..B` or one commit), for a review/v1 (signed or noted). */
  range?: string;
  /** Why it does not count, when it does not. */
  rejected?: string;
}

const REVIEW_KEYS = new Set(['reviewed-by']);

/** Why a review is a claim: nothing ties it to the person named. */
export const CLAIM = {
  trailer: "claimed, not counted: the commit is not signed by a key the base's review.allowedSigners lists for this address",
  note: 'claimed, not counted: an unsigned note (anyone who can push notes can write one); a review counts when signed by a key in review.signers',
} as const;

/**
 * The reviews the change's commits carry as `Reviewed-by:` trailers. One
 * counts only on a commit signed (as git verified against the base's allowed
 * signers: `signers`) by the person it names; the rest are claims. One whose
 * identity an agent signature matches never counts (an agent cannot review
 * itself, nor another agent's work), nor does a malformed one.
 */
export function reviewsOf(
  commits: readonly CommitRecord[],
  analyser: AnalyserFactory,
  signers: ReadonlyMap<string, { principal: string }> = new Map(),
): Review[] {
  const out: Review[] = [];
  for (const c of commits) {
    const trailers = parseMessage(c.message).trailers.filter((t) => REVIEW_KEYS.has(t.keyLower));
    for (const t of trailers) {
      const identity = parseIdentity(t.value);
      if (!identity) {
        out.push({ commit: c.sha, reviewer: t.value, via: 'trailer', names: [], rejected: 'not a name and address' });
        continue;
      }
      const agent = agentOf(identity, analyser);
      const signer = signers.get(c.sha)?.principal.toLowerCase();
      const email = identity.email.toLowerCase();
      const rejected =
        agent !== undefined
          ? `an agent (${agent}) cannot review`
          : signer === undefined
            ? CLAIM.trailer
            : !signer.split(',').includes(email)
              ? `claimed, not counted: the commit is signed by ${signer}, not by the person named`
              : undefined;
      out.push({
        commit: c.sha,
        reviewer: formatIdentity(identity),
        via: rejected === undefined ? 'signed-commit' : 'trailer',
        names: [email],
        ...(rejected !== undefined ? { rejected } : {}),
      });
    }
  }
  return out;
}

/** The agent an identity belongs to, by the signatures (bot addresses and names), if any. */
export function agentOf(identity: Identity, analyser: AnalyserFactory): string | undefined {
  const asCommit: CommitRecord = { sha: '', parents: [], author: identity, committer: identity, authoredAt: '', committedAt: '', message: 'review\n' };
  return analyser.engine.match(asCommit).detections[0]?.agent;
}

/** Reviews recorded with `aiprov review` in refs/notes/aiprov-reviews: unsigned, so claims (the signed copy, when there is one, is read from the attestations). */
export function notedReviews(noted: Awaited<ReturnType<typeof readReviews>>, analyser: AnalyserFactory): Review[] {
  return noted.map(({ commit, review }) => {
    const identity = { name: review.reviewer.name, email: review.reviewer.email ?? '' };
    const agent = agentOf(identity, analyser);
    const rejected = agent !== undefined ? `an agent (${agent}) cannot review` : review.decision !== 'approved' ? `decision: ${review.decision}` : CLAIM.note;
    return {
      commit,
      reviewer: formatIdentity(identity),
      via: 'note' as const,
      names: [identity.email.toLowerCase()],
      ...(review.scope.paths ? { paths: review.scope.paths } : {}),
      range: review.scope.range,
      rejected,
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
      !work.commits.some((sha) => wrote(reach.author(sha), r)),
  );
}

/**
 * A change's commits: a review on commit R reaches R and the commits of the
 * change R descends from (what its reviewer saw), never a commit R is not
 * built on: a signed review commit merged in from another branch reviewed
 * that branch, not this one's work, however new it is.
 */
export function changeReach(commits: readonly CommitRecord[]): ReviewReach {
  const parents = new Map(commits.map((c) => [c.sha, c.parents]));
  const authors = new Map(commits.map((c) => [c.sha, c.author]));
  const ancestry = new Map<string, ReadonlySet<string>>();
  const ancestors = (sha: string): ReadonlySet<string> => {
    const known = ancestry.get(sha);
    if (known) return known;
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length > 0) {
      const next = stack.pop() ?? '';
      if (seen.has(next) || !parents.has(next)) continue;
      seen.add(next);
      stack.push(...(parents.get(next) ?? []));
    }
    ancestry.set(sha, seen);
    return seen;
  };
  return {
    reaches: (review, commit) => ancestors(review.commit).has(commit),
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

/**
 * Whether `author` is the reviewer: by address, or by the forge login a
 * GitHub noreply address carries (`12345+login@users.noreply.github.com`).
 */
export function wrote(author: Identity | undefined, review: Review): boolean {
  if (!author) return false;
  const email = author.email.toLowerCase();
  if (review.names.includes(email)) return true;
  const login = /^(?:\d+\+)?([^@+]+)@users\.noreply\.github\.com$/.exec(email)?.[1];
  return login !== undefined && review.names.includes(`@${login}`);
}
