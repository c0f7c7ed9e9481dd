import type { HistoryReader, TreeReader } from '../git/types.js';
import { compareStrings } from '../kernel/sorted.js';
import type { AttributedFinding, Remediation, RemediationReport, TrackedFinding } from './types.js';

/** One revision's attributed findings, with when it was committed. */
export interface Snapshot {
  rev: string;
  committedAt: string;
  findings: readonly AttributedFinding[];
}

interface Open {
  tracked: TrackedFinding;
  /** Where it is at the current revision. */
  path: string;
  line: number;
  fingerprint: string | null;
}

const DAY = 86_400_000;

/**
 * Time from a finding's appearance to its fix, over logs of successive revisions: a finding is the same one at the
 * next revision when its fingerprint is (where the scanner gives them), else when the same rule flags the line its
 * line became across the change; one no longer found is fixed at that revision. Who wrote it is said at the revision
 * it appeared. Findings there at the first revision are counted apart: their appearance is before the series.
 */
export async function trackRemediation(git: TreeReader & HistoryReader, series: readonly Snapshot[]): Promise<RemediationReport> {
  const ordered = [...series].sort((a, b) => Date.parse(a.committedAt) - Date.parse(b.committedAt));
  const tracked: TrackedFinding[] = [];
  let open: Open[] = [];
  for (const [i, snapshot] of ordered.entries()) {
    const previous = ordered[i - 1];
    const found = [...snapshot.findings];
    const next: Open[] = [];
    if (previous) {
      const moved = await movedLines(git, previous.rev, snapshot.rev, open);
      for (const o of open) {
        const to = moved(o);
        const at = found.findIndex((f) => same(o, f, to));
        if (at === -1) {
          o.tracked.fixed = snapshot.rev;
          o.tracked.days = o.tracked.appeared === null ? null : days(ordered, o.tracked.appeared, snapshot.committedAt);
          continue;
        }
        const [f] = found.splice(at, 1) as [AttributedFinding];
        next.push({ ...o, path: f.path, line: f.startLine, fingerprint: f.fingerprint });
      }
    }
    for (const f of found) {
      const t: TrackedFinding = {
        tool: f.tool,
        ruleId: f.ruleId,
        path: f.path,
        startLine: f.startLine,
        countedAs: f.countedAs,
        agent: f.agent,
        appeared: previous ? snapshot.rev : null,
        fixed: null,
        days: null,
      };
      tracked.push(t);
      next.push({ tracked: t, path: f.path, line: f.startLine, fingerprint: f.fingerprint });
    }
    open = next;
  }
  return summarise(ordered, tracked);
}

/** The same tool and rule, and where both carry a fingerprint it decides; else the place the old one's line went. */
function same(o: Open, f: AttributedFinding, to: { path: string; line: number } | undefined): boolean {
  // A fingerprint may be of the line's text alone (flawfinder's): two rules on one line share it, so the rule must match too.
  if (o.tracked.tool !== f.tool || o.tracked.ruleId !== f.ruleId) return false;
  if (o.fingerprint !== null && f.fingerprint !== null) return o.fingerprint === f.fingerprint;
  return to?.path === f.path && to.line === f.startLine;
}

/** Where each open finding's line went between two revisions: through the diff, and through renames (git's `-M`). */
async function movedLines(git: TreeReader, from: string, to: string, open: readonly Open[]): Promise<(o: Open) => { path: string; line: number } | undefined> {
  const renames = await git.renamesBetween(from, to);
  const paths = [...new Set(open.map((o) => o.path))];
  const maps = await git.lineMaps(
    from,
    to,
    paths.filter((p) => !renames.has(p)),
  );
  for (const p of paths) {
    const target = renames.get(p);
    if (target !== undefined) maps.set(p, await git.lineMap(from, p, to, target));
  }
  return (o) => {
    const line = maps.get(o.path)?.map(o.line);
    return line === undefined ? undefined : { path: renames.get(o.path) ?? o.path, line };
  };
}

function days(ordered: readonly Snapshot[], appeared: string, fixedAt: string): number {
  const from = ordered.find((s) => s.rev === appeared)?.committedAt ?? fixedAt;
  return Math.round(((Date.parse(fixedAt) - Date.parse(from)) / DAY) * 100) / 100;
}

function summarise(ordered: readonly Snapshot[], tracked: TrackedFinding[]): RemediationReport {
  const known = tracked.filter((t) => t.appeared !== null);
  const agents = [...new Set(known.flatMap((t) => (t.agent === null ? [] : [t.agent])))].sort(compareStrings);
  return {
    revisions: ordered.map((s) => ({ rev: s.rev, committedAt: s.committedAt, findings: s.findings.length })),
    byClass: { ai: remediation(known.filter((t) => t.countedAs === 'ai')), noAgent: remediation(known.filter((t) => t.countedAs === 'no-agent')) },
    byAgent: agents.map((key) => ({ key, ...remediation(known.filter((t) => t.agent === key)) })),
    alreadyPresent: tracked.length - known.length,
    tracked,
  };
}

function remediation(list: readonly TrackedFinding[]): Remediation {
  const fixed = list.flatMap((t) => (t.days === null ? [] : [t.days])).sort((a, b) => a - b);
  const mid = fixed.length >> 1;
  return {
    appeared: list.length,
    fixed: fixed.length,
    open: list.filter((t) => t.fixed === null).length,
    medianDays: fixed.length === 0 ? null : fixed.length % 2 === 1 ? (fixed[mid] ?? 0) : ((fixed[mid - 1] ?? 0) + (fixed[mid] ?? 0)) / 2,
    meanDays: fixed.length === 0 ? null : Math.round((fixed.reduce((a, b) => a + b, 0) / fixed.length) * 100) / 100,
  };
}
