import type { CheckRecord } from '../gate/history.js';

import { compareStrings } from '../kernel/sorted.js';
import { fillPeriods, periodStart } from './periods.js';
import type { GateStats, GateWeek, OpenFinding } from './types.js';
import { type Severity } from '../policy/severity.js';

/** What people who run review gates track: nearly every change passes, and some, not too many, are sent to a person. */
export const GATE_TARGETS: GateStats['targets'] = { passRateAbove: 0.95, escalationRate: [0.05, 0.15] };

/** Secrets and failing dependencies are findings of the gate's own, not of a risk rule. */
const SECRET_FINDING = { rule: 'secret', severity: 'critical' as Severity };
const DEPENDENCY_FINDING = { rule: 'dependency', severity: 'high' as Severity };

/**
 * The gate's record, from the decisions `aiprov check` kept: a change is a
 * head commit (checked again after a review or against a moved base, it is
 * still one change), counted once, by its latest decision.
 */
export function gateStats(records: readonly CheckRecord[], tierOf: (rule: string) => Severity): GateStats {
  const byHead = new Map<string, CheckRecord[]>();
  for (const r of records) byHead.set(r.head, [...(byHead.get(r.head) ?? []), r]);
  const weeks = new Map<string, GateWeek>();
  const open = new Map<string, OpenFinding>();
  const hoursToPass: number[] = [];
  let [passed, needsReview, failed, escalated] = [0, 0, 0, 0];
  for (const runs of byHead.values()) {
    runs.sort((a, b) => compareStrings(a.checkedAt, b.checkedAt));
    const latest = runs[runs.length - 1];
    if (!latest) continue;
    const week = periodStart(new Date(latest.checkedAt), 'week');
    const row = weeks.get(week) ?? { start: week, pass: 0, needsReview: 0, fail: 0 };
    weeks.set(week, row);
    if (latest.decision === 'pass') {
      passed++;
      row.pass++;
    } else if (latest.decision === 'fail') {
      failed++;
      row.fail++;
    } else {
      needsReview++;
      row.needsReview++;
    }
    if (runs.some((r) => r.escalations > 0)) escalated++;
    const firstHeld = runs.find((r) => r.decision !== 'pass');
    const firstPass = firstHeld && runs.find((r) => r.decision === 'pass' && r.checkedAt > firstHeld.checkedAt);
    if (firstHeld && firstPass) hoursToPass.push((Date.parse(firstPass.checkedAt) - Date.parse(firstHeld.checkedAt)) / 3_600_000);
    if (latest.decision !== 'pass') addOpen(open, latest, tierOf);
  }
  const changes = byHead.size;
  return {
    runs: records.length,
    changes,
    passed,
    needsReview,
    failed,
    escalated,
    passRate: changes === 0 ? null : passed / changes,
    escalationRate: changes === 0 ? null : escalated / changes,
    targets: GATE_TARGETS,
    medianHoursToPass: median(hoursToPass),
    weeks: fillPeriods(weeks, 'week', (start) => ({ start, pass: 0, needsReview: 0, fail: 0 })),
    openFindings: [...open.values()].sort((a, b) => b.count - a.count || compareStrings(a.rule, b.rule)),
  };
}

function addOpen(open: Map<string, OpenFinding>, record: CheckRecord, tierOf: (rule: string) => Severity): void {
  const add = (rule: string, severity: Severity, count: number): void => {
    if (count <= 0) return;
    const entry = open.get(rule) ?? { rule, severity, count: 0 };
    entry.count += count;
    open.set(rule, entry);
  };
  // Records written before waitingByRule was kept say only how many waited, and which rules escalated.
  const waiting = record.waitingByRule ?? (record.waiting > 0 ? record.byRule : {});
  for (const [rule, count] of Object.entries(waiting)) add(rule, tierOf(rule), count);
  add(SECRET_FINDING.rule, SECRET_FINDING.severity, record.secrets);
  add(DEPENDENCY_FINDING.rule, DEPENDENCY_FINDING.severity, record.dependencies);
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
