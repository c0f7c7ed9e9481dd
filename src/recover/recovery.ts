import type { CacheUse } from '../kernel/cache-store.js';
import type { AnalyserFactory, CommitAnalyser } from '../authorship/analyse.js';
import type { LineClaim } from '../authorship/line-records.js';
import type { RecordRecovery, RecoveredRecords } from '../authorship/recovery.js';
import type { Detection, ScanWarning } from '../authorship/types.js';
import { AIPROV_NOTES_REF } from '../authorship/notes.js';
import { GIT_AI_NOTES_REF } from '../authorship/git-ai.js';
import { Attributor } from '../blame/attribute.js';
import { carryLines } from '../blame/carry.js';
import { toRanges } from '../git/line-map.js';
import type { CommitRecord, HistoryReader, NotesReader, PatchReader, TreeReader } from '../git/types.js';
import { FETCH_PULL_REFS, SourceIndex, type RecordSource } from './sources.js';

export type RecoveryGit = HistoryReader & TreeReader & NotesReader & PatchReader;

/**
 * Recovery when reading (issue 25): a commit on the analysed history with no
 * record of its own gets the records of the commits it came from, recomputed
 * onto its own lines, with evidence saying where they came from:
 * - a squash merge: its pull request's commits, from the pull ref the forge
 *   keeps (`(#N)` in the subject, or GitLab's `See merge request …!N`), the
 *   range being where the pull request left the target's first parent up to
 *   the pull request's head; what survives is found as `record --squash-of`
 *   finds it (blame/carry.ts);
 * - a rebase or cherry-pick: a commit with records, the same author and
 *   author date, and the same patch (`git patch-id --stable`: exact), or a
 *   patch that changed in the rebase but keeps at least half of its added
 *   lines (inferred); its ranges mapped line by line onto the target, lines
 *   the target changed or does not have dropped with a warning.
 * Recovered claims are `inferred` unless the patch is the same; nothing is
 * fetched, and a pull request whose ref is not here is said once, with the
 * refspec that brings them.
 */
export class ForgeRecovery implements RecordRecovery {
  private readonly index = new SourceIndex();
  private prepared: Promise<void> | undefined;
  private missingSaid = false;
  private readonly commits = new Map<string, CommitRecord>();
  /** One reader of the source commits for the run: its notes snapshots and git-ai's cross-note index are built once. */
  private sources: CommitAnalyser | undefined;
  private readonly sourceWarnings: ScanWarning[] = [];
  /** Where what `prepare` reads of the commits with records is kept between runs, when the command keeps a cache. */
  private cache: CacheUse | undefined;

  constructor(
    private readonly git: RecoveryGit,
    /** Reads the source commits' own records (an analyser that does not recover, or it would recurse). */
    private readonly analyser: AnalyserFactory,
    /** The refs sources must come from (`--recover-from`); every pull ref and commit with records the clone holds when unset. */
    private readonly from?: readonly string[],
  ) {}

  prepare(): Promise<void> {
    this.prepared ??= this.index.read(this.git, [AIPROV_NOTES_REF, GIT_AI_NOTES_REF], this.from, this.cache);
    return this.prepared;
  }

  /** Where what it reads of the commits with records is kept between runs (recover/author-keys.ts). */
  keepIndexIn(cache: CacheUse): void {
    this.cache = cache;
  }

  candidate(commit: CommitRecord): boolean {
    if (this.index.hasRecords(commit.sha)) return false;
    const yes = this.index.mayRecover(commit);
    if (yes) this.commits.set(commit.sha, commit);
    return yes;
  }

  async recover(shas: readonly string[], warnings: ScanWarning[], options: { lines?: boolean } = {}): Promise<Map<string, RecoveredRecords>> {
    const lines = options.lines !== false;
    await this.prepare();
    const out = new Map<string, RecoveredRecords>();
    if (this.index.empty) return out;
    const unknown = shas.filter((sha) => !this.commits.has(sha));
    for await (const c of this.git.logCommits(unknown)) this.commits.set(c.sha, c);
    let missing: { sha: string; number: number } | undefined;
    // What every rewrite match needs is read once for the batch: the patch ids of both sides, the sources' notes.
    const rewrites = shas.flatMap((sha) => {
      const commit = this.commits.get(sha);
      return commit ? this.index.sources(commit).flatMap((s) => (s.kind === 'rewrite' ? [sha, s.sha] : [])) : [];
    });
    const ids = rewrites.length > 0 ? await this.git.patchIds([...new Set(rewrites)]) : new Map<string, string>();
    if (rewrites.length > 0) await this.sourceAnalyser().load(new Set(rewrites.filter((sha) => this.index.hasRecords(sha))));
    // Pairs whose patches differ are compared by their added lines, read for all of them at once; pairs with the same
    // patch map line for line through it (the i-th line one adds to a file is the i-th the other adds).
    const differing: string[] = [];
    const same: string[] = [];
    for (let i = 0; i < rewrites.length; i += 2) {
      const [target = '', source = ''] = [rewrites[i], rewrites[i + 1]];
      (ids.get(target) === undefined || ids.get(target) !== ids.get(source) ? differing : same).push(target, source);
    }
    const added = differing.length > 0 ? await this.git.addedLines([...new Set(differing)]) : new Map<string, string[]>();
    const numbers = same.length > 0 ? await this.git.addedLineNumbers([...new Set(same)]) : new Map<string, Map<string, number[]>>();
    for (const sha of shas) {
      const commit = this.commits.get(sha);
      if (!commit) continue;
      const number = this.index.missingPull(commit);
      if (number !== undefined) missing ??= { sha, number };
      for (const source of this.index.sources(commit)) {
        const found =
          source.kind === 'squash'
            ? await this.fromSquash(commit, source, warnings, lines)
            : await this.fromRewrite(commit, source.sha, { ids, added, numbers }, warnings, lines);
        if (found) {
          out.set(sha, found);
          break;
        }
      }
      this.commits.delete(sha);
    }
    // What reading the source commits' notes found wrong, said with this read's warnings.
    warnings.push(...this.sourceWarnings.splice(0));
    // Said once a run, from the first commit that needed it: the fix is the same for every one.
    if (missing !== undefined && !this.missingSaid) {
      this.missingSaid = true;
      warnings.push({
        code: 'RECORDS_NOT_RECOVERED',
        commit: missing.sha,
        message: `commits name pull requests whose commits are not in this clone (the first: ${missing.sha.slice(0, 12)}, #${missing.number}), so their records cannot be recovered: ${FETCH_PULL_REFS}`,
      });
    }
    return out;
  }

  /** The pull request's commits (merge-base of the target's first parent and the pull ref, up to it), carried onto the squash. */
  private async fromSquash(
    commit: CommitRecord,
    source: Extract<RecordSource, { kind: 'squash' }>,
    warnings: ScanWarning[],
    lines: boolean,
  ): Promise<RecoveredRecords | undefined> {
    const parent = commit.parents[0];
    if (parent === undefined) return undefined;
    const base = await this.git.mergeBase(parent, source.head);
    if (base === undefined) return undefined;
    const squashed = await this.git.listCommits(`${base}..${source.head}`);
    if (squashed.length === 0) return undefined;
    const analyser = this.sourceAnalyser();
    const detections = new Map<string, Detection[]>();
    const found: Detection[] = [];
    for await (const report of analyser.analyseAll(this.git, squashed)) {
      const own = report.detections.filter((d) => d.role === 'author');
      detections.set(report.sha, own);
      found.push(...own);
    }
    if (found.length === 0 && squashed.every((sha) => analyser.index.get(sha) === undefined)) {
      warnings.push({
        code: 'RECORDS_NOT_RECOVERED',
        commit: commit.sha,
        message: `the commits of #${source.number} (${source.ref}) carry no records here (a pull request from a fork: its notes never reach this repository), so ${commit.sha.slice(0, 12)} has none to recover`,
      });
      return undefined;
    }
    const via = `recovered from ${source.head.slice(0, 12)} via squash of #${source.number} (${source.ref})`;
    if (!lines) return { files: new Map(), whole: [], detections: recovered(found, via) };
    // Only what the pull request's records (or its commits' own signatures) say, carried: the squash's own message is read as usual.
    const attributor = new Attributor(analyser.index, detections);
    const files = new Map<string, LineClaim[]>();
    let dropped = 0;
    const unreadable: string[] = [];
    const carried = await carryLines(this.git, attributor, { base, head: source.head, commits: new Set(squashed) }, commit.sha, unreadable);
    if (unreadable.length > 0)
      warnings.push({
        code: 'RECORDS_NOT_RECOVERED',
        commit: commit.sha,
        message: `${unreadable.length} file${unreadable.length === 1 ? '' : 's'} of #${source.number} cannot be read in this clone (missing blobs: ${unreadable.slice(0, 3).join(', ')}${unreadable.length > 3 ? ', …' : ''}): their lines are not recovered`,
      });
    for (const one of carried) {
      dropped += one.dropped;
      if (one.lines.length === 0) continue;
      const claim: LineClaim = {
        agent: one.part.agent,
        ...(one.part.name !== undefined ? { name: one.part.name } : {}),
        ...(one.part.model !== 'unknown' ? { model: one.part.model } : {}),
        ranges: toRanges(one.lines),
        source: via,
        ...(one.part.record ? { record: one.part.record } : {}),
      };
      files.set(one.path, [...(files.get(one.path) ?? []), claim]);
    }
    if (dropped > 0) warnings.push(droppedWarning(commit.sha, dropped, via));
    if (files.size === 0) return undefined;
    return { files, whole: [], detections: recovered(found, via) };
  }

  /** A rebased or cherry-picked copy of a commit with records: its ranges mapped onto the copy. */
  private async fromRewrite(
    commit: CommitRecord,
    source: string,
    patches: { ids: ReadonlyMap<string, string>; added: ReadonlyMap<string, string[]>; numbers: ReadonlyMap<string, Map<string, number[]>> },
    warnings: ScanWarning[],
    lines: boolean,
  ): Promise<RecoveredRecords | undefined> {
    const { ids, added, numbers } = patches;
    const exact = ids.get(commit.sha) !== undefined && ids.get(commit.sha) === ids.get(source);
    if (!exact && !similar(added.get(source) ?? [], added.get(commit.sha) ?? [])) return undefined;
    const analyser = this.sourceAnalyser();
    await analyser.load([source]);
    const claims = analyser.index.get(source);
    const detections = analyser.notes.notes(source).detections;
    if (!claims && detections.length === 0) return undefined;
    const via = `recovered from ${source.slice(0, 12)} via ${exact ? 'the same patch (git patch-id)' : 'a rebase that changed the patch (inferred)'}`;
    if (!lines) return { files: new Map(), whole: [], detections: recovered(detections, via, exact) };
    const files = new Map<string, LineClaim[]>();
    let dropped = 0;
    // The same patch: each line the source added is the copy's line at the same place in its added lines.
    const through = exact ? patchMaps(numbers.get(source), numbers.get(commit.sha)) : new Map<string, LineMapping>();
    // Other paths (a changed patch, a name git quotes) through a diff; a path the copy does not have diffs as deleted, all dropped.
    const maps = new Map<string, LineMapping>(through);
    const rest = [...(claims?.files.keys() ?? [])].filter((p) => !through.has(p));
    for (const [p, m] of rest.length > 0 ? await this.git.lineMaps(source, commit.sha, rest) : []) maps.set(p, m);
    for (const [path, list] of claims?.files ?? []) {
      for (const claim of list) {
        if (claim.ranges === 'all') {
          files.set(path, [...(files.get(path) ?? []), { ...claim, source: via }]);
          continue;
        }
        const map: LineMapping = maps.get(path) ?? (await this.git.lineMap(source, path, commit.sha, path));
        const lines: number[] = [];
        for (const [a, b] of claim.ranges)
          for (let l = a; l <= b; l++) {
            const mapped = map.map(l);
            if (mapped !== undefined) lines.push(mapped);
            else if (map.added === undefined || map.added.has(l)) dropped++;
          }
        if (lines.length > 0) files.set(path, [...(files.get(path) ?? []), { ...claim, ranges: toRanges(lines), source: via }]);
      }
    }
    if (dropped > 0) warnings.push(droppedWarning(commit.sha, dropped, via));
    const whole = (claims?.whole ?? []).map((claim) => ({ ...claim, source: via }));
    return { files, whole, detections: recovered(detections, via, exact) };
  }

  private sourceAnalyser(): CommitAnalyser {
    this.sources ??= this.analyser.open(this.sourceWarnings);
    return this.sources;
  }
}

/** The share of a source's added lines a changed copy must keep to be taken as a rebase of it (inferred). */
export const SIMILARITY = 0.5;

/** What recovery needs of a line map: where a line of the source is in the copy, if anywhere. */
interface LineMapping {
  map(line: number): number | undefined;
  /** Through a patch: the lines the source added (others were never its to credit, and are not counted as dropped). */
  added?: ReadonlySet<number>;
}

/** Line maps through two identical patches: the source's i-th added line of a file is the copy's i-th; other lines map to nothing. */
function patchMaps(source: Map<string, number[]> | undefined, copy: Map<string, number[]> | undefined): Map<string, LineMapping> {
  const out = new Map<string, LineMapping>();
  for (const [path, lines] of source ?? []) {
    const theirs = copy?.get(path);
    if (!theirs || theirs.length !== lines.length) continue;
    const at = new Map(lines.map((line, i) => [line, theirs[i] ?? 0]));
    out.set(path, { map: (line) => at.get(line), added: new Set(lines) });
  }
  return out;
}

/** A rebase that had to change the patch: at least SIMILARITY of the source's added lines are added by the copy too. */
function similar(source: readonly string[], copy: readonly string[]): boolean {
  if (source.length === 0) return false;
  const pool = new Map<string, number>();
  for (const line of copy) pool.set(line, (pool.get(line) ?? 0) + 1);
  let kept = 0;
  for (const line of source) {
    const n = pool.get(line) ?? 0;
    if (n > 0) {
      kept++;
      pool.set(line, n - 1);
    }
  }
  return kept / source.length >= SIMILARITY;
}

function recovered(detections: readonly Detection[], via: string, exact = false): Detection[] {
  return detections.map((d) => ({
    ...d,
    confidence: exact ? d.confidence : 'inferred',
    evidence: d.evidence.map((e) => ({ ...e, source: `${e.source}, ${via}` })),
  }));
}

function droppedWarning(sha: string, dropped: number, via: string): ScanWarning {
  return {
    code: 'RECORDS_NOT_RECOVERED',
    commit: sha,
    message: `${dropped} line${dropped === 1 ? '' : 's'} the records name ${dropped === 1 ? 'is' : 'are'} not in ${sha.slice(0, 12)} as written (changed or removed since): not credited (${via})`,
  };
}
