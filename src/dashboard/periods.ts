import type { Granularity } from './types.js';

const DAY = 86_400_000;

/** The first day (UTC) of the week (Monday) or month that `time` falls in, as `YYYY-MM-DD`. */
export function periodStart(time: Date, granularity: Granularity): string {
  if (granularity === 'month') return `${time.getUTCFullYear()}-${String(time.getUTCMonth() + 1).padStart(2, '0')}-01`;
  const midnight = Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate());
  // getUTCDay: Sunday 0 … Saturday 6; ISO weeks start on Monday.
  const back = (time.getUTCDay() + 6) % 7;
  return new Date(midnight - back * DAY).toISOString().slice(0, 10);
}

/** Every period from the one holding `first` to the one holding `last`, in order: gaps show as empty periods, not as missing ones. */
export function periodsBetween(first: string, last: string, granularity: Granularity): string[] {
  const out: string[] = [];
  let at = new Date(`${first}T00:00:00Z`);
  const end = new Date(`${last}T00:00:00Z`).getTime();
  while (at.getTime() <= end) {
    out.push(at.toISOString().slice(0, 10));
    at = granularity === 'week' ? new Date(at.getTime() + 7 * DAY) : new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  }
  return out;
}

/** Counts keyed by period start, laid out over every period from the first to the last present (empty → none). */
export function fillPeriods<T>(byStart: ReadonlyMap<string, T>, granularity: Granularity, empty: (start: string) => T): T[] {
  const starts = [...byStart.keys()].sort();
  const [first, last] = [starts[0], starts[starts.length - 1]];
  if (first === undefined || last === undefined) return [];
  return periodsBetween(first, last, granularity).map((start) => byStart.get(start) ?? empty(start));
}
