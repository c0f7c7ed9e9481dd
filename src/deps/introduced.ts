import type { AnalyserFactory } from '../authorship/analyse.js';
import type { ScanWarning } from '../authorship/types.js';
import type { HistoryReader } from '../git/types.js';
import { canonicalName } from './names.js';
import type { Ecosystem, Introduction } from './types.js';

/**
 * For each (file, name): the oldest commit that added a line naming the
 * package to that file, and whether an agent wrote that commit. One
 * `git log -p` per file, however many names it holds.
 */
export async function findIntroductions(
  git: HistoryReader,
  analysers: AnalyserFactory,
  wanted: Map<string, { ecosystem: Ecosystem; name: string }[]>,
  warnings: ScanWarning[],
): Promise<Map<string, Introduction>> {
  const firstSha = new Map<string, string>();
  for (const [file, deps] of wanted) {
    const keys = new Map<string, string>();
    for (const d of deps) keys.set(canonicalName(d.ecosystem, d.name), key(file, d.ecosystem, d.name));
    const remaining = new Set(keys.keys());
    for await (const { sha, added } of git.fileHistory(file)) {
      for (const line of added) {
        for (const token of tokens(line)) {
          for (const ecosystem of ['npm', 'pypi', 'go', 'cargo'] as const) {
            const canonical = canonicalName(ecosystem, token);
            if (!remaining.has(canonical)) continue;
            remaining.delete(canonical);
            firstSha.set(keys.get(canonical) ?? '', sha);
          }
        }
      }
      if (remaining.size === 0) break;
    }
  }
  const shas = [...new Set(firstSha.values())];
  const analyser = analysers.open(warnings);
  const byCommit = new Map<string, Introduction>();
  for await (const report of analyser.analyseAll(git, shas)) {
    const agents = [...new Set(report.detections.filter((d) => d.role === 'author').map((d) => d.agent))];
    byCommit.set(report.sha, { sha: report.sha, ai: report.ai, agents, subject: report.subject });
  }
  const result = new Map<string, Introduction>();
  for (const [k, sha] of firstSha) {
    const intro = byCommit.get(sha);
    if (intro) result.set(k, intro);
  }
  return result;
}

export function key(file: string, ecosystem: Ecosystem, name: string): string {
  return `${file}\u0000${ecosystem}\u0000${canonicalName(ecosystem, name)}`;
}

/** Name-like words of a line, with versions and lockfile paths taken off (`node_modules/x`, `x@1`, `x==2`). */
function tokens(line: string): Set<string> {
  const out = new Set<string>();
  for (const raw of line.split(/[\s"'`=<>~!,;:()[\]{}^|]+/)) {
    if (raw === '') continue;
    out.add(raw);
    const tail = raw.includes('node_modules/') ? raw.slice(raw.lastIndexOf('node_modules/') + 13) : raw;
    out.add(tail);
    const at = tail.indexOf('@', tail.startsWith('@') ? 1 : 0);
    if (at > 0) out.add(tail.slice(0, at));
    const bracket = tail.indexOf('[');
    if (bracket > 0) out.add(tail.slice(0, bracket));
  }
  return out;
}
