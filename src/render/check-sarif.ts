import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { CheckReport } from '../gate/check.js';
import type { RiskRule } from '../gate/rules.js';
import { VERSION } from '../kernel/version.js';
import { type Severity } from '../policy/severity.js';

/** GitHub code scanning keeps at most this many results per run (and shows 5,000); more are left out, and the log says so. */
export const MAX_RESULTS = 25_000;

const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.0', low: '2.0' };

function ruleHelp(rule: RiskRule): string {
  const c = rule.controls;
  const line = (label: string, ids: string[]): string => (ids.length > 0 ? `- ${label}: ${ids.join('; ')}\n` : '');
  return `${rule.rationale}\n\nAI-written changes under this rule need an authenticated human review before the gate passes them (the forge's approval of the head, a review/v1 signed by a signer the base's review.signers lists, or a Reviewed-by: on a commit signed by the person it names; an unsigned trailer or note is a claim and does not count), by someone who did not drive the agent.\n\nControls:\n${line('NIST SSDF', c.ssdf)}${line('OWASP ASVS 5.0', c.asvs)}${line('SLSA', c.slsa)}${line('SOC 2', c.soc2)}${line('ISO/IEC 27001:2022 Annex A', c.iso27001)}${line('CoSAI risk map', c.cosai)}${line('OWASP AISVS appendix C', c.aisvs)}${line('Project CodeGuard (the rule that should have guided the agent)', c.codeguard)}`;
}

/**
 * The gate's findings as SARIF 2.1.0 for code scanning: each AI-written hunk
 * under a risk rule (an error while it waits for review, a note once
 * reviewed, a warning when the policy does not escalate its tier), each
 * secret, each flagged introduced dependency. Rules carry their rationale and
 * control mappings as help. Within GitHub's limits: past 25,000 results the
 * least severe are left out and the run says how many.
 */
export function renderCheckSarif(report: CheckReport): Log {
  const rules: ReportingDescriptor[] = report.rules.map((r) => ({
    id: `risk/${r.id}`,
    name: r.title.replace(/[^A-Za-z0-9]+/g, ''),
    shortDescription: { text: r.title },
    fullDescription: { text: r.rationale },
    help: { text: ruleHelp(r), markdown: ruleHelp(r) },
    defaultConfiguration: { level: report.escalate.includes(r.tier) ? 'error' : 'warning' },
    properties: { 'security-severity': SECURITY_SEVERITY[r.tier], 'tags': ['security', 'ai-generated-code', `tier-${r.tier}`], 'controls': r.controls },
  }));
  const results = [...report.hunks.map((h) => hunkResult(h, rules, claimsSaid(report))), ...findingResults(report, rules)];
  // Most severe first, so that a truncation leaves out the least severe.
  const order = { error: 0, warning: 1, note: 2, none: 3 } as const;
  results.sort((a, b) => order[a.level ?? 'warning'] - order[b.level ?? 'warning']);
  const left = Math.max(0, results.length - MAX_RESULTS);
  const notifications = [
    ...(left > 0
      ? [
          {
            level: 'warning' as const,
            message: {
              text: `${left} of ${results.length} results left out: GitHub code scanning keeps at most ${MAX_RESULTS} per run (the least severe were dropped; the JSON report has all of them)`,
            },
          },
        ]
      : []),
    ...(report.couldNotDecide !== null ? [{ level: 'error' as const, message: { text: `could not decide: ${report.couldNotDecide}` } }] : []),
  ];
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'aiprov', version: VERSION, informationUri: 'https://aiprov.dev', rules } },
        invocations: [{ executionSuccessful: report.couldNotDecide === null, toolExecutionNotifications: notifications }],
        results: results.slice(0, MAX_RESULTS),
        properties: { decision: report.decision, reasons: report.reasons, ...(left > 0 ? { truncated: { leftOut: left, of: results.length } } : {}) },
      },
    ],
  };
}

/** The reviews that do not count, said beside a waiting hunk (a claim shown, so nobody takes it for an approval that was lost). */
export function claimsSaid(report: Pick<CheckReport, 'reviews'>): string {
  const rejected = report.reviews.filter((r) => r.rejected !== undefined);
  if (rejected.length === 0) return '';
  const shown = rejected.slice(0, 3).map((r) => `${r.reviewer}: ${r.rejected ?? ''}`);
  return ` (not counted: ${shown.join('; ')}${rejected.length > 3 ? `; and ${rejected.length - 3} more` : ''})`;
}

/** A hunk under a risk rule: an error while it waits for review, a note once reviewed, a warning when its tier is not escalated. */
function hunkResult(h: CheckReport['hunks'][number], rules: readonly ReportingDescriptor[], claims: string): Result {
  const ruleIndex = rules.findIndex((r) => r.id === `risk/${h.rule}`);
  const who = h.agents.length > 0 ? `AI-written (${h.agents.join(', ')})` : 'Changed';
  const state = !h.escalated
    ? 'under a rule the policy does not escalate'
    : h.reviewedBy.length > 0
      ? `reviewed by ${h.reviewedBy.join(', ')}`
      : `without a human review${claims}`;
  return {
    ruleId: `risk/${h.rule}`,
    ...(ruleIndex !== -1 ? { ruleIndex } : {}),
    level: !h.escalated ? 'warning' : h.reviewedBy.length > 0 ? 'note' : 'error',
    message: { text: `${who} ${h.title.toLowerCase()} change ${state}: ${h.rationale} (${h.because})` },
    locations: [
      { physicalLocation: { artifactLocation: { uri: h.path }, ...(h.startLine > 0 ? { region: { startLine: h.startLine, endLine: h.endLine } } : {}) } },
    ],
    partialFingerprints: { riskHunk: `${h.rule}/${h.path}/${h.startLine}` },
    properties: { 'tier': h.tier, 'agents': h.agents, 'reviewedBy': h.reviewedBy, 'commits': h.commits, 'security-severity': SECURITY_SEVERITY[h.tier] },
  };
}

/** Each secret and each flagged introduced dependency, under rules of their own (added to `rules` the first time). */
function findingResults(report: CheckReport, rules: ReportingDescriptor[]): Result[] {
  const extra = (id: string, text: string, severity: string): number => {
    const at = rules.findIndex((r) => r.id === id);
    if (at !== -1) return at;
    rules.push({
      id,
      name: id.replace(/[^A-Za-z0-9]+/g, ''),
      shortDescription: { text },
      defaultConfiguration: { level: 'error' },
      properties: { 'security-severity': severity, 'tags': ['security'] },
    });
    return rules.length - 1;
  };
  const results: Result[] = [];
  for (const s of report.secrets) {
    const id = `secret/${s.rule.replace('@secretlint/secretlint-rule-', '')}`;
    results.push({
      ruleId: id,
      ruleIndex: extra(id, 'A secret in the added lines', '9.5'),
      level: 'error',
      message: { text: `${s.message}${s.ai ? ' (written by an agent)' : ''}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: s.path }, region: { startLine: s.line } } }],
      partialFingerprints: { secret: `${s.rule}/${s.path}/${s.line}` },
    });
  }
  for (const d of report.dependencies.failing) {
    const id = `dependency/${d.verdict}`;
    results.push({
      ruleId: id,
      ruleIndex: extra(id, `An introduced dependency the audit finds ${d.verdict}`, '9.0'),
      level: 'error',
      message: { text: `${d.ecosystem}:${d.name} is ${d.verdict}${d.ai ? ' (added by an agent)' : ''}: ${d.findings.join('; ')}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: d.file }, ...(d.line > 0 ? { region: { startLine: d.line } } : {}) } }],
      partialFingerprints: { dependency: `${d.ecosystem}/${d.name}` },
    });
  }
  return results;
}
