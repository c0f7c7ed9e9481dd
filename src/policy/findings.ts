import type { Severity } from './severity.js';

/**
 * One thing a check found, generic over the producer's ids: dependency
 * signals today; verification results and risk rules next. Each producer
 * makes findings; `decide` (decision.ts) turns them into one outcome.
 */
export interface Finding<Id extends string = string> {
  id: Id;
  severity: Severity;
  message: string;
  /** What was probably meant (the real package behind a typosquat). */
  suggestion?: string;
  /** The data the finding rests on. */
  evidence?: string;
  /** Set when a live suppression covers the finding; suppressed findings do not count. */
  suppressed?: { reason: string; expires?: string };
}

/** The finding a suppression past its date becomes: its findings count again, and the user is told. */
export const EXPIRED_SUPPRESSION = 'expired-suppression';

/** A suppression that already matched its subject (a package, a path, a key): which findings it covers, why, until when. */
export interface Suppression<Id extends string = string> {
  reason: string;
  /** YYYY-MM-DD; from the day after, it no longer applies and is reported. */
  expires?: string;
  /** The finding ids it covers; all when absent. */
  ids?: readonly Id[];
}

/**
 * Marks the findings a live suppression covers; each expired one is itself
 * reported as a finding (`subject` names what it suppressed). `today` is
 * YYYY-MM-DD, from the caller's clock.
 */
export function applySuppressions<Id extends string>(
  findings: readonly Finding<Id>[],
  suppressions: readonly Suppression<Id>[],
  today: string,
  subject: string,
): Finding<Id | typeof EXPIRED_SUPPRESSION>[] {
  const out: Finding<Id | typeof EXPIRED_SUPPRESSION>[] = findings.map((f) => ({ ...f }));
  for (const s of suppressions) {
    if (s.expires !== undefined && s.expires < today) {
      out.push({
        id: EXPIRED_SUPPRESSION,
        severity: 'medium',
        message: `The suppression of ${subject} (${s.reason}) expired on ${s.expires}: its findings count again.`,
        evidence: s.expires,
      });
      continue;
    }
    for (const f of out) {
      if (f.id !== EXPIRED_SUPPRESSION && (s.ids === undefined || (s.ids as readonly string[]).includes(f.id)))
        f.suppressed = { reason: s.reason, ...(s.expires ? { expires: s.expires } : {}) };
    }
  }
  return out;
}

/** Whether a finding counts (is not suppressed). */
export function counts(finding: Finding): boolean {
  return finding.suppressed === undefined;
}
