import os from 'node:os';
import path from 'node:path';
import type { AnalyserFactory, CommitAnalyser } from '../authorship/analyse.js';
import { AGENT_TRACE_FILE, indexAgentTrace, type LineRecordIndex } from '../authorship/line-records.js';
import { CoverageAccumulator } from '../authorship/coverage.js';
import type { CommitReport, Detection, RecordCoverage, ScanWarning } from '../authorship/types.js';
import { mapPool } from '../kernel/concurrency.js';
import { GitError, UsageError } from '../kernel/errors.js';
import type { BlameGroup, DetectionLevel } from '../git/blame.js';
import type { HistoryReader, NotesReader, PatchReader, TreeEntry, TreeFile, TreeReader } from '../git/types.js';
import { envelope } from '../kernel/schemas.js';
import { addCounts, Attributor, countParts, emptyCounts, share, sharedKey, sortedCounts, type Part } from './attribute.js';
import { Exclusions, type ExclusionReason } from './exclusions.js';
import { LineSources } from './line-sources.js';
import { globPattern, matchesAny } from '../kernel/glob.js';
import { PatternSyntaxError, type Pattern } from '../kernel/linear-regex.js';
import { PackedGroups, StringTable } from './packed-groups.js';
import { GroupsCache, type BlameCache, type CacheStats } from './groups-cache.js';
import type { BlameReport, DirectoryAttribution, FileAttribution } from './types.js';
import { compareStrings } from '../kernel/sorted.js';

/** The part of a Context (context/context.ts) blame needs. */
export interface BlameContext {
  git: HistoryReader & TreeReader & NotesReader;
  analyser: AnalyserFactory;
}

export interface BlameOptions {
  context: BlameContext;
  /** Revision to attribute (default HEAD). */
  rev?: string;
  /** Count only lines introduced after this revision. */
  since?: string;
  /** Paths (files or directories) relative to the repository root; default the whole tree. */
  paths?: string[];
  include?: string[];
  exclude?: string[];
  /** Also attribute binary, generated and vendored files. */
  includeAll?: boolean;
  detection?: DetectionLevel;
  /** Concurrent `git blame` processes; default the number of CPUs. */
  jobs?: number;
  /** Directory depth of the `directories` roll-up; default 1. */
  depth?: number;
  /** Count on a shallow clone without `since`, though every line older than its boundary goes to the boundary commit. */
  allowShallow?: boolean;
  /** Also count AI lines by agent and model together (`byContributor`), as the AI-BOM needs them. */
  contributors?: boolean;
  /** Called with each attributed (non-boundary) group and who wrote which of its lines, for reports that need more than totals (the dashboard). */
  onGroup?: (path: string, group: BlameGroup, parts: readonly Part[]) => void;
  /** Called as files are blamed (`done` of `total`), for a progress display. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Also how complete and consistent the records of the blamed commits are, and which AI lines came from line
   * records and which from whole commits (authorship/coverage.ts), each record checked through this reader.
   */
  coverage?: TreeReader & PatchReader;
  /**
   * `git blame`'s answers kept between runs (groups-cache.ts): files blamed at this revision or, unchanged, at a
   * first-parent ancestor are not blamed again. Not used with `since` (a range's blame is already the range's cost).
   */
  cache?: BlameCache;
  /** Called with what the cache saved: the revision reused from and the files reused and blamed. */
  onCache?: (stats: CacheStats) => void;
}

type Selected = { candidates: TreeEntry[]; excluded: { path: string; reason: ExclusionReason }[] };

/** Line-level attribution of the tree at a revision: which lines, by which agents and models. */
export async function blameTree(options: BlameOptions): Promise<BlameReport> {
  const { git } = options.context;
  const revSpec = options.rev ?? 'HEAD';
  const [rev, since, boundary] = await Promise.all([
    git.resolveCommit(revSpec),
    options.since === undefined ? null : git.resolveCommit(options.since),
    git.shallowBoundary(),
  ]);
  const detection = options.detection ?? 'copies';
  const shallow = shallowWarning(boundary, since !== null, options.allowShallow === true);
  const warnings: ScanWarning[] = shallow ? [shallow] : [];

  // The cache is opened while the tree is listed (its settings are a few git calls of their own). A cache that cannot
  // be opened is no cache: the run blames every file, as without one.
  const opening = options.cache && since === null ? openCache(options.cache, git, rev, detection) : undefined;
  // What reading the blamed commits' notes will need whichever they are is read while the files are blamed.
  const analyser = options.context.analyser.open(warnings);
  analyser.prefetch();
  const [files, texts] = await Promise.all([git.listTree(rev), git.readFiles(rev, ['.gitattributes', AGENT_TRACE_FILE])]);
  const gitattributes = texts.get('.gitattributes');
  const trace = texts.get(AGENT_TRACE_FILE);
  // Each glob is compiled once, for selecting and for saying which matched nothing.
  const globs = { include: compileGlobs(options.include, 'include'), exclude: compileGlobs(options.exclude, 'exclude') };
  const selected = selectFiles(files, options, globs, new Exclusions(gitattributes), revSpec, git.root);
  // Lines introduced after `since` can only be in files some commit of the range touched: blame those only (the
  // cost of a pull request's range, not of the whole tree). Only the chosen files' blobs are read; binary ones are left out now.
  const changed = since === null ? undefined : new Set(await git.changedBetween(since, rev));
  const candidates = changed ? selected.candidates.filter((f) => changed.has(f.path)) : selected.candidates;
  const cache = await opening;
  const excluded = [...selected.excluded];
  const counted: TreeFile[] = [];
  for (const file of await describeCandidates(git, rev, candidates, cache)) {
    if (file.binary && !options.includeAll) excluded.push({ path: file.path, reason: 'binary' });
    else counted.push(file);
  }
  excluded.sort((a, b) => compareStrings(a.path, b.path));
  warnings.push(...emptyFilters(files, globs, revSpec));
  if (since !== null && since !== rev && (await git.listCommits(`${rev}..${since}`)).length > 0) {
    // `git blame A..B` with A not an ancestor of B counts from where the two met: almost never what was meant.
    warnings.push({
      code: 'EMPTY_SELECTION',
      message: `--since ${options.since ?? since} is not an ancestor of ${revSpec}: the range is reversed or the two histories diverged, so lines are counted from where they last met`,
    });
  }
  const index = analyser.index;
  if (trace !== undefined) indexAgentTrace(trace, `${AGENT_TRACE_FILE} at ${rev.slice(0, 12)}`, warnings, index);

  const { packed, saving } = await blameFiles(options, { rev, since, detection, cache }, files, counted, (shas) => {
    analyser.readAhead(git, [...shas].sort());
  });
  // Only the notes of the commits blame named are read, after blaming.
  const blamedShas = new Set(packed.flatMap((store) => [...store.shas()]));
  await analyser.load(blamedShas);
  const coverage = options.coverage ? new CoverageAccumulator(options.coverage) : undefined;
  // Commits whose only AI evidence is an applied review suggestion: their lines are the suggesting agent's, apart.
  const suggested = new Map<string, string[]>();
  const attributor = new Attributor(index, await detectionsFor(git, analyser, blamedShas, reportHooks(coverage, index, suggested)));
  const suggestions = new Map<string, number>();
  const lineSources = new LineSources(index);
  const fileReports: FileAttribution[] = counted.map((file, i) => {
    const counts = emptyCounts(options.contributors === true);
    for (const group of packed[i]?.groups() ?? []) {
      if (group.boundary) continue;
      const parts = attributor.parts(group);
      countParts(group, parts, counts);
      if (coverage) lineSources.add(group, parts);
      if (parts.length === 0) countSuggested(group, suggested, suggestions);
      options.onGroup?.(file.path, group, parts);
    }
    return sortedCounts({ path: file.path, ...counts });
  });
  const totals = sumCounts(fileReports, options.contributors === true);
  await saving;
  return {
    ...envelope('blameReport'),
    repository: { root: git.root },
    rev,
    revSpec,
    since,
    sinceSpec: options.since ?? null,
    detection,
    selection: selectionOf(options),
    files: fileReports,
    directories: rollUp(fileReports, options.depth ?? 1),
    totals: { ...sortedCounts(totals), files: fileReports.length, aiShare: share(totals) },
    excluded,
    ...(suggestions.size > 0 ? { suggestions: suggestionTotals(suggestions) } : {}),
    ...(coverage ? { coverage: await coverageOf(coverage, lineSources) } : {}),
    warnings,
  };
}

async function openCache(cache: BlameCache, git: BlameContext['git'], rev: string, detection: DetectionLevel): Promise<GroupsCache | undefined> {
  try {
    return await GroupsCache.open(cache, git, rev, detection);
  } catch (error) {
    cache.onWarning?.(`the blame cache in ${cache.store.location} was not used: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** The candidates with whether each is binary: what the cache knows of a file it can reuse, else asked of git. */
async function describeCandidates(git: TreeReader, rev: string, candidates: readonly TreeEntry[], cache: GroupsCache | undefined): Promise<TreeFile[]> {
  const known = new Map<string, TreeFile>();
  for (const entry of candidates) {
    const binary = cache?.binary(entry);
    if (binary !== undefined) known.set(entry.path, { ...entry, lines: 0, binary });
  }
  const described = new Map(
    (
      await git.describeFiles(
        rev,
        candidates.filter((c) => !known.has(c.path)),
      )
    ).map((f) => [f.path, f]),
  );
  return candidates.flatMap((c) => {
    const file = known.get(c.path) ?? described.get(c.path);
    return file ? [file] : [];
  });
}

interface BlameRun {
  rev: string;
  since: string | null;
  detection: DetectionLevel;
  cache: GroupsCache | undefined;
}

/**
 * Each counted file's groups: from the cache where they are valid, else from `git blame`. What was blamed is kept
 * in the cache while the caller attributes the groups (`saving`, to be awaited before the run ends).
 */
async function blameFiles(
  options: BlameOptions,
  { rev, since, detection, cache }: BlameRun,
  tree: readonly TreeEntry[],
  counted: readonly TreeFile[],
  onReused: (shas: ReadonlySet<string>) => void,
): Promise<{ packed: PackedGroups[]; saving: Promise<void> }> {
  const { git } = options.context;
  const jobs = options.jobs ?? os.availableParallelism();
  const table = new StringTable();
  // What the cache holds first: its files' commits are then known, and read while git blames the others.
  const stores = counted.map((file) => cache?.reuse(file, table));
  const reused = stores.filter((store) => store !== undefined);
  if (reused.length > 0) onReused(new Set(reused.flatMap((store) => [...store.shas()])));
  let done = reused.length;
  if (done > 0) options.onProgress?.(done, counted.length);
  const packed = await mapPool(counted, jobs, async (file, i) => {
    let store = stores[i];
    if (!store) {
      store = new PackedGroups(table);
      for await (const group of git.blame(rev, file.path, { ...(since ? { since } : {}), detection })) store.add(group);
      cache?.blamed();
      options.onProgress?.(++done, counted.length);
    }
    return store;
  });
  if (!cache) return { packed, saving: Promise.resolve() };
  const kept = new Map<string, { blob: string; binary: boolean; groups: PackedGroups }>();
  counted.forEach((file, i) => {
    const groups = packed[i];
    if (file.blob && groups) kept.set(file.path, { blob: file.blob, binary: file.binary, groups });
  });
  options.onCache?.(cache.result());
  return { packed, saving: cache.save(tree, kept) };
}

/**
 * What blame notes of each commit it analyses: the agents whose applied review suggestions are a commit's only AI
 * evidence; with coverage, every blamed commit is analysed (those with line records too) and each folded into it.
 */
function reportHooks(coverage: CoverageAccumulator | undefined, index: LineRecordIndex, suggested: Map<string, string[]>): Parameters<typeof detectionsFor>[3] {
  return {
    ...(coverage ? { ranged: true } : {}),
    onReport: (report) => {
      coverage?.add(report, index.get(report.sha));
      const suggesting = report.detections.filter((d) => d.role === 'review-suggestion');
      if (!report.ai && suggesting.length > 0) suggested.set(report.sha, [...new Set(suggesting.map((d) => d.agent))]);
    },
  };
}

/** A group no agent wrote, from a commit whose only AI evidence is an applied review suggestion: the suggesting agents' lines. */
function countSuggested(group: BlameGroup, suggested: ReadonlyMap<string, string[]>, into: Map<string, number>): void {
  const agents = suggested.get(group.sha);
  if (!agents) return;
  const key = sharedKey(agents);
  into.set(key, (into.get(key) ?? 0) + group.lines);
}

function suggestionTotals(byKey: ReadonlyMap<string, number>): NonNullable<BlameReport['suggestions']> {
  const byAgent = Object.fromEntries([...byKey].sort(([a], [b]) => compareStrings(a, b)));
  return { lines: Object.values(byAgent).reduce((n, v) => n + v, 0), byAgent };
}

async function coverageOf(coverage: CoverageAccumulator, sources: LineSources): Promise<RecordCoverage> {
  coverage.addLines(sources.result());
  return coverage.result();
}

/**
 * A shallow clone (what `actions/checkout` makes by default) cuts history at
 * its boundary, and `git blame` gives every older line to the boundary
 * commit: the shares would be wrong, so without `since` (whose range lies
 * within the history present) blame refuses, with the fix, unless allowed.
 */
function shallowWarning(boundary: string[], hasSince: boolean, allowed: boolean): ScanWarning | undefined {
  if (boundary.length === 0) return undefined;
  const where = `history stops at ${boundary.map((s) => s.slice(0, 12)).join(', ')}`;
  if (!hasSince && !allowed) {
    throw new GitError(
      'SHALLOW_REPOSITORY',
      `shallow clone (${where}): every older line would be counted as written by the commit where history stops; fetch the whole history (actions/checkout with fetch-depth: 0, or git fetch --unshallow), or pass --allow-shallow to count anyway`,
    );
  }
  return {
    code: 'SHALLOW',
    message: `shallow clone (${where}): ${hasSince ? 'lines older than the range are not counted, as usual' : 'lines older than that are counted as written by the commit where history stops (--allow-shallow)'}; git fetch --unshallow gives the whole history`,
  };
}

/** A glob that selects nothing at the revision is a mistake worth saying, not a silent "0 of 0 lines". */
function emptyFilters(files: TreeEntry[], globs: Globs, revSpec: string): ScanWarning[] {
  const warnings: ScanWarning[] = [];
  for (const [flag, compiled] of [
    ['--include', globs.include],
    ['--exclude', globs.exclude],
  ] as const) {
    for (const { glob, pattern } of compiled) {
      if (!files.some((f) => pattern.test(f.path))) warnings.push({ code: 'EMPTY_SELECTION', message: `${flag} ${glob} matches no file at ${revSpec}` });
    }
  }
  return warnings;
}

interface Globs {
  include: { glob: string; pattern: Pattern }[];
  exclude: { glob: string; pattern: Pattern }[];
}

function compileGlobs(globs: readonly string[] | undefined, field: 'include' | 'exclude'): { glob: string; pattern: Pattern }[] {
  return (globs ?? []).map((glob) => ({ glob, pattern: userGlob(glob, field) }));
}

function userGlob(glob: string, field: 'include' | 'exclude'): Pattern {
  try {
    return globPattern(glob);
  } catch (error) {
    if (error instanceof PatternSyntaxError) throw new UsageError(`is not a glob aiprov can match: ${error.reason}`, { field, value: glob });
    throw error;
  }
}

function selectFiles(files: TreeEntry[], options: BlameOptions, globs: Globs, exclusions: Exclusions, revSpec: string, root: string): Selected {
  const include = globs.include.map((g) => g.pattern);
  const exclude = globs.exclude.map((g) => g.pattern);
  const paths = new Set((options.paths ?? []).map((p) => repoRelative(root, p)).filter((p) => p !== ''));
  // A file is selected when it or one of its directories was named: looked up by set, as findings name thousands of files.
  const underPaths = (file: string): boolean => paths.size === 0 || ancestry(file).some((p) => paths.has(p));
  const present = new Set(files.flatMap((f) => ancestry(f.path)));
  for (const p of paths) if (!present.has(p)) throw new UsageError(`path '${p}' matches no file at ${revSpec}`, { code: 'BAD_PATH' });
  const candidates: TreeEntry[] = [];
  const excluded: Selected['excluded'] = [];
  for (const file of files) {
    if (!underPaths(file.path)) continue;
    if (include.length > 0 && !matchesAny(file.path, include)) continue;
    if (matchesAny(file.path, exclude)) continue;
    if (file.kind !== 'file') {
      excluded.push({ path: file.path, reason: file.kind });
      continue;
    }
    const reason = exclusions.reason(file.path);
    if (reason && !options.includeAll) {
      excluded.push({ path: file.path, reason });
      continue;
    }
    candidates.push(file);
  }
  return { candidates, excluded };
}

/** A path and each directory above it: `a/b/c.ts`, `a/b`, `a`. */
function ancestry(file: string): string[] {
  const out = [file];
  for (let i = file.lastIndexOf('/'); i > 0; i = file.lastIndexOf('/', i - 1)) out.push(file.slice(0, i));
  return out;
}

/** A path as the tree names it: absolute paths must lie inside the repository, relative ones are from its root. */
function repoRelative(root: string, p: string): string {
  const relative = path.isAbsolute(p) ? path.relative(root, p) : path.normalize(p);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative))
    throw new UsageError(`path '${p}' is outside the repository ${root}`, { code: 'BAD_PATH' });
  return relative.split(path.sep).join('/').replace(/\/+$/, '').replace(/^\.$/, '');
}

function sumCounts(files: readonly FileAttribution[], contributors: boolean): ReturnType<typeof emptyCounts> {
  const totals = emptyCounts(contributors);
  for (const f of files) addCounts(totals, f);
  return totals;
}

/** Which files were counted and how, as the report says it. */
function selectionOf(options: BlameOptions): NonNullable<BlameReport['selection']> {
  const { paths = [], include = [], exclude = [] } = options;
  return {
    paths: [...paths],
    include: [...include],
    exclude: [...exclude],
    includeAll: options.includeAll === true,
    contributors: options.contributors === true,
  };
}

/** Commit-level detections for the blamed commits that have no line ranges on record: one `git log` for all of them. */
export async function detectionsFor(
  git: HistoryReader,
  analyser: CommitAnalyser,
  blamed: Iterable<string>,
  options: { ranged?: boolean; onReport?: (report: CommitReport) => void } = {},
): Promise<Map<string, Detection[]>> {
  // Commits with line ranges on record are counted by their ranges; the gate's floor (and coverage) want their detections too.
  const shas = [...new Set(blamed)].filter((sha) => options.ranged === true || analyser.index.get(sha)?.ranged !== true).sort();
  const detections = new Map<string, Detection[]>();
  for await (const report of analyser.analyseAll(git, shas)) {
    options.onReport?.(report);
    const authored = report.detections.filter((d) => d.role === 'author');
    if (authored.length > 0) detections.set(report.sha, authored);
  }
  return detections;
}

function rollUp(files: FileAttribution[], depth: number): DirectoryAttribution[] {
  const dirs = new Map<string, { counts: ReturnType<typeof emptyCounts>; files: number }>();
  for (const f of files) {
    const segments = f.path.split('/').slice(0, -1);
    const dir = segments.length === 0 ? '.' : segments.slice(0, depth).join('/');
    const entry = dirs.get(dir) ?? { counts: emptyCounts(), files: 0 };
    addCounts(entry.counts, f);
    entry.files++;
    dirs.set(dir, entry);
  }
  return [...dirs.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([path, { counts, files: n }]) => ({ path, files: n, ...sortedCounts(counts), aiShare: share(counts) }));
}
