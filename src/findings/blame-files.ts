import type { BlameCache } from '../blame/groups-cache.js';
import { blameTree, type BlameContext } from '../blame/blame.js';
import type { FileAttribution } from '../blame/types.js';
import type { ScanWarning } from '../authorship/types.js';
import type { DetectionLevel } from '../git/blame.js';
import { LineIndex } from './line-index.js';

/** How the files are blamed: the choices `aiprov findings` passes on to blame. */
export interface BlameChoices {
  /** Globs narrowing the files a run that lists no artifacts is taken to cover (the densities' denominators). */
  include?: string[];
  exclude?: string[];
  detection?: DetectionLevel;
  /** `git blame`'s answers kept between runs (blame/groups-cache.ts); none: every file blamed afresh. */
  cache?: BlameCache;
  jobs?: number;
  allowShallow?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface BlameScope extends BlameChoices {
  context: BlameContext;
  rev: string;
  /** The files to blame; undefined for the whole tree (a run that lists no artifacts covers the tree). */
  files: ReadonlySet<string> | undefined;
  /** Files results fall in: blamed even when the scope's globs or the default exclusions leave them out. */
  needed: ReadonlySet<string>;
}

export interface BlamedFiles {
  index: LineIndex;
  /** Each blamed file's lines by who wrote them (blame's counts, with contributors). */
  files: Map<string, FileAttribution>;
  /** Files of the tree scope (or the listed files) in the order blame counted them: the tree's coverage. */
  scoped: string[];
  binary: Set<string>;
  warnings: ScanWarning[];
}

/**
 * One blame for the scope, the same blame as `aiprov blame` (so the denominators are its counts), and a second for
 * files results fall in that the scope left out (generated or vendored, or outside the globs): a finding there is
 * still attributed, never dropped. Binary files have no lines: their results are counted apart.
 */
export async function blameFiles(scope: BlameScope): Promise<BlamedFiles> {
  const index = new LineIndex();
  const files = new Map<string, FileAttribution>();
  const binary = new Set<string>();
  const warnings: ScanWarning[] = [];
  const common = {
    context: scope.context,
    rev: scope.rev,
    contributors: true,
    ...(scope.detection ? { detection: scope.detection } : {}),
    ...(scope.jobs !== undefined ? { jobs: scope.jobs } : {}),
    ...(scope.allowShallow ? { allowShallow: true } : {}),
    ...(scope.onProgress ? { onProgress: scope.onProgress } : {}),
    ...(scope.cache ? { cache: scope.cache } : {}),
    onGroup: index.add.bind(index),
  };
  const scoped: string[] = [];
  if (scope.files === undefined || scope.files.size > 0) {
    const first = await blameTree({
      ...common,
      // The globs narrow the tree a run without artifacts covers; a run's own list of artifacts is what it scanned.
      ...(scope.files ? { paths: [...scope.files] } : {}),
      ...(!scope.files && scope.include ? { include: scope.include } : {}),
      ...(!scope.files && scope.exclude ? { exclude: scope.exclude } : {}),
    });
    for (const f of first.files) files.set(f.path, f);
    for (const e of first.excluded) if (e.reason === 'binary') binary.add(e.path);
    scoped.push(...first.files.map((f) => f.path));
    warnings.push(...first.warnings);
  }
  const missing = [...scope.needed].filter((p) => !files.has(p) && !binary.has(p));
  if (missing.length > 0) {
    const second = await blameTree({ ...common, paths: missing, includeAll: true });
    for (const f of second.files) files.set(f.path, f);
    for (const w of second.warnings) if (!warnings.some((x) => x.message === w.message)) warnings.push(w);
  }
  return { index, files, scoped, binary, warnings };
}
