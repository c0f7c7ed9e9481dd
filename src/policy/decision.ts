import { counts, type Finding } from './findings.js';
import { atOrAbove, SEVERITIES, type Severity } from './severity.js';

/** The three answers a gate can give, and the exit codes that carry them. */
export type Outcome = 'pass' | 'fail' | 'undecided';
export const EXIT_CODES: Record<Outcome, 0 | 1 | 2> = { pass: 0, fail: 1, undecided: 2 };

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
  /** The user accepts what could not be checked (`--allow-unknown`). */
  allowUndecided?: boolean;
}

export interface Decision {
  outcome: Outcome;
  exitCode: 0 | 1 | 2;
}

/**
 * The one decision every gate makes: fail when a finding reaches the
 * threshold; otherwise "could not decide" when anything went unchecked,
 * unless the user accepted that; otherwise pass. "Could not check" is never
 * "pass" by default.
 */
export function decide(input: DecisionInput): Decision {
  const outcome: Outcome = input.failing > 0 ? 'fail' : input.undecided > 0 && input.allowUndecided !== true ? 'undecided' : 'pass';
  return { outcome, exitCode: EXIT_CODES[outcome] };
}
