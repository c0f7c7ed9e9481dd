import type { Outcome } from '../policy/decision.js';
import type { ExitCode } from './globals.js';

/**
 * The one place an outcome becomes an exit code: 0 pass; 1 the change or the
 * evidence is refused (fail, or needs a person's review first); 2 could not
 * decide. Errors carry their own (errors.ts): 2 for input aiprov cannot use.
 */
export const EXIT_CODES: Readonly<Record<Outcome, ExitCode>> = { 'pass': 0, 'needs-review': 1, 'fail': 1, 'undecided': 2 };

export function exitCodeFor(outcome: Outcome): ExitCode {
  return EXIT_CODES[outcome];
}
