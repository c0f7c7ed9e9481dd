import { counts, type Finding } from './findings.js';
import { atOrAbove, SEVERITIES, type Severity } from './severity.js';

/**
 * The four answers every gate gives (the dependency audit, the review gate,
 * verify): pass; needs-review (nothing failed, but a person must look first);
 * fail; undecided (something could not be checked, and nothing failed). The
 * CLI maps them to exit codes in one place (cli/exit.ts).
 */
export type Outcome = 'pass' | 'needs-review' | 'fail' | 'undecided';
export const OUTCOMES: readonly Outcome[] = ['pass', 'needs-review', 'fail', 'undecided'];

export interface Tally {
  /** Unsuppressed findings by severity. */
  bySeverity: Record<Severity, number>;
  suppressed: number;
  /** Unsuppressed findings at or above the threshold. */
  failing: number;
}

export function tally(findings: Iterable<Finding>, failOn: Severity): Tally {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let suppressed = 0;
  let failing = 0;
  for (const f of findings) {
    if (!counts(f)) {
      suppressed++;
      continue;
    }
    bySeverity[f.severity]++;
    if (atOrAbove(f.severity, failOn)) failing++;
  }
  return { bySeverity, suppressed, failing };
}

export interface DecisionInput {
  /** Unsuppressed findings at or above the threshold. */
  failing: number;
  /** Things that could not be checked (a registry that did not answer, a signature with no trust root). */
  undecided: number;
  /** Things that wait for a person's review (an escalated AI-written hunk no valid review covers). */
  waiting?: number;
  /** The user accepts what could not be checked (`--allow-unknown`). */
  allowUndecided?: boolean;
}

/**
 * The one decision every gate makes: fail when a finding reaches the
 * threshold; otherwise "could not decide" when anything went unchecked,
 * unless the user accepted that; otherwise needs-review when something waits
 * for a person; otherwise pass. "Could not check" is never "pass" by default,
 * and a review cannot settle what nobody could check.
 */
export function decide(input: DecisionInput): Outcome {
  if (input.failing > 0) return 'fail';
  if (input.undecided > 0 && input.allowUndecided !== true) return 'undecided';
  if ((input.waiting ?? 0) > 0) return 'needs-review';
  return 'pass';
}
