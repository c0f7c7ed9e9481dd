import type { AnalyserFactory } from '../authorship/analyse.js';
import { coveringReviews, rangeReach, type Review } from '../gate/coverage.js';
import type { ReviewConfig } from '../gate/config.js';
import { gatherReviews, reviewHolders } from '../gate/evidence.js';
import type { ScanWarning } from '../authorship/types.js';
import { classify, type CompiledRule } from '../gate/classify.js';

import type { CommitRecord, HistoryReader, NotesReader, SignatureReader, TreeReader } from '../git/types.js';
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
 * counted human review covers (`reviewCoverage`): as in the gate, claims,
 * a review by the commit's own author or by an agent do not count. Critical
 * first, then newest.
 */
export interface RiskyHunkOptions {
  git: HistoryReader & TreeReader & NotesReader & SignatureReader;
  analyser: AnalyserFactory;
  rev: string;
  segments: readonly AiSegment[];
  /** The rules whose tiers the policy escalates. */
  rules: readonly CompiledRule[];
  authoredAt: ReadonlyMap<string, number>;
  /** What counts as a review (the `review:` section), and where it came from. */
  review?: ReviewConfig;
  policySource?: string;
  now: Date;
  warnings?: ScanWarning[];
}

export async function riskyHunks(options: RiskyHunkOptions): Promise<UnreviewedHunk[]> {
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
  const reviewed = await reviewCoverage(options, [...new Set(hunks.map((h) => h.commit))]);
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

/**
 * Whether a counted review covers the work of `commit` on `path`, by the
 * gate's one rule (gate/coverage.ts) and its one test of evidence
 * (gate/evidence.ts): signed reviews and signed `Reviewed-by:` commits count,
 * claims do not. A trailer reaches the commit it is on; a review/v1 the
 * range it names, walked only when it ends at the commit it is on.
 */
async function reviewCoverage(options: RiskyHunkOptions, commits: readonly string[]): Promise<(commit: string, path: string) => boolean> {
  const { git, analyser } = options;
  const records = new Map<string, CommitRecord>();
  for await (const c of git.logCommits(commits)) records.set(c.sha, c);
  // Reviews sit on the commits they are about: those of the hunks, and those the review and attestation notes are on.
  const holders: CommitRecord[] = [...records.values()];
  for await (const c of git.logCommits(await reviewHolders(git, new Set(records.keys())))) holders.push(c);
  const evidence = await gatherReviews({
    git,
    analyser,
    commits: holders,
    base: options.rev,
    head: options.rev,
    review: options.review,
    source: options.policySource ?? 'the configuration',
    now: options.now,
    warnings: options.warnings ?? [],
  });
  const reached = new Map<Review, Set<string>>();
  for (const review of evidence.reviews) {
    if (review.rejected !== undefined) continue;
    const range = review.range ?? review.commit;
    // A range is walked only if the commit it names as its end is the review's: a review cannot claim another change's commits.
    const inRange = range.includes('..') && range.endsWith(`..${review.commit}`) ? await git.listCommits(range).catch(() => [review.commit]) : [review.commit];
    reached.set(review, new Set(inRange.filter((sha) => records.has(sha))));
  }
  const authors = new Map([...records].map(([sha, c]) => [sha, c.author]));
  const reach = rangeReach(reached, authors);
  const reviews = [...reached.keys()];
  return (commit, path) => coveringReviews({ commits: [commit], path }, reviews, reach).length > 0;
}
