import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { canonicalName } from '../names.js';
import type { Ecosystem } from '../types.js';

/**
 * How popular each name of an ecosystem is, from the data shipped with aiprov
 * (scripts/popular-names.mjs): for npm, 227,000 names with their monthly
 * downloads; for PyPI, its 15,000 most downloaded projects in order (PyPI
 * publishes no downloads). The most popular names are what typosquats imitate;
 * every name here is known to be in real use.
 */
export class Popularity {
  private readonly rankOf = new Map<string, number>();
  private readonly downloadsOf = new Map<string, number>();
  /** Names in order, most popular first. */
  readonly ranked: readonly string[];

  /** `entries`: names with monthly downloads (npm), or in rank order with none (PyPI). */
  constructor(
    readonly ecosystem: Ecosystem,
    entries: readonly { name: string; downloads?: number }[],
  ) {
    // A stable sort: names with the same downloads keep the file's (alphabetical) order.
    const order = entries.every((e) => e.downloads !== undefined) ? [...entries].sort((a, b) => (b.downloads ?? 0) - (a.downloads ?? 0)) : entries;
    const ranked: string[] = [];
    for (const entry of order) {
      const name = canonicalName(ecosystem, entry.name);
      if (this.rankOf.has(name)) continue;
      this.rankOf.set(name, ranked.length + 1);
      if (entry.downloads !== undefined) this.downloadsOf.set(name, entry.downloads);
      ranked.push(name);
    }
    this.ranked = ranked;
  }

  /** 1 for the most popular name; undefined for a name not in the data. */
  rank(name: string): number | undefined {
    return this.rankOf.get(canonicalName(this.ecosystem, name));
  }

  /** Monthly downloads (npm only), two significant digits. */
  downloads(name: string): number | undefined {
    return this.downloadsOf.get(canonicalName(this.ecosystem, name));
  }
}

const DATA = (file: string): string => new URL(`../../../data/${file}`, import.meta.url).pathname;
const shipped = new Map<Ecosystem, Popularity | undefined>();

/** The shipped data for npm and PyPI; none for Go and crates. */
export function shippedPopularity(ecosystem: Ecosystem): Popularity | undefined {
  if (!shipped.has(ecosystem)) shipped.set(ecosystem, load(ecosystem));
  return shipped.get(ecosystem);
}

function load(ecosystem: Ecosystem): Popularity | undefined {
  const file = ecosystem === 'npm' ? 'npm-popularity.txt.br' : ecosystem === 'pypi' ? 'pypi-popularity.txt.br' : undefined;
  if (file === undefined) return undefined;
  const lines = brotliDecompressSync(readFileSync(DATA(file)))
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');
  return new Popularity(
    ecosystem,
    lines.map((line) => {
      const tab = line.indexOf('\t');
      return tab === -1 ? { name: line } : { name: line.slice(0, tab), downloads: Number(line.slice(tab + 1)) };
    }),
  );
}
