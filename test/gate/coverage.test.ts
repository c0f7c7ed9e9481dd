/**
 * The one rule of review coverage (src/gate/coverage.ts), which the gate and
 * the dashboard both apply: each row a review, the work, how far reviews
 * reach, and whether it covers.
 */
import { describe, expect, it } from 'vitest';
import { changeReach, coveringReviews, rangeReach, type Review } from '../../src/gate/coverage.js';
import type { CommitRecord, Identity } from '../../src/git/types.js';

const dana: Identity = { name: 'Dana Human', email: 'dana@example.com' };
const riley: Identity = { name: 'Riley Reviewer', email: 'riley@example.com' };
const commit = (sha: string, author: Identity, parents: string[] = []): CommitRecord => ({
  sha,
  parents,
  author,
  committer: author,
  authoredAt: '',
  committedAt: '',
  message: 'x\n',
});
// A change, newest first: c3 (Riley's), c2 and c1 (Dana's), each on the one before; and r, a review commit of Riley's
// from another branch merged in by m: newer than c3, but not built on it.
const change = [
  commit('m', dana, ['c3', 'r']),
  commit('r', riley, ['base']),
  commit('c3', riley, ['c2']),
  commit('c2', dana, ['c1']),
  commit('c1', dana, ['base']),
];
const review = (at: string, reviewer: Identity, extra: Partial<Review> = {}): Review => ({
  commit: at,
  reviewer: `${reviewer.name} <${reviewer.email}>`,
  via: 'signed-commit',
  names: [reviewer.email],
  ...extra,
});

describe('review coverage, one rule', () => {
  it.each([
    ['a review on the newest commit covers older work', review('c3', riley), ['c1'], 'src/a.ts', true],
    ['a review on an older commit does not cover newer work', review('c1', riley), ['c2'], 'src/a.ts', false],
    ['work of several commits: the review must reach the newest', review('c2', riley), ['c1', 'c3'], 'src/a.ts', false],
    ['nobody reviews their own work', review('c3', dana), ['c2'], 'src/a.ts', false],
    ['a reviewer who wrote one of the commits does not count', review('c3', riley), ['c3', 'c1'], 'src/a.ts', false],
    ["paths: inside the review's scope", review('c3', riley, { paths: ['src/**'] }), ['c1'], 'src/a.ts', true],
    ['paths: outside it', review('c3', riley, { paths: ['docs/**'] }), ['c1'], 'src/a.ts', false],
    ['a glob that makes no pattern covers nothing', review('c3', riley, { paths: ['[unclosed'] }), ['c1'], 'src/a.ts', false],
    [
      "a rejected review (an agent's, or a rejection) never covers",
      review('c3', riley, { rejected: 'an agent (claude-code) cannot review' }),
      ['c1'],
      'src/a.ts',
      false,
    ],
    ['work of no commit is covered by nothing', review('c3', riley), [], 'src/a.ts', false],
    ['a review on a commit outside the change reaches nothing in it', review('zz', riley), ['c1'], 'src/a.ts', false],
    ['a review commit merged in from another branch does not reach work it is not built on', review('r', riley), ['c2'], 'src/a.ts', false],
    ['the merge that brought it in is built on both', review('m', riley), ['c2'], 'src/a.ts', true],
  ] as const)('in a change: %s', (_case, r, commits, path, covered) => {
    expect(coveringReviews({ commits, path }, [r], changeReach(change)).length > 0).toBe(covered);
  });

  it('across the history: a trailer reaches its own commit, a note its range; the same author and path rules', () => {
    const trailer = review('c2', riley);
    const note = review('c3', riley, { via: 'note', paths: ['src/**'] });
    const authors = new Map(change.map((c) => [c.sha, c.author]));
    const reach = rangeReach(
      new Map([
        [trailer, new Set(['c2'])],
        [note, new Set(['c3', 'c2', 'c1'])],
      ]),
      authors,
    );
    expect(coveringReviews({ commits: ['c2'], path: 'docs/x.md' }, [trailer, note], reach)).toEqual([trailer]);
    expect(coveringReviews({ commits: ['c1'], path: 'docs/x.md' }, [trailer, note], reach)).toEqual([]);
    expect(coveringReviews({ commits: ['c1'], path: 'src/x.ts' }, [trailer, note], reach)).toEqual([note]);
    // Riley wrote c3: the note on it does not cover c3's own work.
    expect(coveringReviews({ commits: ['c3'], path: 'src/x.ts' }, [trailer, note], reach)).toEqual([]);
  });
});
