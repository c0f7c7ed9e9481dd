/** A person or bot as git records it: the exact name and email of the commit. */
export interface Identity {
  name: string;
  email: string;
}

/** One commit as read from `git log`, before any interpretation. */
export interface CommitRecord {
  sha: string;
  parents: string[];
  author: Identity;
  committer: Identity;
  /** ISO 8601 with the author's own offset, as git prints `%aI`. */
  authoredAt: string;
  committedAt: string;
  /** The full raw message (`%B`), decoded as UTF-8 with replacement characters for invalid bytes. */
  message: string;
}

export interface HeadState {
  /** The commit HEAD points at, or null when HEAD is unborn (no commits on the current branch). */
  sha: string | null;
  /** The symbolic ref HEAD points at (`refs/heads/main`), or null when detached. */
  ref: string | null;
}

export interface LogRequest {
  /** Revision arguments already checked by `assertSafeRevision`; empty means HEAD. */
  revisions: string[];
  /** Every ref except notes, instead of `revisions`. */
  all?: boolean;
}

/** The role through which authorship code reads a repository. */
export interface GitRepository {
  /** Absolute path of the work tree (or of the git directory for a bare repository). */
  readonly root: string;
  head(): Promise<HeadState>;
  /** Commits at which a shallow clone's history is cut; empty when the repository is complete. */
  shallowBoundary(): Promise<string[]>;
  /** Fails with BAD_REVISION when `range` is not a revision or range git can walk. */
  checkRange(range: string): Promise<void>;
  /** Notes on `ref` as commit sha → note text; empty when the ref does not exist. */
  readNotes(ref: string): Promise<Map<string, string>>;
  /** Streams commits, newest first, without holding history in memory. */
  log(request: LogRequest): AsyncIterable<CommitRecord>;
  /** Counts the commits `log` would yield, for progress and shallow diagnostics. */
  countCommits(request: LogRequest): Promise<number>;
}
