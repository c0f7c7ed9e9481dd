import type { CollectResult } from '../inventory/collect.js';
import type { ManyResult } from '../inventory/many.js';
import { envelope, type Envelope } from '../kernel/schemas.js';

/** What `aiprov collect` added to the store (schemas/collect-report.schema.json). */
export interface CollectReport extends Envelope<'collectReport'> {
  store: string;
  repositories: (CollectResult | ManyResult)[];
}

export function collectReport(store: string, repositories: (CollectResult | ManyResult)[]): CollectReport {
  return { ...envelope('collectReport'), store, repositories };
}

export function renderCollectText(report: CollectReport): string {
  const lines = report.repositories.map((r) => ('error' in r ? `${r.path}: not collected: ${r.error.message}` : collectedLine(r)));
  const failed = report.repositories.filter((r) => 'error' in r).length;
  const tail =
    report.repositories.length > 1
      ? [`${report.repositories.length - failed} of ${report.repositories.length} repositories collected into ${report.store}`]
      : [];
  return `${[...lines, ...tail].join('\n')}\n`;
}

function collectedLine(r: CollectResult & { path?: string }): string {
  const name = `${r.repository.name} at ${r.head.slice(0, 12)}`;
  const share = r.totals.lines === 0 ? '0.0' : ((100 * r.totals.aiLines) / r.totals.lines).toFixed(1);
  const figures = `${r.totals.commits} commits, ${r.totals.lines} lines, ${r.totals.aiLines} AI-written (${share}%)`;
  const c = r.commits;
  switch (r.mode) {
    case 'unchanged':
      return `${name}: unchanged since the last collection; nothing added (${figures})`;
    case 'superseded':
      return `${name}: not written: the store holds a newer head (${r.previousHead?.slice(0, 12) ?? '?'})`;
    case 'first':
      return `${name}: first collection: ${c.added} commits added (${figures})`;
    case 'updated':
    case 'rewritten':
      return `${name}: ${c.added} commits added, ${c.changed} changed, ${c.removed} removed${r.mode === 'rewritten' ? ' (history rewritten)' : ''} (${figures})`;
  }
}
