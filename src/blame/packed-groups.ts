import type { BlameGroup } from '../git/blame.js';

/** Stores each distinct string once and names it by a number. One table per blame run. */
export class StringTable {
  private readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();

  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.ids.set(text, id);
    }
    return id;
  }

  text(id: number): string {
    return this.strings[id] ?? '';
  }

  /** A renaming of another table's ids (`strings`, by id) into this table's, each string looked up once. */
  renamer(strings: readonly string[]): (id: number) => number {
    const ids = new Int32Array(strings.length).fill(-1);
    return (n) => {
      let id = ids[n] ?? -1;
      if (id < 0) {
        id = this.id(strings[n] ?? '');
        ids[n] = id;
      }
      return id;
    };
  }

  /** Every string, in the order of their numbers. */
  all(): readonly string[] {
    return this.strings;
  }
}

/**
 * One file's blame groups, kept compactly until every blamed commit has been
 * decided: five numbers a group, commit ids and paths in the shared table.
 * Boundary groups are dropped on the way in; they never count.
 */
export class PackedGroups {
  /** `numbers`: groups already packed against `table` (the cache's, renamed with `renameGroups`). */
  constructor(
    private readonly table: StringTable,
    private readonly numbers: number[] = [],
  ) {}

  add(group: BlameGroup): void {
    if (group.boundary) return;
    this.numbers.push(this.table.id(group.sha), this.table.id(group.origPath), group.origLine, group.finalLine, group.lines);
  }

  /** The groups as numbers, five a group, against the strings of `strings()`. */
  packed(): readonly number[] {
    return this.numbers;
  }

  /** The table's strings by id (one array for every PackedGroups of the table, growing as it does). */
  strings(): readonly string[] {
    return this.table.all();
  }

  *groups(): Generator<BlameGroup> {
    const n = this.numbers;
    for (let i = 0; i < n.length; i += 5) {
      yield {
        sha: this.table.text(n[i] ?? 0),
        origPath: this.table.text(n[i + 1] ?? 0),
        origLine: n[i + 2] ?? 0,
        finalLine: n[i + 3] ?? 0,
        lines: n[i + 4] ?? 0,
        boundary: false,
      };
    }
  }

  *shas(): Generator<string> {
    for (let i = 0; i < this.numbers.length; i += 5) yield this.table.text(this.numbers[i] ?? 0);
  }
}

/**
 * Groups packed as numbers against another table (the blame cache's), their two strings renamed by `rename`: no
 * group is unpacked on the way (a warm run reuses thousands of files).
 */
export function renameGroups(numbers: readonly number[], rename: (id: number) => number): number[] {
  const out = new Array<number>(numbers.length);
  for (let i = 0; i < numbers.length; i += 5) {
    out[i] = rename(numbers[i] ?? 0);
    out[i + 1] = rename(numbers[i + 1] ?? 0);
    out[i + 2] = numbers[i + 2] ?? 0;
    out[i + 3] = numbers[i + 3] ?? 0;
    out[i + 4] = numbers[i + 4] ?? 0;
  }
  return out;
}
