import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli/exit.js';
import { decide, OUTCOMES, tally } from '../../src/policy/decision.js';
import { applySuppressions, type Finding } from '../../src/policy/findings.js';
import { atOrAbove } from '../../src/policy/severity.js';

type RuleId = 'auth-change' | 'crypto-change';
const finding = (id: RuleId, severity: Finding['severity']): Finding<RuleId> => ({ id, severity, message: `${id} (${severity})` });

describe('the policy layer, generic over who found what', () => {
  // A table: every combination of failing, undecided (accepted or not) and waiting, and the one outcome each gives.
  it.each([
    [{ failing: 0, undecided: 0 }, 'pass'],
    [{ failing: 1, undecided: 0 }, 'fail'],
    [{ failing: 0, undecided: 3 }, 'undecided'],
    [{ failing: 0, undecided: 3, allowUndecided: true }, 'pass'],
    // A failure is a failure, whatever else could not be checked or waits for review.
    [{ failing: 2, undecided: 3, allowUndecided: false }, 'fail'],
    [{ failing: 1, undecided: 0, waiting: 4 }, 'fail'],
    [{ failing: 0, undecided: 0, waiting: 1 }, 'needs-review'],
    // A review cannot settle what nobody could check; accepted unknowns leave the review waiting.
    [{ failing: 0, undecided: 1, waiting: 1 }, 'undecided'],
    [{ failing: 0, undecided: 1, waiting: 1, allowUndecided: true }, 'needs-review'],
    [{ failing: 0, undecided: 0, waiting: 0, allowUndecided: true }, 'pass'],
  ] as const)('decide(%o) is %s: never pass for what could not be checked unless told to', (input, outcome) => {
    expect(decide(input)).toBe(outcome);
  });

  it('each outcome has one exit code, mapped in the CLI alone', () => {
    expect(OUTCOMES.map((o) => [o, exitCodeFor(o)])).toEqual([
      ['pass', 0],
      ['needs-review', 1],
      ['fail', 1],
      ['undecided', 2],
    ]);
  });

  it('counts unsuppressed findings by severity and against the threshold', () => {
    const findings = [
      finding('auth-change', 'critical'),
      finding('crypto-change', 'high'),
      finding('auth-change', 'medium'),
      { ...finding('crypto-change', 'critical'), suppressed: { reason: 'reviewed' } },
    ];
    expect(tally(findings, 'high')).toEqual({ bySeverity: { critical: 1, high: 1, medium: 1, low: 0 }, suppressed: 1, failing: 2 });
    expect(tally(findings, 'critical').failing).toBe(1);
    expect(tally(findings, 'low').failing).toBe(3);
    expect(atOrAbove('medium', 'high')).toBe(false);
    expect(atOrAbove('critical', 'high')).toBe(true);
  });

  it('suppressions cover the ids they name until they expire, then count again and are reported', () => {
    const findings = [finding('auth-change', 'high'), finding('crypto-change', 'high')];
    const live = applySuppressions(findings, [{ reason: 'reviewed by sec', expires: '2026-12-31', ids: ['auth-change'] }], '2026-11-22', '`src/auth`');
    expect(live.map((f) => [f.id, f.suppressed?.reason])).toEqual([
      ['auth-change', 'reviewed by sec'],
      ['crypto-change', undefined],
    ]);
    const all = applySuppressions(findings, [{ reason: 'legacy' }], '2026-11-22', '`src/auth`');
    expect(all.every((f) => f.suppressed?.reason === 'legacy')).toBe(true);
    const expired = applySuppressions(findings, [{ reason: 'reviewed', expires: '2026-11-21' }], '2026-11-22', '`src/auth`');
    expect(expired.map((f) => [f.id, f.suppressed])).toEqual([
      ['auth-change', undefined],
      ['crypto-change', undefined],
      ['expired-suppression', undefined],
    ]);
    expect(expired[2]?.message).toBe('The suppression of `src/auth` (reviewed) expired on 2026-11-21: its findings count again.');
    // The day it expires it still applies; and the input is left as it was.
    expect(applySuppressions(findings, [{ reason: 'r', expires: '2026-11-22' }], '2026-11-22', 'x').every((f) => f.suppressed)).toBe(true);
    expect(findings.every((f) => f.suppressed === undefined)).toBe(true);
  });
});
