import { readFileSync } from 'node:fs';
import { canonicalName } from '../names.js';
import type { Ecosystem } from '../types.js';
import { deletes, osaDistance } from './distance.js';

export interface TyposquatMatch {
  /** The popular name it is probably a typo of. */
  target: string;
  /** How the two differ, in words. */
  how: string;
}

/** Names at least this long may be two edits away; shorter ones one. */
const LONG = 10;
const MIN_LENGTH = 4;
const PREFIXES: Record<Ecosystem, string[]> = { npm: ['node-', 'js-', 'nodejs-'], pypi: ['python-', 'python3-', 'py-', 'py'], go: [], cargo: ['rust-', 'rs-'] };
const SUFFIXES: Record<Ecosystem, string[]> = { npm: ['-js', '.js', 'js', '-node', '-nodejs'], pypi: ['-python', '-py', 'py', '-python3'], go: [], cargo: ['-rs', '-rust'] };

/** PyPI's own collision rule: drop separators, `l` and `i` as `1`, `o` as `0`. */
export function ultranormalize(name: string): string {
  return name.toLowerCase().replace(/[._-]/g, '').replace(/[li]/g, '1').replace(/o/g, '0');
}

const withoutSeparators = (name: string): string => name.replace(/[._-]/g, '');

/**
 * Popular names indexed for typo look-ups: a deletion index (SymSpell) finds
 * every name within edit distance 1 (2 for long names) with a handful of map
 * look-ups instead of a scan of the list, then the true distance confirms.
 */
export class TyposquatIndex {
  private readonly rank = new Map<string, number>();
  private readonly byDeletion = new Map<string, string[]>();
  /** Trigrams of the long names, for the two-edit search. */
  private readonly byTrigram = new Map<string, string[]>();
  private readonly bySeparators = new Map<string, string[]>();
  private readonly byUltra = new Map<string, string[]>();

  constructor(readonly ecosystem: Ecosystem, names: readonly string[]) {
    names.forEach((raw, i) => {
      const name = canonicalName(ecosystem, raw);
      if (this.rank.has(name)) return;
      this.rank.set(name, i);
      for (const key of deletes(name, 1)) push(this.byDeletion, key, name);
      if (name.length >= LONG) for (const gram of trigrams(name)) push(this.byTrigram, gram, name);
      push(this.bySeparators, withoutSeparators(name), name);
      push(this.byUltra, ultranormalize(name), name);
    });
  }

  static fromFile(ecosystem: Ecosystem, file: string): TyposquatIndex {
    const names = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    return new TyposquatIndex(ecosystem, names);
  }

  isPopular(name: string): boolean {
    return this.rank.has(canonicalName(this.ecosystem, name));
  }

  /** The popular name `name` imitates, or undefined (always undefined for a popular name itself). */
  check(rawName: string): TyposquatMatch | undefined {
    const name = canonicalName(this.ecosystem, rawName);
    if (this.rank.has(name)) return undefined;
    return this.scope(name) ?? this.separators(name) ?? this.affixes(name) ?? this.edits(name);
  }

  private best(candidates: Iterable<string>, how: string): TyposquatMatch | undefined {
    let target: string | undefined;
    for (const c of candidates) if (target === undefined || (this.rank.get(c) ?? Infinity) < (this.rank.get(target) ?? Infinity)) target = c;
    return target === undefined ? undefined : { target, how };
  }

  /** `types-node` for `@types/node`, `@babel-core/x` … and `@acme/x` for a popular `acme-x`. */
  private scope(name: string): TyposquatMatch | undefined {
    if (this.ecosystem !== 'npm') return undefined;
    const scoped = /^@([^/]+)\/(.+)$/.exec(name);
    if (scoped) {
      const [, scope = '', rest = ''] = scoped;
      return this.best([`${scope}-${rest}`, `${scope}${rest}`, rest].filter((c) => this.rank.has(c) && c !== rest), 'scope confusion: the same words without the scope')
        ?? undefined;
    }
    const candidates: string[] = [];
    for (let i = name.indexOf('-'); i !== -1; i = name.indexOf('-', i + 1)) {
      const candidate = `@${name.slice(0, i)}/${name.slice(i + 1)}`;
      if (this.rank.has(candidate)) candidates.push(candidate);
    }
    return this.best(candidates, 'scope confusion: the scope written as a prefix');
  }

  private separators(name: string): TyposquatMatch | undefined {
    const same = (this.bySeparators.get(withoutSeparators(name)) ?? []).filter((c) => c !== name);
    const bySep = this.best(same, 'differs only in separators (- _ .)');
    if (bySep) return bySep;
    if (this.ecosystem !== 'pypi') return undefined;
    return this.best((this.byUltra.get(ultranormalize(name)) ?? []).filter((c) => c !== name), 'collides with it under PyPI\'s normalisation (l/i as 1, o as 0, no separators)');
  }

  private affixes(name: string): TyposquatMatch | undefined {
    const candidates: string[] = [];
    for (const p of PREFIXES[this.ecosystem]) if (name.startsWith(p) && this.rank.has(name.slice(p.length))) candidates.push(name.slice(p.length));
    for (const s of SUFFIXES[this.ecosystem]) if (name.endsWith(s) && this.rank.has(name.slice(0, -s.length))) candidates.push(name.slice(0, -s.length));
    return this.best(candidates, 'the popular name with a prefix or suffix added');
  }

  /**
   * One edit: names sharing a one-deletion key (SymSpell), confirmed by the true
   * distance. Two edits, for long names only: names sharing enough trigrams
   * (the q-gram lemma: within k edits at least |s| - 2 - 3k trigrams agree,
   * counting a transposition as two), again confirmed by the distance.
   */
  private edits(name: string): TyposquatMatch | undefined {
    if (name.length < MIN_LENGTH) return undefined;
    const found = new Set<string>();
    for (const key of deletes(name, 1)) {
      for (const candidate of this.byDeletion.get(key) ?? []) {
        if (candidate !== name && osaDistance(name, candidate, 1) <= 1) found.add(candidate);
      }
    }
    if (found.size === 0 && name.length >= LONG - 2) {
      const shared = new Map<string, number>();
      for (const gram of new Set(trigrams(name))) for (const candidate of this.byTrigram.get(gram) ?? []) shared.set(candidate, (shared.get(candidate) ?? 0) + 1);
      for (const [candidate, count] of shared) {
        // A transposition is one edit here but changes up to four trigrams, so allow for two such edits.
        const needed = Math.max(1, Math.max(name.length, candidate.length) - 2 - 12);
        if (count >= needed && Math.abs(candidate.length - name.length) <= 2 && osaDistance(name, candidate, 2) <= 2) found.add(candidate);
      }
    }
    return this.best(found, 'one or two characters away (typed, swapped, dropped or doubled)');
  }
}

function trigrams(name: string): string[] {
  const grams: string[] = [];
  for (let i = 0; i + 3 <= name.length; i++) grams.push(name.slice(i, i + 3));
  return grams;
}

/** Each name is indexed once and its keys are distinct, so no list gets a name twice. */
function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const DATA = (file: string): string => new URL(`../../../data/${file}`, import.meta.url).pathname;
const shipped = new Map<Ecosystem, TyposquatIndex | undefined>();

/** The index of the popular names shipped with aiprov (npm and PyPI); none for Go and crates. */
export function shippedIndex(ecosystem: Ecosystem): TyposquatIndex | undefined {
  if (!shipped.has(ecosystem)) {
    const file = ecosystem === 'npm' ? 'popular-npm.txt' : ecosystem === 'pypi' ? 'popular-pypi.txt' : undefined;
    shipped.set(ecosystem, file ? TyposquatIndex.fromFile(ecosystem, DATA(file)) : undefined);
  }
  return shipped.get(ecosystem);
}
