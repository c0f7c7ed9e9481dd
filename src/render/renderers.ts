import { renderNotesSyncText, type NotesSyncReport } from './notes-render.js';
import { renderCollectText, type CollectReport } from './collect-render.js';
import { renderOrgHtml, renderOrgText } from './org-page.js';
import type { OrgReport } from '../inventory/org-types.js';
import type { ScanSession } from '../authorship/scan.js';
import type { CommitReport } from '../authorship/types.js';
import type { BlameReport } from '../blame/types.js';
import type { DemoReport } from '../demo/demo.js';
import type { CheckReport } from '../gate/check.js';
import type { DashboardData } from '../dashboard/types.js';
import { renderDashboardHtml } from './dashboard-page.js';
import { dashboardSummary } from './dashboard-summary.js';
import { renderCheckTable } from './check-render.js';
import { renderCheckMarkdown } from './check-markdown.js';
import { renderCheckSarif } from './check-sarif.js';
import { renderDemoEpilogue } from './demo-story.js';
import type { DepsReport } from '../deps/audit.js';
import type { FindingsReport } from '../findings/types.js';
import { renderFindingsTable } from './findings-render.js';
import type { ReportKind } from '../kernel/schemas.js';
import { renderBlameMarkdown, renderBlameTable } from './blame-render.js';
import { renderDepsMarkdown, renderDepsSarif, renderDepsTable } from './deps-render.js';
import type { OutputSink } from './output.js';
import { renderHooksText, renderRecordText, type HooksReport, type RecordReport } from './results-render.js';
import { writeScanJson } from './scan-json.js';
import { renderScanMarkdown } from './scan-markdown.js';
import { renderScanTable } from './scan-table.js';
import { isNotable, type ScanView } from './scan-view.js';
import type { Style } from './style.js';
import type { VerifyReport } from '../verify/verify.js';
import { renderVerifyText } from './verify-render.js';

export type Format = 'table' | 'json' | 'sarif' | 'markdown' | 'html';
export const FORMATS: readonly Format[] = ['table', 'json', 'sarif', 'markdown', 'html'];

/** The data each report kind is rendered from (a scan streams: its renderers read the session). */
export interface ReportData {
  scanReport: ScanSession;
  blameReport: BlameReport;
  checkReport: CheckReport;
  collectReport: CollectReport;
  dashboard: DashboardData;
  dependencyAudit: DepsReport;
  findingsReport: FindingsReport;
  recordResult: RecordReport;
  hooksResult: HooksReport;
  notesSync: NotesSyncReport;
  orgReport: OrgReport;
  demoReport: DemoReport;
  verifyReport: VerifyReport;
}

export type Renderer<T> = (data: T, out: OutputSink, style: Style) => Promise<void>;
type Renderers = { [K in ReportKind]: Partial<Record<Format, Renderer<ReportData[K]>>> };

/** A renderer that makes the whole text at once. */
const whole =
  <T>(render: (data: T, style: Style) => string): Renderer<T> =>
  async (data, out, style) => {
    await out.write(render(data, style));
  };
const json = (data: unknown): string => `${JSON.stringify(data)}\n`;

async function scanView(session: ScanSession): Promise<ScanView> {
  const notable: CommitReport[] = [];
  for await (const commit of session.commits()) if (isNotable(commit)) notable.push(commit);
  const coverage = session.coverage ? { coverage: await session.coverage.result() } : {};
  return { repository: session.repository, range: session.range, summary: session.summary.result(), ...coverage, warnings: session.warnings, notable };
}

function viewOf(report: DemoReport['scan']): ScanView {
  return { repository: report.repository, range: report.range, summary: report.summary, warnings: report.warnings, notable: report.commits.filter(isNotable) };
}

/**
 * Every report kind's renderers, by format: the one place a command looks up
 * how to print what it returned, and the formats it accepts (`formatsFor`).
 */
export const RENDERERS: Renderers = {
  scanReport: {
    table: async (session, out, style) => {
      await out.write(renderScanTable(await scanView(session), style));
    },
    json: (session, out) => writeScanJson(session, out),
    markdown: async (session, out) => {
      await out.write(renderScanMarkdown(await scanView(session)));
    },
  },
  blameReport: {
    table: whole(renderBlameTable),
    json: whole(json),
    markdown: whole(renderBlameMarkdown),
  },
  checkReport: {
    table: whole(renderCheckTable),
    json: whole(json),
    sarif: whole((report) => `${JSON.stringify(renderCheckSarif(report), null, 2)}\n`),
    markdown: whole(renderCheckMarkdown),
  },
  collectReport: {
    table: whole(renderCollectText),
    json: whole(json),
  },
  dashboard: {
    table: whole((data) => `${dashboardSummary(data)}\n`),
    json: whole(json),
    html: whole(renderDashboardHtml),
  },
  dependencyAudit: {
    table: whole(renderDepsTable),
    json: whole(json),
    sarif: whole((report) => `${JSON.stringify(renderDepsSarif(report), null, 2)}\n`),
    markdown: whole(renderDepsMarkdown),
  },
  findingsReport: {
    table: whole(renderFindingsTable),
    json: whole(json),
  },
  recordResult: {
    table: whole(renderRecordText),
    json: whole(json),
  },
  hooksResult: {
    table: whole(renderHooksText),
    json: whole(json),
  },
  notesSync: {
    table: whole(renderNotesSyncText),
    json: whole(json),
  },
  orgReport: {
    table: whole(renderOrgText),
    json: whole(json),
    html: whole(renderOrgHtml),
  },
  demoReport: {
    // The commit-level view, then the line-level one: how much of the tree as it stands the agents wrote.
    table: whole(
      (report, style) =>
        `${renderScanTable(viewOf(report.scan), style)}\n${renderBlameTable(report.blame, style)}\n${renderDepsTable(report.deps, style)}${renderDemoEpilogue(report, style)}`,
    ),
    json: whole(json),
    markdown: whole((report) => `${renderScanMarkdown(viewOf(report.scan))}\n${renderBlameMarkdown(report.blame)}\n${renderDepsMarkdown(report.deps)}`),
  },
  verifyReport: {
    table: whole(renderVerifyText),
    json: whole(json),
  },
};

export function formatsFor(kind: ReportKind): Format[] {
  return FORMATS.filter((format) => RENDERERS[kind][format] !== undefined);
}

export function rendererFor<K extends ReportKind>(kind: K, format: Format): Renderer<ReportData[K]> | undefined {
  return (RENDERERS[kind] as Partial<Record<Format, Renderer<ReportData[K]>>>)[format];
}
