import type { CheckReport } from '../gate/check.js';
import { hunkLocation } from './check-render.js';

/** The header says the outcome, which the exit code carries. */
const OUTCOME = { 'pass': '✅ pass', 'needs-review': '🟡 needs review', 'fail': '❌ fail', 'undecided': '⚪ could not decide' } as const;

/** Markdown text from the repository: table cells and code spans cannot be broken out of. */
function cell(text: string): string {
  return text.replace(/[\\`*_{}[\]<>()#+!|]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
}

/**
 * The gate for a pull-request comment or the job summary: the decision and
 * why, the AI share of the change by agent, the escalations with their rule
 * and reason, and the findings.
 */
export function renderCheckMarkdown(report: CheckReport): string {
  const maxHunks = report.output?.commentMaxHunks ?? 50;
  const c = report.change;
  const out = [
    `### aiprov check: ${OUTCOME[report.outcome]}${report.couldNotDecide !== null && report.outcome !== 'undecided' ? ' (some introduced names could not be checked)' : ''}`,
    '',
    `\`${report.base.slice(0, 12)}..${report.head.slice(0, 12)}\`: ${c.commits} commit${c.commits === 1 ? '' : 's'}, ${c.lines} lines added, **${(c.aiShare * 100).toFixed(1)}%** by agents. Policy: ${cell(report.policySource)}.`,
    '',
    ...report.reasons.map((r) => `- ${cell(r)}`),
    ...(report.couldNotDecide !== null ? [`- could not decide: ${cell(report.couldNotDecide)}`] : []),
  ];
  const agents = Object.entries(c.byAgent).sort((a, b) => b[1] - a[1]);
  if (agents.length > 0)
    out.push(
      '',
      '| agent | lines | share of the change |',
      '|---|---:|---:|',
      ...agents.map(([a, n]) => `| ${cell(a)} | ${n} | ${c.lines === 0 ? '0.0' : ((n / c.lines) * 100).toFixed(1)}% |`),
    );
  const escalated = report.hunks.filter((h) => h.escalated);
  if (escalated.length > 0) {
    out.push('', '#### Escalations', '', '| status | tier | rule | where | by | why |', '|---|---|---|---|---|---|');
    for (const h of escalated.slice(0, maxHunks)) {
      const where = hunkLocation(h);
      out.push(
        `| ${h.reviewedBy.length > 0 ? `reviewed by ${cell(h.reviewedBy.join(', '))}` : '**waiting for review**'} | ${h.tier} | ${cell(h.rule)} | \`${where.replace(/`/g, "'")}\` | ${cell(h.agents.join(', ') || 'a person')} | ${cell(h.rationale)} |`,
      );
    }
  }
  if (escalated.length > maxHunks) out.push('', `…and ${escalated.length - maxHunks} more escalations (the JSON and SARIF reports list all of them).`);
  if (report.secrets.length > 0)
    out.push(
      '',
      '#### Secrets (redacted)',
      '',
      ...report.secrets.map((s) => `- \`${`${s.path}:${s.line}`.replace(/`/g, "'")}\` ${cell(s.message)}${s.ai ? ' (written by an agent)' : ''}`),
    );
  const scanned = report.scannerFindings?.findings ?? [];
  if (scanned.length > 0)
    out.push(
      '',
      "#### Scanner findings in the change's AI-written lines",
      '',
      ...scanned
        .slice(0, maxHunks)
        .map(
          (f) =>
            `- ${f.action === 'fail' ? '**fails**' : f.action === 'escalate' ? (f.reviewedBy.length > 0 ? `reviewed by ${cell(f.reviewedBy.join(', '))}` : '**waiting for review**') : 'reported'} \`${`${f.path}:${f.startLine}`.replace(/`/g, "'")}\` ${cell(`${f.tool} ${f.ruleId}`)} (${f.severity ?? f.level}), by ${cell(f.agents.join(', '))}`,
        ),
    );
  const claims = report.reviews.filter((r) => r.rejected !== undefined);
  if (claims.length > 0)
    out.push(
      '',
      '#### Reviews that do not count',
      '',
      ...claims.slice(0, maxHunks).map((r) => `- ${cell(r.reviewer)} (${r.via}, on \`${r.commit.slice(0, 12)}\`): ${cell(r.rejected ?? '')}`),
      ...(claims.length > maxHunks ? [`- …and ${claims.length - maxHunks} more (the JSON report lists all of them).`] : []),
    );
  if (report.dependencies.failing.length > 0)
    out.push(
      '',
      '#### Introduced dependencies',
      '',
      ...report.dependencies.failing.map(
        (d) => `- **${cell(`${d.ecosystem}:${d.name}`)}** is ${d.verdict}${d.ai ? ' (added by an agent)' : ''}: ${cell(d.findings.join('; '))}`,
      ),
    );
  return `${out.join('\n')}\n`;
}
