import type { FindingsReport, KeyedRate } from '../findings/types.js';
import type { Density } from '../findings/types.js';

/** What the dashboard shows of a scanner's findings at its revision: densities with intervals, and the findings in AI-written lines. */
export interface DashboardFindings {
  tools: string[];
  results: number;
  attributed: number;
  /** Results counted apart (no place in the tree, suppressed, not failures), by reason. */
  apart: number;
  lines: number;
  aiLines: number;
  density: Density;
  byAgent: KeyedRate[];
  byModel: KeyedRate[];
  /** Findings with at least one AI-written line, errors first; `shown` is capped, `total` is not. */
  inAiLines: {
    total: number;
    shown: { path: string; startLine: number; endLine: number; tool: string; ruleId: string; level: string; agents: string[]; class: string }[];
  };
}

const SHOWN = 200;
const LEVEL_ORDER: Record<string, number> = { error: 0, warning: 1, note: 2, none: 3 };

export function dashboardFindings(report: FindingsReport): DashboardFindings {
  const inAi = report.findings
    .filter((f) => f.lines.ai > 0)
    .sort((a, b) => (LEVEL_ORDER[a.level] ?? 9) - (LEVEL_ORDER[b.level] ?? 9) || a.path.localeCompare(b.path) || a.startLine - b.startLine);
  return {
    tools: [...new Set(report.runs.map((r) => r.tool))],
    results: report.totals.results,
    attributed: report.totals.attributed,
    apart: report.totals.results - report.totals.attributed,
    lines: report.coverage.lines,
    aiLines: report.coverage.aiLines,
    density: report.density,
    byAgent: report.byAgent.filter((r) => r.count > 0 || r.lines > 0),
    byModel: report.byModel.filter((r) => r.count > 0 || r.lines > 0),
    inAiLines: {
      total: inAi.length,
      shown: inAi.slice(0, SHOWN).map((f) => ({
        path: f.path,
        startLine: f.startLine,
        endLine: f.endLine,
        tool: f.tool,
        ruleId: f.ruleId,
        level: f.level,
        agents: f.agents,
        class: f.class,
      })),
    },
  };
}
