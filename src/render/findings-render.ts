import { isSharedKey, sharersOf } from '../blame/attribute.js';
import type { Rate } from '../findings/stats.js';
import type { FindingsReport, KeyedRate } from '../findings/types.js';
import type { Remediation, RemediationReport } from '../findings/types.js';
import { table, type Style } from './style.js';

const FROM: Record<FindingsReport['revisionFrom'], string> = { sarif: "the logs' versionControlProvenance", rev: '--rev', head: 'HEAD' };

function rate(r: Rate): string[] {
  if (r.per1000 === null || r.low === null || r.high === null) return ['-', '-', String(r.count), String(r.lines)];
  return [r.per1000.toFixed(2), `${r.low.toFixed(2)}–${r.high.toFixed(2)}`, String(r.count), String(r.lines)];
}

function keyName(key: string, several: string): string {
  return isSharedKey(key) ? `${sharersOf(key).join(' + ')} (shared by these ${several})` : key;
}

function rateTable(title: string, rows: KeyedRate[], several: string, style: Style): string[] {
  const shown = rows.filter((r) => r.count > 0 || r.lines > 0);
  if (shown.length === 0) return [];
  return [
    '',
    style.bold(title),
    ...table(
      [[title.replace(/^By /, '').toUpperCase(), 'PER 1,000', '95% CI', 'FINDINGS', 'LINES'], ...shown.map((r) => [keyName(r.key, several), ...rate(r)])],
      new Set([1, 2, 3, 4]),
    ),
  ];
}

/** The findings report as text: what was counted and what apart, the densities with their intervals, the verdict, by agent, model and rule. */
export function renderFindingsTable(report: FindingsReport, style: Style): string {
  const t = report.totals;
  const apart = Object.entries(t.apart).map(([reason, n]) => `${n} ${reason}`);
  const c = report.coverage;
  const lines = [
    `${style.bold('aiprov findings')}  ${report.repository.root}  at ${report.revSpec} (${report.rev.slice(0, 12)}, from ${FROM[report.revisionFrom]})`,
    `${t.results} results from ${report.runs.length} run${report.runs.length === 1 ? '' : 's'} (${[...new Set(report.runs.map((r) => r.tool))].join(', ')}): ${t.attributed} attributed (${t.ai} in AI-written lines, ${t.noAgent} in lines no agent is credited with; ${t.mixed} span both)${apart.length > 0 ? `; counted apart: ${apart.join(', ')}` : ''}`,
    `lines scanned: ${c.lines} in ${c.files} files (${c.aiLines} AI-written, ${c.noAgentLines} no agent credited)`,
    '',
    style.bold(`Findings per 1,000 lines (${Math.round(report.level * 100)}% exact Poisson intervals)`),
    ...table(
      [
        ['LINES', 'PER 1,000', '95% CI', 'FINDINGS', 'LINES'],
        ['AI-written', ...rate(report.density.ai)],
        ['no agent credited', ...rate(report.density.noAgent)],
      ],
      new Set([1, 2, 3, 4]),
    ),
    ratioLine(report),
    style.bold(report.density.verdict),
    ...rateTable('By agent', report.byAgent, 'agents', style),
    ...rateTable('By model', report.byModel, 'models', style),
  ];
  if (report.byRule.length > 0) {
    lines.push('', style.bold('By rule'));
    lines.push(
      ...table(
        [
          ['TOOL', 'RULE', 'LEVEL', 'SECURITY', 'AI', 'NO AGENT', 'MIXED', 'TOTAL'],
          ...report.byRule.map((r) => [
            r.tool,
            r.ruleId,
            r.level,
            r.securitySeverity ?? '-',
            String(r.ai),
            String(r.noAgent),
            String(r.mixed),
            String(r.total),
          ]),
        ],
        new Set([4, 5, 6, 7]),
      ),
    );
  }
  if (report.remediation) lines.push(...remediationLines(report.remediation, style));
  return `${lines.join('\n')}\n`;
}

function remediationLines(r: RemediationReport, style: Style): string[] {
  const row = (name: string, x: Remediation): string[] => [
    name,
    String(x.appeared),
    String(x.fixed),
    String(x.open),
    x.medianDays === null ? '-' : x.medianDays.toFixed(1),
    x.meanDays === null ? '-' : x.meanDays.toFixed(1),
  ];
  return [
    '',
    style.bold(
      `Time to fix, over ${r.revisions.length} revisions (${r.revisions[0]?.rev.slice(0, 12) ?? ''} to ${r.revisions.at(-1)?.rev.slice(0, 12) ?? ''})`,
    ),
    ...table(
      [
        ['WRITTEN BY', 'APPEARED', 'FIXED', 'OPEN', 'MEDIAN DAYS', 'MEAN DAYS'],
        row('AI-written lines', r.byClass.ai),
        row('no agent credited', r.byClass.noAgent),
        ...r.byAgent.map((a) => row(`  ${keyName(a.key, 'agents')}`, a)),
      ],
      new Set([1, 2, 3, 4, 5]),
    ),
    `${r.alreadyPresent} finding${r.alreadyPresent === 1 ? ' was' : 's were'} there at the first revision: when they appeared is not known, so they are in no time to fix`,
  ];
}

function ratioLine(report: FindingsReport): string {
  const r = report.density.ratio;
  if (r.low === null) return 'ratio AI / no agent: -';
  return `ratio AI / no agent: ${r.value === null ? '∞' : r.value.toFixed(2)} (95% CI ${r.low.toFixed(2)}–${r.high === null ? '∞' : r.high.toFixed(2)})`;
}
