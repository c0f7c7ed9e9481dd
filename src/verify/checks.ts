/**
 * A verification is a list of named checks, each passed, failed, or skipped
 * because an earlier one failed (a skipped check is not a pass). The order is
 * the order they are made in; the first failure stops the signature and
 * statement checks, since nothing after it could be trusted.
 */
export type CheckName = 'bundle' | 'signature' | 'identity' | 'payloadType' | 'statement' | 'predicateType' | 'subject' | 'predicate' | 'freshness' | 'policy';

export const CHECK_ORDER: readonly CheckName[] = [
  'bundle',
  'signature',
  'identity',
  'payloadType',
  'statement',
  'predicateType',
  'subject',
  'predicate',
  'freshness',
  'policy',
];

export interface Check {
  name: CheckName;
  result: 'passed' | 'failed' | 'skipped';
  detail: string;
}

/** Records checks in order; `fail` marks every later check (up to `last`) as skipped. */
export class CheckList {
  readonly checks: Check[] = [];

  constructor(private readonly names: readonly CheckName[]) {}

  pass(name: CheckName, detail: string): void {
    this.checks.push({ name, result: 'passed', detail });
  }

  fail(name: CheckName, detail: string): void {
    this.checks.push({ name, result: 'failed', detail });
    for (const rest of this.names.slice(this.names.indexOf(name) + 1))
      this.checks.push({ name: rest, result: 'skipped', detail: `not checked: ${name} failed` });
  }

  get passed(): boolean {
    return this.checks.length > 0 && this.checks.every((c) => c.result === 'passed');
  }
}
