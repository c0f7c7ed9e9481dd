import { AIPROV_NOTES_REF, type NoteRecord } from '../authorship/notes.js';
import type { HooksResult } from '../record/hooks.js';
import { envelope, type Envelope } from '../kernel/schemas.js';

/** What `aiprov record` did, as a document (schemas/record-result.schema.json). */
export interface RecordReport extends Envelope<'recordResult'> {
  commit: string;
  /** For a squash: the commits whose records were collected. */
  squashed?: string[];
  added: NoteRecord[];
}

export function recordReport(result: { commit: string; added: NoteRecord[]; squashed?: string[] }): RecordReport {
  return { ...envelope('recordResult'), commit: result.commit, ...(result.squashed ? { squashed: result.squashed } : {}), added: result.added };
}

export function renderRecordText(report: RecordReport): string {
  const { commit, added } = report;
  const lines = added.map((r) => {
    const count = (r.files ?? []).reduce((n, f) => n + (f.ranges ?? []).reduce((m, [a, b]) => m + b - a + 1, 0), 0);
    const where =
      r.files === undefined
        ? 'the whole commit'
        : `${r.files.length} file${r.files.length === 1 ? '' : 's'}${count > 0 ? `, ${count} line${count === 1 ? '' : 's'}` : ''}`;
    return `recorded ${r.agent}${r.name ? ` (${r.name})` : ''}${r.model ? ` model ${r.model}` : ''} on ${commit.slice(0, 12)}: ${where}`;
  });
  return `${(lines.length > 0 ? lines : [`nothing to record on ${commit.slice(0, 12)}: no AI-written lines found`]).join('\n')}\n`;
}

/** What `aiprov hooks install|uninstall` changed, as a document (schemas/hooks-result.schema.json). */
export type HooksReport = Envelope<'hooksResult'> & HooksResult;

export function hooksReport(result: HooksResult): HooksReport {
  return { ...envelope('hooksResult'), ...result };
}

export function renderHooksText(report: HooksReport): string {
  const lines = report.changes.map((c) => `${c.hook}: ${c.action}${c.action === 'chained' ? ' (the hook that was there runs first)' : ''}`);
  lines.push(`notes.rewriteRef ${AIPROV_NOTES_REF}: ${report.rewriteRef === 'absent' ? 'not set' : report.rewriteRef}`);
  for (const f of report.fetchRefspecs) lines.push(`remote.${f.remote}.fetch ${f.refspec}: ${f.action}`);
  const warnings = report.warnings.map((w) => `warning: ${w}\n`).join('');
  return `${report.hooksDir}\n${lines.map((l) => `  ${l}`).join('\n')}\n${warnings}`;
}
