import { setTimeout as wait } from 'node:timers/promises';

/**
 * Time, as a role: library code asks a Clock what time it is and to wait, so
 * tests and reproducible builds can fix the one and skip the other (a retry's
 * backoff, a registry's Retry-After).
 */
export interface Clock {
  now(): Date;
  /** Waits this long; a clock for tests records the wait and returns at once. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date(), sleep: (ms) => wait(ms) };

/** A clock stopped at `iso` whose waits take no time; `waits` lists each one asked for, in order. */
export function fixedClock(iso: string): Clock & { waits: number[] } {
  const date = new Date(iso);
  const waits: number[] = [];
  return {
    now: () => new Date(date),
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    waits,
  };
}
