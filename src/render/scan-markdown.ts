import { describeDetection, formatModels, headline, shortDate, type ScanView } from './scan-view.js';

/**
 * Markdown is for a pull request's comment or a job summary (GitHub caps a
 * comment at 65,536 characters): at most this many commits are listed, the
 * newest first, with how many more there are. The table and JSON list all.
 */
export const MARKDOWN_COMMITS = 100;

export function renderScanMarkdown(view: ScanView): string {
  const lines: string[] = [
    '## AI authorship',
    '',
    `${view.range.all ? 'All refs' : `Range \`${view.range.spec}\``} of \`${view.repository.root}\`${view.repository.shallow ? ' (shallow clone: older history missing)' : ''}.`,
    '',
    headline(view) + '.',
    '',
  ];
  const agents = Object.entries(view.summary.byAgent);
  if (agents.length > 0) {
    lines.push('| Agent | Commits | Declared | Inferred | Models |', '|---|---:|---:|---:|---|');
    for (const [agent, s] of agents) lines.push(`| ${agent} | ${s.commits} | ${s.declared} | ${s.inferred} | ${escape(formatModels(s.models))} |`);
    lines.push('');
  }
  const automation = Object.entries(view.summary.byAutomation);
  if (automation.length > 0) lines.push(`Automation (not AI): ${automation.map(([bot, n]) => `${bot} ${n}`).join(', ')}.`, '');
  if (view.range.leftOut) lines.push(`Left out as other tools' bookkeeping: ${view.range.leftOut.map((r) => `\`${r.ref}\` (${r.tool})`).join(', ')}.`, '');
  if (view.notable.length > 0) {
    lines.push('| Commit | Date | Agents | Confidence | Subject |', '|---|---|---|---|---|');
    for (const c of view.notable.slice(0, MARKDOWN_COMMITS)) {
      lines.push(
        `| \`${c.sha.slice(0, 12)}\` | ${shortDate(c.authoredAt)} | ${escape(c.detections.map(describeDetection).join(', '))} | ${[...new Set(c.detections.map((d) => d.confidence))].join('/')} | ${escape(c.subject)} |`,
      );
    }
    lines.push('');
    const more = view.notable.length - MARKDOWN_COMMITS;
    if (more > 0)
      lines.push(
        `… and ${more} more commit${more === 1 ? '' : 's'} with AI signatures (the newest ${MARKDOWN_COMMITS} are listed; \`--format json\` lists them all).`,
        '',
      );
  }
  for (const warning of view.warnings) lines.push(`> **Warning:** ${escape(warning.message)}`, '');
  return lines.join('\n');
}

function escape(text: string): string {
  return text.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
}
