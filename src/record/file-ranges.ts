import { UsageError } from '../kernel/errors.js';
import { mergeRanges } from '../git/line-map.js';
import { parseRangeList } from '../authorship/notes.js';
import { compareStrings } from '../kernel/sorted.js';

export interface FileRanges {
  path: string;
  ranges?: [number, number][];
}

/**
 * Parses `--files` arguments: `src/a.ts` (the whole file as the commit left
 * it) or `src/a.ts:1-10,15`. Only a suffix that reads as line ranges is taken
 * as ranges, so paths with colons still work.
 */
export function parseFileArgument(arg: string): FileRanges {
  const colon = arg.lastIndexOf(':');
  if (colon > 0) {
    const ranges = parseRangeList(arg.slice(colon + 1));
    if (ranges) return { path: normalise(arg.slice(0, colon), arg), ranges: mergeRanges(ranges) };
    if (/^[\d,-]+$/.test(arg.slice(colon + 1)))
      throw new UsageError('line ranges must look like 1-10,15 (1-based, start <= end)', { field: 'files', value: arg });
  }
  return { path: normalise(arg, arg) };
}

/** A path as a record may hold it: relative to the repository root, never leaving it. */
export function recordPath(path: string, field: string, shown = path): string {
  const p = path.replace(/^\.\/+/, '');
  if (p === '' || p.startsWith('/') || p.split('/').includes('..'))
    throw new UsageError('give a path relative to the repository root', { field, value: shown, code: 'BAD_PATH' });
  return p;
}

function normalise(path: string, arg: string): string {
  return recordPath(path, 'files', arg);
}

/** Merges entries for the same file (two `--files a.ts:1-3 a.ts:9`). */
export function mergeFileRanges(entries: FileRanges[]): FileRanges[] {
  const byPath = new Map<string, FileRanges>();
  for (const e of entries) {
    const prev = byPath.get(e.path);
    if (!prev) byPath.set(e.path, { ...e });
    else if (!prev.ranges || !e.ranges) delete prev.ranges;
    else prev.ranges = mergeRanges([...prev.ranges, ...e.ranges]);
  }
  return [...byPath.values()].sort((a, b) => compareStrings(a.path, b.path));
}
