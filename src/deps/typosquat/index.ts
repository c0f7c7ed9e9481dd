import { canonicalName } from '../names.js';
import type { Ecosystem } from '../types.js';
import { deletes, osaDistance } from './distance.js';
import { shippedPopularity } from './popularity.js';

export interface TyposquatMatch {
  /** The popular name it is probably a typo of. */
  target: string;
  /** How the two differ, in words. */
  how: string;
  /** Which rule matched: scope confusion is also how packages moved into their org's scope (`babel-preset-env`, `@babel/preset-env`). */
  rule: 'scope' | 'separators' | 'affix' | 'edit';
}

/** How many of the most popular names are the ones typosquats imitate. */
export const TARGETS = 10_000;
/** Names at least this long may be two edits away; shorter ones one. */
const LONG = 10;
const MIN_LENGTH = 4;
const PREFIXES: Record<Ecosystem, string[]> = { npm: ['node-', 'js-', 'nodejs-'], pypi: ['python-', 'python3-', 'py-', 'py'], go: [], cargo: ['rust-', 'rs-'] };
const SUFFIXES: Record<Ecosystem, string[]> = {
  npm: ['-js', '.js', 'js', '-node', '-nodejs'],
  pypi: ['-python', '-py', 'py', '-python3'],
  go: [],
  cargo: ['-rs', '-rust'],
};

/** PyPI's own collision rule: drop separators, `l` and `i` as `1`, `o` as `0`. */
export function ultranormalize(name: string): string {
  return name.toLowerCase().replace(/[._-]/g, '').replace(/[li]/g, '1').replace(/o/g, '0');
}

const withoutSeparators = (name: string): string => name.replace(/[._-]/g, '');

/**
 * Popular names indexed for typo look-ups: a deletion index (SymSpell) finds
 * every name within edit distance 1 (2 for long names) with a handful of map
 * look-ups instead of a scan of the list, then the true distance confirms, and
 * the structure of the two names decides whether the difference is a slip of
 * the keyboard at all (`typoOf`).
 */
export class TyposquatIndex {
  private readonly rank = new Map<string, number>();
  private readonly byDeletion = new Map<string, string[]>();
  /** Long names by first letter and length, for the two-edit search (a slip keeps the first letter, or swaps it with the second). */
  private readonly longByStart = new Map<string, string[]>();
  private readonly bySeparators = new Map<string, string[]>();
  private readonly byUltra = new Map<string, string[]>();

  /** `names`: the names to protect, most popular first. */
  constructor(
    readonly ecosystem: Ecosystem,
    names: readonly string[],
  ) {
    names.forEach((raw, i) => {
      const name = canonicalName(ecosystem, raw);
      if (this.rank.has(name)) return;
      this.rank.set(name, i);
      for (const key of deletes(name, 1)) push(this.byDeletion, key, name);
      // Scoped names are never a slip of each other (typoOf), so they are not in the two-edit search.
      if (name.length >= LONG && !name.startsWith('@')) push(this.longByStart, `${name.charAt(0)}${name.length}`, name);
      push(this.bySeparators, withoutSeparators(name), name);
      push(this.byUltra, ultranormalize(name), name);
    });
  }

  /** Whether `name` is one of the names protected. */
  isTarget(name: string): boolean {
    return this.rank.has(canonicalName(this.ecosystem, name));
  }

  /**
   * The popular name `name` imitates, or undefined (always undefined for a
   * protected name itself). Every rule is asked; the most popular target wins
   * (`python-dateutils` imitates python-dateutil, not the less popular dateutils).
   */
  check(rawName: string): TyposquatMatch | undefined {
    const name = canonicalName(this.ecosystem, rawName);
    if (this.rank.has(name)) return undefined;
    let best: TyposquatMatch | undefined;
    for (const m of [...this.scope(name), ...this.separators(name), ...this.affixes(name), ...this.edits(name)]) {
      if (best === undefined || this.rankOf(m.target) < this.rankOf(best.target)) best = m;
    }
    return best;
  }

  private rankOf(name: string): number {
    return this.rank.get(name) ?? Infinity;
  }

  /**
   * Scope confusion: `types-node` or `typesnode` for `@types/node`, `@acme/x`
   * for a popular `acme-x`, and `@typess/node` for `@types/node` (the same
   * name under a scope one slip away).
   */
  private scope(name: string): TyposquatMatch[] {
    if (this.ecosystem !== 'npm') return [];
    const { scope, rest } = splitScope(name);
    if (scope !== undefined) {
      const words = [`${scope}-${rest}`, `${scope}${rest}`]
        .filter((c) => this.rank.has(c))
        .map((target) => ({ target, how: 'scope confusion: the same words without the scope', rule: 'scope' as const }));
      const near: TyposquatMatch[] = [];
      if (scope.length >= MIN_LENGTH) {
        for (const key of deletes(`${scope}/${rest}`, 1)) {
          for (const candidate of this.byDeletion.get(`@${key}`) ?? []) {
            const other = splitScope(candidate);
            if (other.scope !== undefined && other.rest === rest && other.scope !== scope && osaDistance(scope, other.scope, 1) <= 1)
              near.push({ target: candidate, how: 'the same name under a scope one character away', rule: 'edit' });
          }
        }
      }
      return [...words, ...near];
    }
    const found: TyposquatMatch[] = [];
    for (let i = 1; i < name.length; i++) {
      const withDash = name.charAt(i) === '-' ? `@${name.slice(0, i)}/${name.slice(i + 1)}` : undefined;
      const joined = `@${name.slice(0, i)}/${name.slice(i)}`;
      for (const candidate of [withDash, joined])
        if (candidate !== undefined && this.rank.has(candidate))
          found.push({ target: candidate, how: 'scope confusion: the scope written as a prefix', rule: 'scope' });
    }
    return found;
  }

  private separators(name: string): TyposquatMatch[] {
    const same = (this.bySeparators.get(withoutSeparators(name)) ?? []).filter((c) => c !== name && sameScope(c, name));
    const found: TyposquatMatch[] = same.map((target) => ({ target, how: 'differs only in separators (- _ .)', rule: 'separators' }));
    if (this.ecosystem !== 'pypi') return found;
    const ultra = (this.byUltra.get(ultranormalize(name)) ?? []).filter((c) => c !== name && !same.includes(c));
    return [
      ...found,
      ...ultra.map((target) => ({ target, how: "collides with it under PyPI's normalisation (l/i as 1, o as 0, no separators)", rule: 'separators' as const })),
    ];
  }

  private affixes(name: string): TyposquatMatch[] {
    const candidates: string[] = [];
    for (const p of PREFIXES[this.ecosystem]) if (name.startsWith(p) && this.rank.has(name.slice(p.length))) candidates.push(name.slice(p.length));
    for (const s of SUFFIXES[this.ecosystem]) if (name.endsWith(s) && this.rank.has(name.slice(0, -s.length))) candidates.push(name.slice(0, -s.length));
    return candidates.map((target) => ({ target, how: 'the popular name with a prefix or suffix added', rule: 'affix' }));
  }

  /**
   * One edit: names sharing a one-deletion key (SymSpell), confirmed by the
   * true distance; two edits, for long names only: the long names with the
   * same first letter (or the second, for a swap) and a length two or fewer
   * away, confirmed the same way (the distance gives up past two). Then `typoOf` keeps only the differences a slip of the keyboard makes.
   */
  private edits(name: string): TyposquatMatch[] {
    if (name.length < MIN_LENGTH) return [];
    const found = new Set<string>();
    for (const key of deletes(name, 1)) {
      for (const candidate of this.byDeletion.get(key) ?? []) {
        if (candidate !== name && osaDistance(name, candidate, 1) <= 1) found.add(candidate);
      }
    }
    if (name.length >= LONG - 2 && !name.startsWith('@')) {
      const words = wordCount(name);
      for (const start of new Set([name.charAt(0), name.charAt(1)])) {
        for (let length = name.length - 2; length <= name.length + 2; length++) {
          for (const candidate of this.longByStart.get(`${start}${length}`) ?? []) {
            if (candidate !== name && !found.has(candidate) && wordCount(candidate) === words && osaDistance(name, candidate, 2) <= 2) found.add(candidate);
          }
        }
      }
    }
    return [...found]
      .filter((c) => typoOf(name, c))
      .map((target) => ({ target, how: 'one or two characters away (typed, swapped, dropped or doubled)', rule: 'edit' }));
  }
}

/** `@scope/rest` → its parts; an unscoped name has no scope. */
function splitScope(name: string): { scope?: string; rest: string } {
  const m = /^@([^/]+)\/(.+)$/.exec(name);
  return m ? { scope: m[1] ?? '', rest: m[2] ?? '' } : { rest: name };
}

function wordCount(name: string): number {
  let n = 1;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 45 || c === 46 || c === 95) n++; // - . _
  }
  return n;
}

function sameScope(a: string, b: string): boolean {
  return splitScope(a).scope === splitScope(b).scope;
}

/**
 * Whether `name` differs from `target` the way a slip of the keyboard makes
 * it, judged on the names' structure rather than their characters:
 * - a scope is owned: no one but its owner publishes under `@types/`, so two
 *   names in the same scope are never a typosquat of each other
 *   (`@types/clone`, `@types/long`); a scope against no scope is the scope
 *   rules' business;
 * - the edit budget counts on the unscoped name, word by word (words split at
 *   `-`, `_`, `.`): the same number of words, a word of three characters or
 *   fewer has no budget (`pg-promise` is not `is-promise`, `urql` is not
 *   `url`), longer ones one edit (two from ten characters);
 * - a different first letter is a different word (`cuid`, `uuid`).
 * Names that pass and are established anyway (`uuidv4` against `uuidv7`) are
 * cleared by their popularity (judge.ts).
 */
export function typoOf(name: string, target: string): boolean {
  const a = splitScope(name);
  const b = splitScope(target);
  // Different scopes, or one scope against none, are the scope rules' business; the same scope is its owner's.
  if (a.scope !== undefined || b.scope !== undefined) return false;
  const wordsA = a.rest.split(/[-_.]/);
  const wordsB = b.rest.split(/[-_.]/);
  if (wordsA.length !== wordsB.length) return false;
  let total = 0;
  for (let i = 0; i < wordsA.length; i++) {
    const x = wordsA[i] ?? '';
    const y = wordsB[i] ?? '';
    if (x === y) continue;
    const shorter = Math.min(x.length, y.length);
    if (shorter <= 3) return false;
    if (i === 0 && x.charAt(0) !== y.charAt(0) && !(x.charAt(0) === y.charAt(1) && x.charAt(1) === y.charAt(0))) return false;
    const distance = osaDistance(x, y, 2);
    if (distance > (shorter >= LONG ? 2 : 1)) return false;
    if (shorter <= SHORT_WORD && !slip(x, y)) return false;
    // `inquirer2`, `form-data2`: a digit after the whole name is a fork's or a version's name, not a slip.
    if (/^\d+$/.test(x.startsWith(y) ? x.slice(y.length) : y.startsWith(x) ? y.slice(x.length) : '')) return false;
    total += distance;
  }
  return total > 0 && total <= (a.rest.length >= LONG ? 2 : 1);
}

/** Words this short are dense: most one-letter changes make another word (`gate`, `gaze`), so only a slip counts. */
const SHORT_WORD = 5;
const QWERTY = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const VOWELS = new Set('aeiouy');

/** Keys next to each other on a QWERTY keyboard, same row or the row above or below. */
function adjacent(a: string, b: string): boolean {
  const at = (c: string): [number, number] | undefined => {
    const row = QWERTY.findIndex((r) => r.includes(c));
    return row === -1 ? undefined : [row, (QWERTY[row] ?? '').indexOf(c)];
  };
  const p = at(a);
  const q = at(b);
  return p !== undefined && q !== undefined && Math.abs(p[0] - q[0]) <= 1 && Math.abs(p[1] - q[1]) <= 1 && a !== b;
}

/**
 * One edit of the kind a hand or an ear makes: two letters swapped, a letter
 * dropped, doubled or undoubled, a neighbouring key hit instead or as well, or
 * one vowel for another (`numpi`).
 */
function slip(x: string, y: string): boolean {
  if (x.length === y.length) {
    // Package names are ASCII (names.ts), so code units are characters.
    const diff: number[] = [];
    for (let i = 0; i < x.length; i++) if (x.charAt(i) !== y.charAt(i)) diff.push(i);
    if (diff.length === 2) return true; // a swap: osaDistance already said it is one edit
    const i = diff[0] ?? 0;
    const [a, b] = [x.charAt(i), y.charAt(i)];
    return adjacent(a, b) || (VOWELS.has(a) && VOWELS.has(b));
  }
  // x is the name written; y the name meant. A dropped letter is a slip; an added one only when doubled or next to its neighbour.
  if (x.length < y.length) return true;
  for (let i = 0; i < x.length; i++) {
    if (x.slice(0, i) + x.slice(i + 1) !== y) continue;
    const c = x.charAt(i);
    const neighbours = [x.charAt(i - 1), x.charAt(i + 1)].filter((n) => n !== '');
    if (neighbours.some((n) => n === c || adjacent(n, c))) return true;
  }
  return false;
}

/** Each name is indexed once and its keys are distinct, so no list gets a name twice. */
function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const shipped = new Map<Ecosystem, TyposquatIndex | undefined>();

/** The index of the names typosquats imitate: the TARGETS most popular of the shipped data (npm and PyPI); none for Go and crates. */
export function shippedIndex(ecosystem: Ecosystem): TyposquatIndex | undefined {
  if (!shipped.has(ecosystem)) {
    const popularity = shippedPopularity(ecosystem);
    shipped.set(ecosystem, popularity ? new TyposquatIndex(ecosystem, popularity.ranked.slice(0, TARGETS)) : undefined);
  }
  return shipped.get(ecosystem);
}
