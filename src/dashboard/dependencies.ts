import type { DepsReport } from '../deps/audit.js';
import type { DependencyRow } from './types.js';

/** Verdicts a security lead must see: names no registry has, malicious or suspicious ones, and names nobody could check. */
const SHOWN_VERDICTS = new Set(['hallucinated', 'malicious', 'suspicious', 'unknown']);
const ROWS_SHOWN = 500;

/** The dependency findings of an audit report worth a row: hallucinated, typosquatted, malicious, suspicious and unknown names, with the commit that brought each in. */
export function dependencyRows(report: DepsReport, file: string): { file: string; total: number; suspect: number; unchecked: number; rows: DependencyRow[] } {
  const rank = (verdict: string): number => ['malicious', 'hallucinated', 'suspicious', 'unknown'].indexOf(verdict);
  const rows = report.dependencies
    .filter((d) => d.local === undefined && d.skipped !== true)
    .filter((d) => SHOWN_VERDICTS.has(d.verdict) || d.findings.some((f) => f.id === 'typosquat' && !f.suppressed))
    .map((d): DependencyRow => {
      const live = d.findings.filter((f) => !f.suppressed);
      const suggestion = live.find((f) => f.suggestion !== undefined)?.suggestion;
      return {
        ecosystem: d.ecosystem,
        name: d.name,
        spec: d.spec,
        verdict: d.verdict,
        signals: [...new Set(live.map((f) => f.id))].sort(),
        ...(suggestion !== undefined ? { suggestion } : {}),
        file: d.sources[0] ? `${d.sources[0].file}:${d.sources[0].line}` : '',
        ...(d.introducedBy
          ? { introducedBy: { commit: d.introducedBy.sha, ai: d.introducedBy.ai, agents: d.introducedBy.agents, subject: d.introducedBy.subject } }
          : {}),
      };
    })
    .sort((a, b) => rank(a.verdict) - rank(b.verdict) || a.name.localeCompare(b.name));
  // A name nobody could check is not a suspect one: counted apart, so that a registry that was down does not read as 48 suspects.
  const unchecked = rows.filter((r) => r.verdict === 'unknown').length;
  return { file, total: rows.length, suspect: rows.length - unchecked, unchecked, rows: rows.slice(0, ROWS_SHOWN) };
}
