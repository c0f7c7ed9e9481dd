import type { Result } from 'sarif';
import type { HistoryReader, TreeReader } from '../git/types.js';
import type { Severity } from '../policy/severity.js';
import { locateAll, type RunInput } from './findings.js';
import { revisionOf } from './revision.js';
import { levelOf, severityOf, type SarifInput } from './sarif.js';
import type { Level, ResultRef } from './types.js';

/** A failure the scanner reports at the change's head, placed, and whether the base had it already. */
export interface HeadFinding extends ResultRef {
  path: string;
  startLine: number;
  endLine: number;
  level: Level;
  /** On the policy's scale (sarif.ts's severityOf); null for level `none`. */
  severity: Severity | null;
  /** Suppressed in the log (in source or by the scanner's configuration): the gate decides whether to believe it. */
  suppressed: boolean;
  /** Found at the base too: by fingerprint where both have them, else by rule and location across the change. */
  inBase: boolean;
}

export interface ScannedChange {
  findings: HeadFinding[];
  /** Whether logs of the base were given; without them every finding is taken as new wherever the change added its lines. */
  baseGiven: boolean;
  /** Runs whose scanner says it did not complete, or that report no results array: a finding may be missing. */
  incomplete: string[];
}

export interface ScannedChangeOptions {
  git: HistoryReader & TreeReader;
  base: string;
  head: string;
  headLogs: readonly SarifInput[];
  baseLogs?: readonly SarifInput[];
  sourceRoot: string;
}

/**
 * The scanner's findings at the change's head, each marked as present at the base or not. Logs must be of the
 * revisions they are given for (their versionControlProvenance, when they name one): the head's log of the head, the
 * base's of the base; a log of another revision is an error naming both.
 */
export async function scanChange(options: ScannedChangeOptions): Promise<ScannedChange> {
  const { git, base, head } = options;
  await revisionOf(git, options.headLogs, head, `the change's head`);
  const headRuns = locateAll(options.headLogs, options.sourceRoot, await treeOf(git, head));
  const findings = headRuns.flatMap(placed);
  const incomplete = headRuns.filter(notComplete).map(describe);
  if (options.baseLogs) {
    await revisionOf(git, options.baseLogs, base, `the change's base`);
    const baseRuns = locateAll(options.baseLogs, options.sourceRoot, await treeOf(git, base));
    incomplete.push(...baseRuns.filter(notComplete).map((r) => `${describe(r)} (the base's)`));
    const before = baseRuns.flatMap(placed);
    const maps = await git.lineMaps(base, head, [...new Set(before.map((f) => f.path))]);
    // Each of the base's findings accounts for one of the head's at most, in the same file: a copy of a flagged line
    // elsewhere, or a second one beside it, is new even when the scanner gives it the same fingerprint.
    const byFingerprint = new Bag();
    const byPlace = new Bag();
    for (const f of before) {
      // A fingerprint may be of the line's text alone (flawfinder's), shared by two rules on one line: the rule is part of the key.
      for (const p of f.prints) byFingerprint.add(`${f.tool}\u0000${f.ruleId}\u0000${f.path}\u0000${p}`);
      const line = maps.get(f.path)?.map(f.startLine);
      if (line !== undefined) byPlace.add(`${f.tool}\u0000${f.ruleId}\u0000${f.path}\u0000${line}`);
    }
    const printed = new Set(before.filter((f) => f.prints.length > 0).map((f) => f.tool));
    for (const f of findings) {
      // Where both ends carry fingerprints, they decide (as code scanning matches alerts); else the rule at the mapped line.
      f.inBase =
        f.prints.length > 0 && printed.has(f.tool)
          ? f.prints.some((p) => byFingerprint.take(`${f.tool}\u0000${f.ruleId}\u0000${f.path}\u0000${p}`))
          : byPlace.take(`${f.tool}\u0000${f.ruleId}\u0000${f.path}\u0000${f.startLine}`);
    }
  }
  return { findings: findings.map(withoutPrints), baseGiven: options.baseLogs !== undefined, incomplete };
}

type Placed = HeadFinding & { prints: string[] };

/** Keys counted, each taken once per time it was added. */
class Bag {
  private readonly counts = new Map<string, number>();

  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  take(key: string): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n === 0) return false;
    this.counts.set(key, n - 1);
    return true;
  }
}

function withoutPrints(f: Placed): HeadFinding {
  const out: Partial<Placed> = { ...f };
  delete out.prints;
  return out as HeadFinding;
}

/** A run's failures that have a place in the tree (what has none cannot be on a line the change added). */
function placed(run: RunInput): Placed[] {
  const out: Placed[] = [];
  for (const item of run.items) {
    const { result } = item;
    if ('apart' in item.located || (result.kind !== undefined && result.kind !== 'fail') || result.baselineState === 'absent') continue;
    const { place } = item.located;
    out.push({
      ...item.ref,
      ...place,
      level: levelOf(result, item.run),
      severity: severityOf(result, item.run) ?? null,
      suppressed: (result.suppressions ?? []).some((s) => s.status === undefined || s.status === 'accepted'),
      inBase: false,
      prints: printsOf(result),
    });
  }
  return out;
}

function printsOf(result: Result): string[] {
  return [...Object.entries(result.partialFingerprints ?? {}), ...Object.entries(result.fingerprints ?? {})].map(([k, v]) => `${k}=${v}`);
}

function notComplete(run: RunInput): boolean {
  const log = run.input.log.runs[run.runIndex];
  return (log?.invocations ?? []).some((i) => !i.executionSuccessful) || !Array.isArray(log?.results);
}

function describe(run: RunInput): string {
  return `${run.input.name} run ${run.runIndex} (${run.input.log.runs[run.runIndex]?.tool.driver.name ?? ''})`;
}

async function treeOf(git: TreeReader, rev: string): Promise<Set<string>> {
  return new Set((await git.listTree(rev)).filter((e) => e.kind === 'file').map((e) => e.path));
}
