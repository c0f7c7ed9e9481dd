import type { CacheUse } from '../kernel/cache-store.js';
import { AuthorKeys } from './author-keys.js';
import type { CommitRecord, HistoryReader, NotesReader } from '../git/types.js';
import { compareStrings } from '../kernel/sorted.js';

/** Where a commit's records may come from: the pull request it squashes, or a commit it is a rebased copy of. */
export type RecordSource = { kind: 'squash'; number: number; ref: string; head: string } | { kind: 'rewrite'; sha: string };

/**
 * The pull refs a forge keeps for every pull request, as a clone may hold
 * them: GitHub's `refs/pull/N/head` (a mirror, or fetched as they are), the
 * remote-tracking form aiprov suggests (`+refs/pull/*\/head:refs/remotes/origin/pr/*`),
 * and GitLab's `refs/merge-requests/N/head`. Never fetched here.
 */
export const PULL_REF_PATTERNS = ['refs/pull/*/head', 'refs/remotes/*/pr/*', 'refs/merge-requests/*/head', 'refs/remotes/*/merge-requests/*'];

/** What a user runs to bring the pull refs here: aiprov never fetches by itself. */
export const FETCH_PULL_REFS =
  "git fetch origin '+refs/pull/*/head:refs/remotes/origin/pr/*' (GitLab: '+refs/merge-requests/*/head:refs/remotes/origin/merge-requests/*')";

/** GitHub's squash subject ends with ` (#N)`; GitLab's merge and squash messages say `See merge request group/project!N`. */
export function pullNumber(commit: CommitRecord): number | undefined {
  // Asked of every commit a scan streams: the first line without splitting the message, GitLab's line only where it can be.
  const { message } = commit;
  const end = message.indexOf('\n');
  const firstLine = end === -1 ? message : message.slice(0, end);
  const github = firstLine.includes('(#') ? /\(#(\d{1,9})\)\s*$/.exec(firstLine) : null;
  const gitlab = message.includes('See merge request ') ? /^See merge request [^\s!]+!(\d{1,9})\s*$/m.exec(message) : null;
  const n = Number(github?.[1] ?? gitlab?.[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * The index recovery looks commits up in, read once a run: the pull refs by
 * number, and the commits that carry records by what a rebase or a
 * cherry-pick keeps (the author and the author date), so that telling a
 * candidate costs no git call.
 */
export class SourceIndex {
  private pulls = new Map<number, { ref: string; head: string }>();
  private byAuthor = new Map<string, string[]>();
  private withRecords = new Set<string>();

  /**
   * `from`: the refs (for-each-ref patterns) sources must come from: pull refs among them, and commits with records
   * reachable from them. Without it, every pull ref and every commit with records the clone holds (a forge mirror keeps
   * pull request branches as branches; a local `pull --rebase` leaves the originals reachable from the reflog alone).
   */
  async read(git: HistoryReader & NotesReader, notesRefs: readonly string[], from?: readonly string[], cache?: CacheUse): Promise<void> {
    const named = from ? await git.refTips(from) : undefined;
    for (const [ref, head] of [...(await git.refTips(PULL_REF_PATTERNS))].sort(([a], [b]) => compareStrings(a, b))) {
      const n = Number(/\/(\d{1,9})(?:\/head)?$/.exec(ref)?.[1]);
      if (!Number.isSafeInteger(n) || this.pulls.has(n) || (named && !named.has(ref))) continue;
      this.pulls.set(n, { ref, head });
    }
    for (const ref of notesRefs) for (const sha of await (await git.notesAt(ref)).noted()) this.withRecords.add(sha);
    if (named) this.withRecords = await git.reachableAmong([...new Set(named.values())], this.withRecords);
    // Notes can sit on commits this clone does not have (never fetched, or pruned): those are no source of anything here.
    const present = await git.presentCommits([...this.withRecords]);
    const keys = new AuthorKeys(cache);
    await keys.load();
    const unknown = present.filter((sha) => keys.get(sha) === undefined);
    for await (const c of git.logCommits(unknown)) keys.set(c.sha, authorKey(c));
    for (const sha of present) {
      const key = keys.get(sha);
      if (key !== undefined) this.byAuthor.set(key, [...(this.byAuthor.get(key) ?? []), sha]);
    }
    await keys.save();
  }

  /** The sources a commit may have come from, best first: its squashed pull request, then commits it may be a copy of. */
  sources(commit: CommitRecord): RecordSource[] {
    // Where nobody records, there is nothing to recover: a squash-merged history with its pull refs is not read twice for nothing.
    if (this.empty) return [];
    const out: RecordSource[] = [];
    const n = pullNumber(commit);
    const pull = n === undefined ? undefined : this.pulls.get(n);
    if (n !== undefined && pull) out.push({ kind: 'squash', number: n, ...pull });
    // A history made by a script can share one author and date across many commits: a few candidates, never every pair.
    for (const sha of (this.byAuthor.get(authorKey(commit)) ?? []).filter((s) => s !== commit.sha).slice(0, MAX_REWRITE_CANDIDATES))
      out.push({ kind: 'rewrite', sha });
    return out;
  }

  /**
   * Whether a commit names a pull request whose ref is not here (said once,
   * with how to fetch them), in a repository that keeps records at all: where
   * nobody records, fetching the pull refs would recover nothing, and saying
   * so on every squash-merged history would be noise.
   */
  missingPull(commit: CommitRecord): number | undefined {
    if (this.empty) return undefined;
    const n = pullNumber(commit);
    return n !== undefined && !this.pulls.has(n) ? n : undefined;
  }

  /**
   * Whether `sources` would name any source or `missingPull` a pull request,
   * without building either: asked of every commit a scan streams.
   */
  mayRecover(commit: CommitRecord): boolean {
    if (this.empty) return false;
    const same = this.byAuthor.get(authorKey(commit));
    if (same !== undefined && (same.length > 1 || same[0] !== commit.sha)) return true;
    return pullNumber(commit) !== undefined;
  }

  hasRecords(sha: string): boolean {
    return this.withRecords.has(sha);
  }

  /** True where nobody records: no commit can be a source, so no commit needs reading to find one. */
  get empty(): boolean {
    return this.withRecords.size === 0;
  }
}

/** Commits with the same author and date tried as the source of a rewritten one, at most. */
export const MAX_REWRITE_CANDIDATES = 8;

/** What a rebase, a cherry-pick and a forge's "rebase and merge" keep of a commit. */
function authorKey(c: CommitRecord): string {
  return `${c.author.email.toLowerCase()}\u0000${c.authoredAt}`;
}
