import type { FileAttribution } from '../blame/types.js';
import { compareStrings } from '../kernel/sorted.js';
import { LEVEL, poissonRate, rateRatio, verdict } from './stats.js';
import type { AttributedFinding, Density, FindingsReport, KeyedRate } from './types.js';

/** Lines of a set of files by who wrote them: the denominators. */
export interface Exposure {
  files: number;
  lines: number;
  aiLines: number;
  byAgent: Map<string, number>;
  byModel: Map<string, number>;
  byContributor: Map<string, number>;
}

export function exposureOf(paths: Iterable<string>, files: ReadonlyMap<string, FileAttribution>): Exposure {
  const out: Exposure = { files: 0, lines: 0, aiLines: 0, byAgent: new Map(), byModel: new Map(), byContributor: new Map() };
  for (const p of paths) {
    const f = files.get(p);
    if (!f) continue;
    out.files++;
    out.lines += f.lines;
    out.aiLines += f.aiLines;
    add(out.byAgent, f.byAgent);
    add(out.byModel, f.byModel);
    add(out.byContributor, f.byContributor ?? {});
  }
  return out;
}

function add(into: Map<string, number>, from: Record<string, number>): void {
  for (const [k, n] of Object.entries(from)) into.set(k, (into.get(k) ?? 0) + n);
}

/** AI against no agent: each rate with its interval, their ratio, and the verdict. */
export function densityOf(findings: readonly AttributedFinding[], exposure: Exposure): Density {
  const ai = findings.filter((f) => f.countedAs === 'ai').length;
  const noAgent = findings.length - ai;
  const humanLines = exposure.lines - exposure.aiLines;
  const ratio = rateRatio(ai, exposure.aiLines, noAgent, humanLines);
  return {
    ai: poissonRate(ai, exposure.aiLines),
    noAgent: poissonRate(noAgent, humanLines),
    ratio,
    verdict:
      exposure.aiLines === 0
        ? 'no AI-written lines in the files scanned: nothing to compare'
        : humanLines === 0
          ? 'no lines without an agent in the files scanned: nothing to compare'
          : verdict(ratio, LEVEL),
  };
}

/** Rates by a key of the findings' first lines (agent, model, contributor) against the lines blame credits to that key. */
export function ratesBy(findings: readonly AttributedFinding[], lines: ReadonlyMap<string, number>, key: (f: AttributedFinding) => string | null): KeyedRate[] {
  const counts = new Map<string, number>();
  for (const f of findings) {
    const k = key(f);
    if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...new Set([...lines.keys(), ...counts.keys()])].sort(compareStrings).map((k) => ({ key: k, ...poissonRate(counts.get(k) ?? 0, lines.get(k) ?? 0) }));
}

export function byRule(findings: readonly AttributedFinding[]): FindingsReport['byRule'] {
  const rows = new Map<string, FindingsReport['byRule'][number]>();
  for (const f of findings) {
    const id = `${f.tool}\u0000${f.ruleId}`;
    const row = rows.get(id) ?? { tool: f.tool, ruleId: f.ruleId, level: f.level, securitySeverity: f.securitySeverity, ai: 0, noAgent: 0, mixed: 0, total: 0 };
    rows.set(id, row);
    row.total++;
    if (f.class === 'mixed') row.mixed++;
    if (f.countedAs === 'ai') row.ai++;
    else row.noAgent++;
  }
  return [...rows.values()].sort((a, b) => b.total - a.total || compareStrings(a.tool, b.tool) || compareStrings(a.ruleId, b.ruleId));
}
