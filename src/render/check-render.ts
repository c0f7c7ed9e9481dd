import type { CheckReport, RiskyHunk } from '../gate/check.js';
import { printable } from './printable.js';
import type { Style } from './style.js';

/** The header says the outcome, which the exit code carries: could not decide is neither a pass nor a review to wait for. */
const OUTCOME = { 'pass': 'PASS', 'needs-review': 'NEEDS REVIEW', 'fail': 'FAIL', 'undecided': 'COULD NOT DECIDE' } as const;

/** Where a hunk is: `path:start-end`, `path:line`, or the path alone for a change that removed lines only. */
export function hunkLocation(h: RiskyHunk): string {
  return h.startLine === 0 ? h.path : `${h.path}:${h.startLine}${h.endLine !== h.startLine ? `-${h.endLine}` : ''}`;
}

/** The gate's decision as a person reads it in a CI log: the decision and why, then each escalation with its rule and reason. */
export function renderCheckTable(report: CheckReport, style: Style): string {
  const c = report.change;
  const agents = Object.entries(c.byAgent)
    .sort((a, b) => b[1] - a[1])
    .map(([a, n]) => `${a} ${n}`)
    .join(', ');
  const lines = [
    style.bold(`aiprov check  ${report.base.slice(0, 12)}..${report.head.slice(0, 12)}  ${OUTCOME[report.outcome]}`),
    `${c.commits} commit${c.commits === 1 ? '' : 's'} (${c.aiCommits} by agents), ${c.lines} lines added, ${c.aiLines} by agents (${(c.aiShare * 100).toFixed(1)}%)${agents ? `: ${agents}` : ''}`,
    `policy: ${printable(report.policySource)}; review needed for AI-written ${report.escalate.join(', ')} hunks`,
    ...report.reasons.map((r) => `  ${printable(r)}`),
    ...(report.couldNotDecide !== null ? [`  could not decide: ${printable(report.couldNotDecide)}`] : []),
  ];
  const escalated = report.hunks.filter((h) => h.escalated);
  if (escalated.length > 0) {
    lines.push('', style.bold('Escalations'));
    for (const h of escalated) {
      const where = hunkLocation(h);
      lines.push(
        `${(h.reviewedBy.length > 0 ? 'reviewed' : 'WAITING').padEnd(9)} ${h.tier.padEnd(8)} ${h.rule.padEnd(24)} ${printable(where)}  ${h.agents.length > 0 ? `by ${h.agents.join(', ')}` : 'by a person'}`,
      );
      lines.push(
        `          ${printable(h.rationale)} (${printable(h.because)})${h.reviewedBy.length > 0 ? `; reviewed by ${printable(h.reviewedBy.join(', '))}` : h.reviewers ? `; needs a review by ${printable(h.reviewers.join(' or '))}` : ''}`,
      );
    }
  }
  const other = report.hunks.filter((h) => !h.escalated);
  if (other.length > 0) {
    lines.push('', style.bold('Also under risk rules (not escalated by the policy)'));
    for (const h of other) lines.push(`${h.tier.padEnd(8)} ${h.rule.padEnd(24)} ${printable(`${h.path}:${h.startLine}`)}`);
  }
  if (report.dependencies.failing.length > 0 || report.dependencies.unknown.length > 0) {
    lines.push('', style.bold(`Introduced dependencies (${report.dependencies.introduced} new name${report.dependencies.introduced === 1 ? '' : 's'})`));
    for (const d of [...report.dependencies.failing, ...report.dependencies.unknown]) {
      lines.push(
        `${d.verdict.padEnd(12)} ${printable(`${d.ecosystem}:${d.name}`)}  ${printable(`${d.file}:${d.line}`)}${d.ai ? '  (written by an agent)' : ''}`,
      );
      for (const f of d.findings) lines.push(`             ${printable(f)}`);
    }
  }
  // --allow-unknown accepts names no registry answered for, and nothing else (not unread files, not unread approvals).
  const namesOnly =
    report.dependencies.unknown.length > 0 && report.couldNotDecide?.startsWith(`${report.dependencies.unknown.length} introduced name`) === true;
  if (report.couldNotDecide !== null)
    lines.push('', `could not decide: ${printable(report.couldNotDecide)}${namesOnly ? ' (--allow-unknown accepts them)' : ''}`);
  if (report.secrets.length > 0) {
    lines.push('', style.bold('Secrets (redacted)'));
    for (const s of report.secrets)
      lines.push(
        `${printable(`${s.path}:${s.line}`)}  ${printable(s.rule.replace('@secretlint/secretlint-rule-', ''))}  ${printable(s.message)}${s.ai ? '  (written by an agent)' : ''}`,
      );
  }
  const scanner = report.scannerFindings;
  if (scanner && scanner.findings.length > 0) {
    lines.push(
      '',
      style.bold(
        `Scanner findings the change's AI-written lines introduced (${scanner.rule}${scanner.baseGiven ? '' : "; no log of the base: every finding on the change's lines is new"})`,
      ),
    );
    for (const f of scanner.findings)
      lines.push(
        `${f.action === 'fail' ? 'fail    ' : f.action === 'escalate' ? (f.reviewedBy.length > 0 ? 'reviewed' : 'waiting ') : 'reported'}  ${printable(`${f.path}:${f.startLine}`)}  ${printable(`${f.tool} ${f.ruleId}`)}  ${f.severity ?? f.level}  ${printable(f.agents.join(', '))}${f.suppressionIgnored ? "  (suppressed in the log: not believed for the change's own lines)" : ''}`,
      );
  }
  const rejected = report.reviews.filter((r) => r.rejected !== undefined);
  if (rejected.length > 0) {
    lines.push('', style.bold('Reviews that do not count'));
    for (const r of rejected) lines.push(`${r.commit.slice(0, 12)}  ${printable(r.reviewer)}: ${printable(r.rejected ?? '')}`);
  }
  for (const w of report.warnings) lines.push(`warning: ${printable(w.message)}`);
  return `${lines.join('\n')}\n`;
}
