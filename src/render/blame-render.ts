import { coverageLines } from './coverage-render.js';
import { isSharedKey, sharersOf } from '../blame/attribute.js';
import type { BlameReport, LineCounts } from '../blame/types.js';
import { table, type Style } from './style.js';

function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((part / whole) * 100).toFixed(1)}%`;
}

/** Rows by agent or model; lines credited to several are a row of their own that names them. */
function breakdown(record: Record<string, number>, aiLines: number, several: 'agents' | 'models'): string[][] {
  return Object.entries(record)
    .sort(([, a], [, b]) => b - a)
    .map(([k, v]) => [isSharedKey(k) ? `${sharersOf(k).join(' + ')} (shared by these ${several})` : k, String(v), percent(v, aiLines)]);
}

function scope(report: BlameReport): string {
  const rev = `${report.revSpec} (${report.rev.slice(0, 12)})`;
  return report.since ? `lines introduced after ${report.sinceSpec ?? ''} (${report.since.slice(0, 12)}) up to ${rev}` : `all lines at ${rev}`;
}

function totalsLine(c: LineCounts & { files: number }): string {
  return `${c.aiLines} of ${c.lines} lines (${percent(c.aiLines, c.lines)}) in ${c.files} files carry AI authorship`;
}

export function renderBlameTable(report: BlameReport, style: Style): string {
  const t = report.totals;
  const lines = [`${style.bold('aiprov blame')}  ${report.repository.root}  ${scope(report)}`, totalsLine(t)];
  if (report.directories.length > 0) {
    lines.push('', style.bold('By directory'));
    lines.push(
      ...table(
        [
          ['DIRECTORY', 'FILES', 'LINES', 'AI LINES', 'AI SHARE'],
          ...report.directories.map((d) => [d.path, String(d.files), String(d.lines), String(d.aiLines), percent(d.aiLines, d.lines)]),
        ],
        new Set([1, 2, 3, 4]),
      ),
    );
  }
  if (t.aiLines > 0) {
    lines.push('', style.bold('By agent'), ...table([['AGENT', 'LINES', 'OF AI LINES'], ...breakdown(t.byAgent, t.aiLines, 'agents')], new Set([1, 2])));
    lines.push('', style.bold('By model'), ...table([['MODEL', 'LINES', 'OF AI LINES'], ...breakdown(t.byModel, t.aiLines, 'models')], new Set([1, 2])));
  }
  if (report.excluded.length > 0) {
    const counts = new Map<string, number>();
    for (const e of report.excluded) counts.set(e.reason, (counts.get(e.reason) ?? 0) + 1);
    lines.push('', `Left out: ${[...counts].map(([r, n]) => `${n} ${r}`).join(', ')} (--include-all to count them; --format json lists them)`);
  }
  if (report.suggestions) {
    const by = Object.entries(report.suggestions.byAgent).map(([agent, n]) => `${agent} ${n}`);
    lines.push(
      '',
      `${report.suggestions.lines} more line${report.suggestions.lines === 1 ? '' : 's'} from applied AI review suggestions (${by.join(', ')}): a person accepted them; not in the AI share above`,
    );
  }
  if (report.coverage) lines.push('', ...coverageLines(report.coverage, style));
  return lines.join('\n') + '\n';
}

export function renderBlameMarkdown(report: BlameReport): string {
  const t = report.totals;
  const out = ['## AI-written lines', '', `${totalsLine(t)}: ${scope(report).replace(/`/g, '')}.`, ''];
  if (report.directories.length > 0) {
    out.push('| Directory | Files | Lines | AI lines | AI share |', '|---|---:|---:|---:|---:|');
    for (const d of report.directories) out.push(`| \`${d.path}\` | ${d.files} | ${d.lines} | ${d.aiLines} | ${percent(d.aiLines, d.lines)} |`);
    out.push('');
  }
  if (t.aiLines > 0) {
    out.push('| Agent | Lines | Share of AI lines |', '|---|---:|---:|', ...breakdown(t.byAgent, t.aiLines, 'agents').map((r) => `| ${r.join(' | ')} |`), '');
    out.push('| Model | Lines | Share of AI lines |', '|---|---:|---:|', ...breakdown(t.byModel, t.aiLines, 'models').map((r) => `| ${r.join(' | ')} |`), '');
  }
  if (report.excluded.length > 0) out.push(`${report.excluded.length} binary, generated, vendored or linked files were left out.`, '');
  return out.join('\n');
}
