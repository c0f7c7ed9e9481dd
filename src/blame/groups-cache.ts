import { createHash } from 'node:crypto';
import { readJsonEntry, type CacheUse } from '../kernel/cache-store.js';
import type { DetectionLevel } from '../git/blame.js';
import type { HistoryReader, TreeEntry, TreeReader } from '../git/types.js';
import { PackedGroups, renameGroups, StringTable } from './packed-groups.js';
import { COMMIT_ID } from '../git/guards.js';

const FORMAT = 'aiprov-blame-groups/2';
/** How far back along the first parents a cached revision is looked for: past it, blaming afresh costs less than what changed. */
const SEARCH_DEPTH = 1_000;

/** The blame cache as a run is given it (kernel/cache-store.ts). */
export type BlameCache = CacheUse;

export interface CacheStats {
  /** The cached revision reused from (the blamed one itself on a repeat), or null. */
  base: string | null;
  reused: number;
  blamed: number;
}

/**
 * One file's raw blame at a revision, as stored: its blob, whether git took it for binary (1) or text (0), and
 * five numbers a group with strings in the snapshot's table.
 */
type StoredFile = [path: string, blob: string, binary: 0 | 1, numbers: number[]];

interface Snapshot {
  format: typeof FORMAT;
  rev: string;
  settings: string;
  strings: string[];
  files: StoredFile[];
}

/**
 * `git blame`'s raw answer (the groups, before any notes are read) for the
 * files of a revision, kept between runs. Attribution is always computed
 * afresh from them, so notes, records, recovery and configuration never need
 * invalidating anything. Why reuse is exact: `git blame` passes a file whole
 * from a commit to the first of its parents that has the same blob, so a file
 * no commit on the first-parent path from R' back to R changed against its
 * first parent goes whole from R' to R along that path and reaches R as it
 * left R': its blame at R' is its blame at R. What a merge brought in from its
 * other parents, or what changed there, does not matter; R must lie on R''s
 * first-parent path (a revision merged in as a second parent is not used). The same revision, git version and blame settings
 * (`TreeReader.blameSettings`) and detection level are part of the key; a file
 * some commit of that path changed against its first parent, in any way
 * (restored later, renamed, copied), is blamed again.
 */
export class GroupsCache {
  private readonly stats: CacheStats = { base: null, reused: 0, blamed: 0 };

  private constructor(
    private readonly cache: BlameCache,
    private readonly settings: string,
    private readonly rev: string,
    private readonly base: { snapshot: Snapshot; changed: ReadonlySet<string>; attributesChanged: boolean } | undefined,
  ) {
    if (base) this.stats.base = base.snapshot.rev;
    this.byPath = new Map((base?.snapshot.files ?? []).map((f) => [f[0], f]));
  }

  /** The base snapshot's files by path. */
  private readonly byPath: ReadonlyMap<string, StoredFile>;

  static async open(cache: BlameCache, git: HistoryReader & TreeReader, rev: string, detection: DetectionLevel): Promise<GroupsCache> {
    // The settings (a few git calls), the cache's keys and the revision's first parents are read at once: each is
    // tens of milliseconds, and a warm run waits on all three.
    const [described, keys, parents] = await Promise.all([git.blameSettings(), cache.store.keys(KEY_PREFIX), git.firstParents(rev, SEARCH_DEPTH)]);
    const settings = createHash('sha256').update(`${FORMAT}\0${detection}\0${described}`).digest('hex');
    const prefix = keyOf(settings, '');
    const cached = new Set(keys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)));
    // The revision itself, else the nearest cached one on its first-parent path whose entry is whole.
    const candidates = cached.size === 0 ? [] : [rev, ...parents];
    let snapshot: Snapshot | undefined;
    for (const r of candidates.filter((c) => cached.has(c))) {
      snapshot = await readSnapshot(cache, keyOf(settings, r), r, settings);
      if (snapshot) break;
    }
    if (!snapshot) return new GroupsCache(cache, settings, rev, undefined);
    const from = snapshot.rev;
    const changed = from === rev ? new Set<string>() : new Set(await git.changedAlongFirstParents(from, rev));
    const attributesChanged = [...changed].some((p) => p === '.gitattributes' || p.endsWith('/.gitattributes'));
    return new GroupsCache(cache, settings, rev, { snapshot, changed, attributesChanged });
  }

  /** The file's cached groups, in the run's string table, when they are exactly what blame would answer; else undefined. */
  reuse(entry: TreeEntry, table: StringTable): PackedGroups | undefined {
    const stored = this.storedFor(entry);
    if (!stored) return undefined;
    if (this.renaming?.table !== table) this.renaming = { table, rename: table.renamer(this.base?.snapshot.strings ?? []) };
    this.stats.reused++;
    return new PackedGroups(table, renameGroups(stored[3], this.renaming.rename));
  }

  /** The base's string ids renamed into the run's table (one table a run). */
  private renaming: { table: StringTable; rename: (id: number) => number } | undefined;

  /**
   * Whether git takes the file for binary, when its entry can be reused and no `.gitattributes` changed since
   * (what makes a blob binary to git is its bytes and its attributes); undefined when git must be asked.
   */
  binary(entry: TreeEntry): boolean | undefined {
    if (!this.base || this.base.attributesChanged) return undefined;
    const stored = this.storedFor(entry);
    return stored ? stored[2] === 1 : undefined;
  }

  /** Counts a file blamed in this run. */
  blamed(): void {
    this.stats.blamed++;
  }

  result(): CacheStats {
    return { ...this.stats };
  }

  /**
   * Stores the revision's groups: those blamed or reused in this run, and the base's other files that are still
   * valid here (so that a run on one file keeps the whole tree's entries going forward). Nothing is written when
   * nothing was blamed and the revision's own entry was read.
   */
  async save(tree: readonly TreeEntry[], kept: ReadonlyMap<string, { blob: string; binary: boolean; groups: PackedGroups }>): Promise<void> {
    if (this.stats.blamed === 0 && this.base?.snapshot.rev === this.rev) return;
    const table = new StringTable();
    const fromBase = table.renamer(this.base?.snapshot.strings ?? []);
    // The run's groups share one table: renamed once for all of them.
    let fromRun: { strings: readonly string[]; rename: (id: number) => number } | undefined;
    const files: StoredFile[] = [];
    for (const entry of tree) {
      const run = kept.get(entry.path);
      // A file still valid in the base (reused in this run, or not asked for) is copied as it is stored.
      const stored = this.storedFor(entry);
      let numbers: number[];
      if (stored) numbers = renameGroups(stored[3], fromBase);
      else if (run) {
        const strings = run.groups.strings();
        if (fromRun?.strings !== strings) fromRun = { strings, rename: table.renamer(strings) };
        numbers = renameGroups(run.groups.packed(), fromRun.rename);
      } else continue;
      // Whether git takes it for binary: as this run asked, when it did (a .gitattributes may have changed since the base).
      const binary = run ? (run.binary ? 1 : 0) : (stored?.[2] ?? 0);
      files.push([entry.path, stored?.[1] ?? run?.blob ?? '', binary, numbers]);
    }
    const snapshot: Snapshot = { format: FORMAT, rev: this.rev, settings: this.settings, strings: [...table.all()], files };
    await this.cache.store.put(keyOf(this.settings, this.rev), Buffer.from(JSON.stringify(snapshot)));
  }

  private storedFor(entry: TreeEntry): StoredFile | undefined {
    if (!this.base || entry.blob === undefined || entry.blob === '' || this.base.changed.has(entry.path)) return undefined;
    const stored = this.byPath.get(entry.path);
    return stored && stored[1] === entry.blob ? stored : undefined;
  }
}

const KEY_PREFIX = 'blame/';

function keyOf(settings: string, rev: string): string {
  return `${KEY_PREFIX}${settings}/${rev}`;
}

/** The snapshot under `key`, if it is whole and what its key says; anything else is a miss, said once. */
function readSnapshot(cache: BlameCache, key: string, rev: string, settings: string): Promise<Snapshot | undefined> {
  return readJsonEntry<Snapshot>(cache, key, (value) => snapshotProblem(value, rev, settings));
}

/** Why a parsed entry is not a snapshot of `rev` with these settings, or undefined when it is one (every field checked, every number in range). */
function snapshotProblem(value: unknown, rev: string, settings: string): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const s = value as Partial<Snapshot>;
  if (s.format !== FORMAT) return `format ${JSON.stringify(s.format)}, not ${FORMAT}`;
  if (s.rev !== rev) return `it is of ${String(s.rev)}, not ${rev}`;
  if (s.settings !== settings) return 'its blame settings differ from its key';
  if (!Array.isArray(s.strings) || !s.strings.every((x) => typeof x === 'string')) return 'strings are not a list of strings';
  if (!Array.isArray(s.files)) return 'files are not a list';
  const count = s.strings.length;
  // Each string is checked once for being a commit id, not once a group that names it.
  const strings = s.strings;
  const commits = strings.map((x) => COMMIT_ID.test(x));
  for (const file of s.files as unknown[]) {
    if (!Array.isArray(file) || file.length !== 4 || typeof file[0] !== 'string' || typeof file[1] !== 'string' || !Array.isArray(file[3])) {
      return 'a file is not [path, blob, binary, groups]';
    }
    if (file[2] !== 0 && file[2] !== 1) return `binary of ${file[0]} is not 0 or 1`;
    const n = file[3] as unknown[];
    if (n.length % 5 !== 0 || !n.every((x) => Number.isSafeInteger(x) && (x as number) >= 0)) return `groups of ${file[0]} are not whole numbers in fives`;
    for (let i = 0; i < n.length; i += 5) {
      if ((n[i] as number) >= count || (n[i + 1] as number) >= count || commits[n[i] as number] !== true) return `a group of ${file[0]} names no commit`;
      if ((n[i + 2] as number) < 1 || (n[i + 3] as number) < 1 || (n[i + 4] as number) < 1) return `a group of ${file[0]} has no lines`;
    }
  }
  return undefined;
}
