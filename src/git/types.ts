import type { NotesCommitter } from './notes-commit.js';
import type { BlameGroup, DetectionLevel } from './blame.js';
import type { LineMap } from './line-map.js';

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
  /** With `all`: refs left out (globs on full ref names, as `git log --exclude` takes them). */
  exclude?: string[];
}

/** A file of a tree, as blame needs it. */
export interface TreeEntry {
  path: string;
  /** `symlink` and `submodule` entries cannot be blamed. */
  kind: 'file' | 'symlink' | 'submodule';
  /** The object id of the entry (a blob, or a submodule's commit), where the reader knows it. */
  blob?: string;
}

export interface TreeFile extends TreeEntry {
  /** Lines in the file; 0 for binary files. */
  lines: number;
  binary: boolean;
}

/**
 * A repository is used through roles, so that each part of aiprov depends on
 * what it needs: readers for scan, blame, the audit (and the BOM and
 * attestations to come), writers only for record and hooks. `openRepository`
 * returns one adapter that plays them all.
 */
export interface RepositoryHandle {
  /** Absolute path of the work tree (or of the git directory for a bare repository). */
  readonly root: string;
  /** True for a repository without a work tree. */
  readonly bare: boolean;
}

/** Commits and revisions. */
export interface HistoryReader extends RepositoryHandle {
  head(): Promise<HeadState>;
  /** Commits at which a shallow clone's history is cut; empty when the repository is complete. */
  shallowBoundary(): Promise<string[]>;
  /** Fails with BAD_REVISION when `range` is not a revision or range git can walk. */
  checkRange(range: string): Promise<void>;
  /** The full id of the commit `rev` names; BAD_REVISION when it names none. */
  resolveCommit(rev: string): Promise<string>;
  /** Streams commits, newest first, without holding history in memory. */
  log(request: LogRequest): AsyncIterable<CommitRecord>;
  /** Counts the commits `log` would yield, for progress and shallow diagnostics. */
  countCommits(request: LogRequest): Promise<number>;
  /** Full names of the refs matching `patterns` (as `git for-each-ref` takes them). */
  listRefs(patterns: readonly string[]): Promise<string[]>;
  /** The same refs with the commit each points at (one git call however many: a forge's pull refs run to thousands). */
  refTips(patterns: readonly string[]): Promise<Map<string, string>>;
  /** The commits of a range, newest first (`git rev-list`). */
  listCommits(range: string, options?: { firstParent?: boolean }): Promise<string[]>;
  /** `rev`'s first-parent ancestors, nearest first (not `rev` itself), at most `max` of them. */
  firstParents(rev: string, max: number): Promise<string[]>;
  /** Of `shas`, those reachable from `tips` (commit ids), through one `git rev-list` of the tips' history. */
  reachableAmong(tips: readonly string[], shas: ReadonlySet<string>): Promise<Set<string>>;
  /** The newest commit of `rev`'s history committed before `date`; undefined when there is none. */
  lastCommitBefore(rev: string, date: Date): Promise<string | undefined>;
  /**
   * Reads the given commits (in the order given), for callers that know which
   * ones they need; with `ignoreMissing`, commits not in the clone are left out
   * (notes can sit on commits a clone never fetched) instead of failing.
   */
  logCommits(shas: readonly string[], options?: { ignoreMissing?: boolean }): AsyncIterable<CommitRecord>;
  /** The commits among `shas` whose objects are in the repository, in the order given. */
  presentCommits(shas: readonly string[]): Promise<string[]>;
  /** The commits that changed `file`, oldest first, each with the lines it added. */
  fileHistory(file: string): AsyncIterable<{ sha: string; added: string[] }>;
}

/** Trees, files and lines at a revision (and the work tree). */
export interface TreeReader extends RepositoryHandle {
  /** Every entry of the tree at `rev`, reading no blob: in a partial clone, blobs nobody needs stay unfetched. */
  listTree(rev: string): Promise<TreeEntry[]>;
  /** Line counts and binary flags of the given entries at `rev`, reading only their blobs. */
  describeFiles(rev: string, entries: readonly TreeEntry[]): Promise<TreeFile[]>;
  /** Paths the commit `sha` added or modified against its first parent (everything, for a root commit). */
  changedFiles(sha: string): Promise<string[]>;
  /** Paths some commit of `from..to` changed (merges against each parent), whatever they hold at either end. */
  changedBetween(from: string, to: string): Promise<string[]>;
  /**
   * Paths some commit on `to`'s first-parent path back to `from` (which must lie on it) changed against its first
   * parent: what `git blame` cannot pass whole from `to` to `from`.
   */
  changedAlongFirstParents(from: string, to: string): Promise<string[]>;
  /** Contents of `path` at `rev`, or undefined when there is no such file. */
  readFile(rev: string, path: string): Promise<string | undefined>;
  /** Contents of several files at `rev` through one `git cat-file`; missing ones are left out. */
  readFiles(rev: string, paths: readonly string[]): Promise<Map<string, string>>;
  /** Files of the work tree that are tracked, or new and not ignored (what a commit would take). */
  workTreeFiles(): Promise<string[]>;
  /** Streams `git blame` of `file` at `rev` (a commit id), or over `since..rev`. */
  blame(rev: string, file: string, options: { since?: string; detection: DetectionLevel }): AsyncIterable<BlameGroup>;
  /**
   * What shapes `git blame`'s answer besides the revision, the path and the flags: git's version, its
   * configuration (diff algorithm, textconv drivers, ignored revisions), replaced objects, grafts and the
   * shallow boundary. Two runs with the same text blame a commit's file alike.
   */
  blameSettings(): Promise<string>;
  /** How lines of each path map from `from` onto `to` (the same path at both), through one `git diff` for all of them. */
  lineMaps(from: string, to: string, paths: readonly string[]): Promise<Map<string, LineMap>>;
  /** Files renamed between two revisions (git's rename detection, `-M`): old path → new path. */
  renamesBetween(from: string, to: string): Promise<Map<string, string>>;
  /** How lines of `from:fromPath` map onto `to:toPath`. */
  lineMap(from: string, fromPath: string, to: string, toPath: string): Promise<LineMap>;
}

export interface NotesReader extends RepositoryHandle {
  /**
   * The notes on `ref` of the given commits, as commit sha → note text
   * (commits without a note are left out; empty when the ref does not
   * exist). Only those notes' objects are read.
   */
  readNotes(ref: string, shas: readonly string[]): Promise<Map<string, NoteText>>;
  /** The notes on `ref` as they are now: a run that reads many batches reads one state of them. */
  notesAt(ref: string): Promise<NotesSnapshot>;
  /** Committer times (seconds) of the given commits; those not in the repository are left out. */
  commitTimes(shas: readonly string[]): Promise<Map<string, number>>;
}

/**
 * The notes of one notes ref at one commit of it. A note whose object is
 * missing from the repository reads as a MissingNote, so that readers report
 * it rather than skip it.
 */
export interface NotesSnapshot {
  readonly ref: string;
  /** The notes commit read, or null when the ref does not exist (no notes). */
  readonly tip: string | null;
  /** The commits that have a note (no note is read). */
  noted(): Promise<ReadonlySet<string>>;
  /**
   * The notes of the given commits, as commit sha → text, drawn from the
   * command's budget of note text read whole; `batch` draws on a budget of
   * this call alone, for a reader that parses each batch and drops it (the
   * authorship notes of a long history), whose memory the batch bounds.
   */
  read(shas: readonly string[], budget?: 'command' | 'batch'): Promise<Map<string, NoteText>>;
  /**
   * The same as bytes, one at a time, in the order given, through one
   * `git cat-file`: only the note being read is held, and never decoded
   * whole. Each is valid until the next is asked for.
   */
  stream(shas: readonly string[]): AsyncIterable<[string, NoteBytes]>;
  /**
   * Every match of `pattern` (a regular expression valid both as PCRE and as
   * POSIX ERE) in the notes, with the commit each note is on, as `git grep -o`
   * prints them: neither the notes nor the whole output are held here.
   */
  match(pattern: string, onMatch: (sha: string, match: string) => void): Promise<void>;
}

export interface NotesWriter extends NotesReader {
  /**
   * Replaces the note on `sha` in `ref` with what `update` makes of the
   * current one (undefined when there is none; a MissingNote when its
   * object is missing). `update` may throw to refuse. The ref moves by
   * compare-and-swap: when another writer moved it meanwhile, `update` runs
   * again on the new note, so no concurrent write is lost.
   */
  updateNote(ref: string, sha: string, update: (current: NoteText | undefined) => string): Promise<void>;
  /** Adds notes to the commits that have none in `ref`, all in one notes commit (moved by compare-and-swap); commits that have one keep it. */
  addNotes(ref: string, notes: ReadonlyMap<string, string>): Promise<{ written: string[]; kept: string[] }>;
  /** Who commits the notes this handle writes, and with what message (the base's `notes.committer`): git's own identity when unset. */
  notesCommitter?: NotesCommitter | undefined;
}

/**
 * A note whose object is missing from the repository (a partial clone, a
 * pruned object): the ref lists a note for the commit, but its text cannot be
 * read. Readers must report it, never take it for "no note"; the type makes
 * every reader say what it does with one.
 */
export interface MissingNote {
  readonly missingObject: string;
  /** Set when the object is there but larger than a note is read (NOTE_CAP): not read at all, and said, never taken for "no note". */
  readonly tooLarge?: number;
  /** Set, to the cap in bytes, when the notes already read whole passed it (NOTES_READ_CAP): this one was not read. */
  readonly overTotal?: number;
}

/** The largest note read: anyone who can push a notes ref can write one of 400 MB, and every command would hold it whole. */
export const NOTE_CAP = 32 * 1024 * 1024;
/** The most note text one command reads whole (every ref, every read; streamed notes aside): past it, notes are said unreadable. */
export const NOTES_READ_CAP = 256 * 1024 * 1024;

/** A note as read: its text, or a missing object. */
export type NoteText = string | MissingNote;
/** A note as streamed: its bytes, or a missing object. */
export type NoteBytes = Buffer | MissingNote;

export function isMissingNote(note: NoteText | NoteBytes): note is MissingNote {
  return typeof note === 'object' && !Buffer.isBuffer(note);
}

/** What a reader reports of a missing note (a broken clone, a pruned object): a problem, never "no note". */
const describeCap = (bytes: number): string => (bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${bytes} bytes`);

export function missingNoteProblem(note: MissingNote): string {
  if (note.overTotal !== undefined)
    return `points at note object ${note.missingObject}, not read: the notes read before it passed the ${describeCap(note.overTotal)} aiprov reads whole in one command`;
  if (note.tooLarge !== undefined)
    return `points at note object ${note.missingObject} of ${(note.tooLarge / 1024 / 1024).toFixed(0)} MB, more than the ${NOTE_CAP / 1024 / 1024} MB aiprov reads for one note (not read)`;
  return `points at note object ${note.missingObject}, which is missing from the repository`;
}

/** The repository's own configuration and git directory, for installing hooks. */
export interface RepositoryConfig extends RepositoryHandle {
  /** Every value of a (multi-valued) config key; empty when unset. */
  configValues(key: string): Promise<string[]>;
  addConfig(key: string, value: string): Promise<void>;
  unsetConfig(key: string, value: string): Promise<void>;
  /** The configured remotes' names. */
  remoteNames(): Promise<string[]>;
  /** Absolute path of a file in the git directory (`hooks`), honouring core.hooksPath. */
  gitPath(name: string): Promise<string>;
  /** Absolute path of the git directory every worktree of the repository shares (`git rev-parse --git-common-dir`). */
  commonDir(): Promise<string>;
  /** Adds a trailer to a commit message file as git places trailers (nothing when the same one is there). */
  addTrailer(messageFile: string, trailer: string): Promise<void>;
}

/** Everything at once: what `openRepository` returns. */
/** A commit's signature as git verified it: the principal the allowed-signers file lists its key for. */
export interface CommitSigner {
  principal: string;
  /** The key's fingerprint, as git prints it (`%GK`). */
  key: string;
}

/** Whose signatures count: an SSH allowed-signers file's text, ASCII-armored OpenPGP public keys, or both. */
export interface SignerTrust {
  allowedSigners?: string;
  gpgKeys?: string;
}

/** Commit signatures, checked against trust the caller gives (the base revision's), never the clone's settings or the user's keyring. */
export interface SignatureReader {
  /** The commits among `shas` with a good signature by a key the trust lists, and whose it is. */
  commitSigners(shas: readonly string[], trust: SignerTrust): Promise<Map<string, CommitSigner>>;
}

/** What identifies a change across rewrites: patch ids and where two histories meet. */
export interface PatchReader {
  /** `git patch-id --stable` of each commit's diff against its first parent; merges and empty commits have none. */
  patchIds(shas: readonly string[]): Promise<Map<string, string>>;
  /** The best common ancestor of two commits, or undefined when their histories never meet. */
  mergeBase(a: string, b: string): Promise<string | undefined>;
  /** The lines each commit adds against its first parent (all files, in diff order), through one `git log -p`. */
  addedLines(shas: readonly string[]): Promise<Map<string, string[]>>;
  /** Where each commit's added lines are, by path, in its own version of each file (one `git log -p -U0` for all). */
  addedLineNumbers(shas: readonly string[]): Promise<Map<string, Map<string, number[]>>>;
}

export interface GitRepository extends HistoryReader, TreeReader, NotesWriter, RepositoryConfig, SignatureReader, PatchReader {}
