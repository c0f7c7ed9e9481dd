import path from 'node:path';
import type { DemoReport } from '../demo/demo.js';
import type { Style } from './style.js';

/**
 * The end of the demo's story: what it left alone on purpose (a person named
 * Claude is a person), and what to try next on the sample and on your own
 * repository.
 */
export function renderDemoEpilogue(report: DemoReport, style: Style): string {
  const people = report.scan.commits.filter((c) => !c.ai && !c.automation && /claude/i.test(`${c.author.name} ${c.subject}`));
  const { bom } = report;
  const { attestations: att } = report;
  const attested = att.bundles.map((b) => `  ${b.verified ? 'verified' : 'NOT VERIFIED'}  ${b.predicate.padEnd(10)} ${b.checks} checks passed  ${b.file}`);
  const tampered = att.tampered.verified
    ? '  a tampered copy VERIFIED: this is a bug, please report it'
    : `  refused   a copy claiming 0 AI lines: ${att.tampered.failedCheck ?? ''} check failed (${att.tampered.detail})`;
  const lines = [
    '',
    style.bold('AI-BOM'),
    `CycloneDX ${bom.specVersion}, ${bom.models} models, ${bom.agents} agents, ${bom.libraries} libraries: ${bom.file}`,
    bom.summary,
    '',
    style.bold('Attestations'),
    `HEAD signed with an ephemeral demo key (public half: ${att.publicKey}), stored as files and in refs/notes/aiprov-attestations, verified offline:`,
    ...attested,
    tampered,
    '',
    ...gateLines(report, style),
    '',
    `The demo exits 0 whatever it finds: it shows the checks, it does not gate. The commands themselves exit 1 on findings.`,
    '',
    style.bold('Not flagged, on purpose'),
  ];
  for (const c of people)
    lines.push(
      `${c.sha.slice(0, 12)}  ${c.author.name}: a person named Claude, whose message mentions Claude Code; no agent signed it, so it counts as human.`,
    );
  if (people.length === 0) lines.push('(nothing)');
  lines.push(
    '',
    style.bold('Written'),
    `  ${report.repository}   the sample repository (main, and the pull request ${report.gate.pullRequest}; notes refs/notes/aiprov-attestations, aiprov-reviews, aiprov-checks)`,
    `  ${bom.file}`,
    `  ${path.dirname(att.publicKey)}/   the signed bundles and the demo key's public half`,
    `  ${report.dashboard}   the dashboard of it all (open it in a browser)`,
  );
  lines.push(
    '',
    style.bold('Next'),
    `  npx aiprov scan --repo ${report.repository} --format markdown`,
    `  npx aiprov blame --repo ${report.repository} src`,
    `  npx aiprov deps audit --repo ${report.repository} --offline   # the audit above needs the demo's registry; this asks yours (here: the cache only)`,
    `  npx aiprov deps check expres crossenv in-toto-attestation   # hallucinated and typosquatted names`,
    `  npx aiprov bom --repo ${report.repository} --reproducible    # the AI-BOM again (add --deps to audit with your registry)`,
    `  npx aiprov verify --repo ${report.repository} --from-notes --type authorship --key ${att.publicKey}`,
    `  npx aiprov check --repo ${report.repository} --base main --head ${report.gate.pullRequest} --no-record`,
    '  npx --no aiprov scan --repo PATH/TO/YOUR/REPOSITORY        # your own repository (from this clone, or wherever aiprov is installed)',
  );
  return lines.join('\n') + '\n';
}

/** The pull request's way through the gate, as the demo tells it. */
function gateLines(report: DemoReport, style: Style): string[] {
  const g = report.gate;
  const decision = (d: string): string => d.toUpperCase().replace('-', ' ');
  return [
    style.bold(`The gate on pull request ${g.pullRequest}`),
    `aiprov check main..${g.pullRequest}: ${decision(g.before.decision)}`,
    ...g.before.reasons.map((r) => `  ${r}`),
    ...g.before.escalations.map((e) => `  waiting for review: ${e}`),
    `aiprov review --decision approve --scope ${g.review.scope.join(',')}: recorded for ${g.review.reviewer}${g.review.signed ? ", signed with the reviewer's own key (the policy's review.signers trusts it for reviews only)" : ''}`,
    `aiprov check again: ${decision(g.after.decision)}${g.after.escalations.length === 0 ? ' (the authentication change is reviewed)' : ''}`,
    ...g.after.reasons.map((r) => `  ${r}`),
    `aiprov verify --type review on the pull request's head: ${g.verify.review.verified ? 'verified' : `NOT verified (${g.verify.review.detail})`}`,
    `aiprov verify --type deps on main, with the policy's default (no hallucinated package): ${g.verify.deps.verified ? 'verified' : `refused (${g.verify.deps.detail})`}`,
  ];
}
