import type { Lookup, PackageRegistry } from './types.js';

/** Look-ups in a row with no answer at all after which the registry is taken as down for the rest of the run. */
const UNREACHABLE_IN_A_ROW = 3;

/**
 * Stops asking a registry that does not answer. With PyPI unreachable, each
 * of 224 names used to wait out its own time-outs and retries (97 s) and print
 * its own ENOTFOUND; after three look-ups in a row with no answer, the rest are
 * unknown at once with the same reason, and the audit says it in one line
 * (`unreachable()`). Unknown is never a pass: the audit still cannot decide.
 */
export class RegistryBreaker implements PackageRegistry {
  readonly ecosystem: PackageRegistry['ecosystem'];
  readonly origin: string;
  private inARow = 0;
  private down: string | undefined;
  private readonly names = new Set<string>();
  private firstReason: string | undefined;

  constructor(private readonly inner: PackageRegistry) {
    this.ecosystem = inner.ecosystem;
    this.origin = inner.origin;
  }

  async lookup(name: string): Promise<Lookup> {
    if (this.down !== undefined) {
      this.names.add(name);
      return { status: 'error', error: `${this.origin} unreachable (${this.down}): not asked`, unreachable: true };
    }
    const lookup = await this.inner.lookup(name);
    if (lookup.status === 'error' && lookup.unreachable === true) {
      this.names.add(name);
      this.firstReason ??= lookup.error;
      if (++this.inARow >= UNREACHABLE_IN_A_ROW) this.down ??= lookup.error;
    } else if (lookup.status !== 'error') this.inARow = 0;
    return lookup;
  }

  /** How many names went unchecked for want of an answer, and why; undefined when every look-up got one. */
  unreachable(): { names: number; reason: string; down: boolean } | undefined {
    if (this.names.size === 0) return undefined;
    return { names: this.names.size, reason: this.down ?? this.firstReason ?? 'no answer', down: this.down !== undefined };
  }
}
