import type { AnalyserFactory } from '../authorship/analyse.js';
import { coveringReviews, notedReviews, rangeReach, reviewsOf, type Review } from '../gate/coverage.js';
import { classify, type CompiledRule } from '../gate/classify.js';
import { readReviews, REVIEWS_REF } from '../gate/review.js';

import type { CommitRecord, HistoryReader, NotesReader, TreeReader } from '../git/types.js';
import { compareStrings } from '../kernel/sorted.js';
import type { UnreviewedHunk } from './types.js';
import { SEVERITIES } from '../policy/severity.js';

/** A run of AI-written lines at the revision, all from one commit and claimed by the same agents. */
export interface AiSegment {
  path: string;
  start: number;
  end: number;
  agents: string[];
  commit: string;
}

/**
 * The AI-written lines at the revision that a risk rule covers (by the
 * file's path, or by one of the lines matching its patterns) and that no
 * recorded human review covers: a `Reviewed-by:` trailer on the commit that
 * wrote them, or an approving review in refs/notes/aiprov-reviews whose range
 * holds that commit; as in the gate, a review by the commit's own author or
 * by an agent does not count. Critical first, then newest.
 */
export async function riskyHunks(options: {
  git: HistoryReader & TreeReader & NotesReader;
  analyser: AnalyserFactory;
  rev: string;
  segments: readonly AiSegment[];
  /** The rules whose tiers the policy escalates. */
  rules: readonly CompiledRule[];
  authoredAt: ReadonlyMap<string, number>;
}): Promise<UnreviewedHunk[]> {
  const { git, rev, rules } = options;
  if (rules.length === 0 || options.segments.length === 0) return [];
  const byPath = new Map<string, AiSegment[]>();
  for (const s of options.segments) {
    const list = byPath.get(s.path) ?? [];
    if (list.length === 0) byPath.set(s.path, list);
    list.push(s);
  }
  const hunks: UnreviewedHunk[] = [];
  // Files are read a chunk at a time: the AI-written files of a large tree need not all be held at once.
  const paths = [...byPath.keys()];
  for (let i = 0; i < paths.length; i += READ_CHUNK) {
    const texts = await git.readFiles(rev, paths.slice(i, i + READ_CHUNK));
    for (const [path, text] of texts) hunks.push(...classified(rules, byPath.get(path) ?? [], text.split('\n'), options.authoredAt));
  }
  if (hunks.length === 0) return [];
  const reviewed = await reviewCoverage(git, options.analyser, [...new Set(hunks.map((h) => h.commit))]);
  return hunks
    .filter((h) => !reviewed(h.commit, h.path))
    .sort(
      (a, b) =>
        SEVERITIES.indexOf(a.tier) - SEVERITIES.indexOf(b.tier) ||
        compareStrings(b.authoredAt, a.authoredAt) ||
        compareStrings(a.path, b.path) ||
        a.start - b.start,
    );
}

const READ_CHUNK = 200;

/** The segments of one file that a rule covers, each under its highest-tier rule. */
function classified(
  rules: readonly CompiledRule[],
  segments: readonly AiSegment[],
  lines: readonly string[],
  authoredAt: ReadonlyMap<string, number>,
): UnreviewedHunk[] {
  const hunks: UnreviewedHunk[] = [];
  for (const segment of segments) {
    const added = { path: segment.path, lines: [] as { line: number; text: string }[] };
    for (let line = segment.start; line <= segment.end; line++) added.lines.push({ line, text: lines[line - 1] ?? '' });
    const match = classify(rules, added).sort((a, b) => SEVERITIES.indexOf(a.tier) - SEVERITIES.indexOf(b.tier) || compareStrings(a.rule, b.rule))[0];
    if (!match) continue;
    hunks.push({
      path: segment.path,
      start: segment.start,
      end: segment.end,
      rule: match.rule,
      tier: match.tier,
      agents: segment.agents,
      commit: segment.commit,
      authoredAt: new Date(authoredAt.get(segment.commit) ?? 0).toISOString(),
    });
  }
  return hunks;
}

/** Whether a valid recorded review covers the work of `commit` on `path`, by the gate's one rule (gate/coverage.ts). */
async function reviewCoverage(
  git: HistoryReader & NotesReader,
  analyser: AnalyserFactory,
  commits: readonly string[],
): Promise<(commit: string, path: string) => boolean> {
  const records = new Map<string, CommitRecord>();
  for await (const c of git.logCommits(commits)) records.set(c.sha, c);
  const reached = new Map<Review, Set<string>>();
  // A trailer reaches the commit it is on.
  for (const review of reviewsOf([...records.values()], analyser)) reached.set(review, new Set([review.commit]));
  const snapshot = await git.notesAt(REVIEWS_REF);
  const noted = await readReviews(git, [...(await snapshot.noted())]);
  for (const [i, review] of notedReviews(noted, analyser).entries()) {
    if (review.rejected !== undefined) continue;
    const range = noted[i]?.review.scope.range ?? review.commit;
    // A range is walked only if the commit it names as its end is the note's: a note cannot claim another change's commits.
    const inRange = range.includes('..') && range.endsWith(`..${review.commit}`) ? await git.listCommits(range).catch(() => [review.commit]) : [review.commit];
    reached.set(review, new Set(inRange.filter((sha) => records.has(sha))));
  }
  const authors = new Map([...records].map(([sha, c]) => [sha, c.author]));
  const reach = rangeReach(reached, authors);
  const reviews = [...reached.keys()];
  return (commit, path) => coveringReviews({ commits: [commit], path }, reviews, reach).length > 0;
}
