import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { DepsReport } from '../deps/audit.js';
import type { DependencyReport, SignalFinding, Severity, SignalId } from '../deps/types.js';
import { VERSION } from '../kernel/version.js';
import { table, truncate, type Style } from './style.js';

const RULES: Record<SignalId, { name: string; text: string; severity: Severity }> = {
  'invalid-name': { name: 'InvalidPackageName', text: 'The name is not a valid package name of its ecosystem: not looked up.', severity: 'high' },
  'not-found': { name: 'PackageNotFound', text: 'The package does not exist on its registry: a hallucinated name anyone can register.', severity: 'critical' },
  'unpublished': { name: 'PackageUnpublished', text: 'Every version of the package was unpublished: the name can be taken again.', severity: 'critical' },
  'security-holding': {
    name: 'SecurityHoldingPackage',
    text: 'The registry replaced the package with a security holding package: it was malware.',
    severity: 'critical',
  },
  'unknown-extra': {
    name: 'UnknownExtra',
    text: 'The requirement asks for an extra the package does not define: installers drop it with at most a warning.',
    severity: 'medium',
  },
  'typosquat': { name: 'Typosquat', text: 'The name is one slip away from a popular package.', severity: 'high' },
  'new-package': { name: 'NewPackage', text: 'The package was first published recently.', severity: 'medium' },
  'low-popularity': { name: 'LowPopularity', text: 'Few people download the package.', severity: 'low' },
  'install-scripts': { name: 'InstallScripts', text: 'The package runs scripts when installed.', severity: 'medium' },
  'no-repository': { name: 'NoRepository', text: 'The package names no source repository.', severity: 'low' },
  'deprecated': { name: 'Deprecated', text: 'The package version is deprecated.', severity: 'low' },
  'expired-suppression': { name: 'ExpiredSuppression', text: 'A suppression in .aiprov.yml has expired.', severity: 'medium' },
};

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.0', low: '2.0' };

function who(d: DependencyReport): string {
  const i = d.introducedBy;
  if (!i) return '';
  return i.ai ? `added by ${i.agents.join(', ')} in ${i.sha.slice(0, 10)}` : `added in ${i.sha.slice(0, 10)} (no AI signature)`;
}

function dependencies(n: number): string {
  return `${n} ${n === 1 ? 'dependency' : 'dependencies'}`;
}

function label(d: DependencyReport): string {
  return `${d.ecosystem}:${d.name}`;
}

export function renderDepsTable(report: DepsReport, style: Style): string {
  const s = report.summary;
  const lines = [
    `${style.bold('aiprov deps')}  ${report.repository?.root ?? 'names from the command line'}`,
    `${dependencies(s.dependencies)}: ${s.byVerdict.malicious} malicious, ${s.byVerdict.hallucinated} hallucinated, ${s.byVerdict.suspicious} suspicious, ${s.byVerdict.warn} warn, ${s.byVerdict.ok} ok, ${s.unknown} unknown` +
      (s.notLookedUp > 0 ? `, ${s.notLookedUp} not looked up (URLs, paths, this repository's own packages)` : '') +
      (s.skipped > 0 ? `, ${s.skipped} skipped (deps.skip)` : '') +
      (s.suppressed > 0 ? `; ${s.suppressed} findings suppressed` : ''),
  ];
  // Names nobody could check, with nothing else to say, are grouped below by ecosystem: one line, not one row each.
  const unchecked = (d: DependencyReport): boolean => d.verdict === 'unknown' && d.findings.every((f) => f.suppressed);
  const flagged = report.dependencies.filter((d) => d.verdict !== 'ok' && d.local === undefined && d.skipped !== true && !unchecked(d));
  if (flagged.length > 0) {
    lines.push('', style.bold('Findings'));
    const rows: string[][] = [['VERDICT', 'PACKAGE', 'FINDING', 'WHERE', 'INTRODUCED']];
    for (const d of flagged) {
      const where = d.sources[0] ? `${d.sources[0].file}:${d.sources[0].line}${d.sources.length > 1 ? ` +${d.sources.length - 1}` : ''}` : '';
      const active = d.findings.filter((f) => !f.suppressed);
      if (active.length === 0) rows.push([d.verdict, label(d), d.error ? truncate(d.error, 90) : '-', where, who(d)]);
      for (const f of active) rows.push([d.verdict, label(d), `${f.severity} ${f.id}${f.suggestion ? ` (did you mean ${f.suggestion}?)` : ''}`, where, who(d)]);
    }
    lines.push(...table(rows));
  }
  const notChecked = notCheckedLines(report.dependencies.filter((d) => d.local === undefined && d.skipped !== true && unchecked(d)));
  if (notChecked.length > 0) lines.push('', style.bold('Not checked (no answer; --format json lists each name with its reason)'), ...notChecked);
  const notEvaluated = notEvaluatedLines(report);
  if (notEvaluated.length > 0)
    lines.push('', style.bold('Not evaluated (the registry gave no data; --require-signals makes such a package unknown)'), ...notEvaluated);
  if (s.failing > 0) lines.push('', `${s.failing} finding${s.failing === 1 ? '' : 's'} at or above ${report.failOn}.`);
  const undecided = [
    s.unknown > 0 ? `${s.unknown} could not be checked` : '',
    s.unreadFiles > 0 ? `${s.unreadFiles} file${s.unreadFiles === 1 ? '' : 's'} could not be read` : '',
  ]
    .filter((x) => x !== '')
    .join(' and ');
  if (undecided !== '')
    lines.push(
      '',
      report.allowUnknown === true ? `${undecided}: accepted with --allow-unknown.` : `${undecided}: that is not "clean" (--allow-unknown to accept it).`,
    );
  return lines.join('\n') + '\n';
}

const NAMES_SHOWN = 12;

/** One line per ecosystem of names no registry answered for: how many, the first dozen, and the first reason. */
function notCheckedLines(unknown: DependencyReport[]): string[] {
  const byEcosystem = new Map<string, DependencyReport[]>();
  for (const d of unknown) {
    const group = byEcosystem.get(d.ecosystem);
    if (group) group.push(d);
    else byEcosystem.set(d.ecosystem, [d]);
  }
  return [...byEcosystem].map(([ecosystem, deps]) => {
    const names = deps.slice(0, NAMES_SHOWN).map((d) => d.name);
    const more = deps.length > NAMES_SHOWN ? ` and ${deps.length - NAMES_SHOWN} more` : '';
    return `${ecosystem}: ${deps.length} name${deps.length === 1 ? '' : 's'} (${names.join(', ')}${more}): ${truncate(deps[0]?.error ?? 'no answer', 120)}`;
  });
}

/** One line per signal that could not be evaluated, naming the packages (the first dozen; JSON has them all). */
function notEvaluatedLines(report: DepsReport): string[] {
  const bySignal = new Map<SignalId, string[]>();
  for (const d of report.dependencies) {
    if (d.local !== undefined) continue;
    for (const id of d.unknownSignals) bySignal.set(id, [...(bySignal.get(id) ?? []), label(d)]);
  }
  return [...bySignal].map(
    ([id, names]) =>
      `${id} (${names.length}): ${names.slice(0, NAMES_SHOWN).join(', ')}${names.length > NAMES_SHOWN ? `, +${names.length - NAMES_SHOWN} more (--format json lists them all)` : ''}`,
  );
}

export function renderDepsMarkdown(report: DepsReport): string {
  const s = report.summary;
  const out = [
    '## Dependency audit',
    '',
    `${dependencies(s.dependencies)}: ${s.byVerdict.malicious} malicious, ${s.byVerdict.hallucinated} hallucinated, ${s.byVerdict.suspicious} suspicious, ${s.byVerdict.warn} warn, ${s.byVerdict.ok} ok, ${s.unknown} unknown.`,
    '',
  ];
  const flagged = report.dependencies.filter((d) => d.verdict !== 'ok' && d.local === undefined);
  if (flagged.length > 0) {
    out.push('| Verdict | Package | SignalFinding | Where | Introduced |', '|---|---|---|---|---|');
    for (const d of flagged) {
      const where = d.sources
        .map((src) => `\`${src.file}:${src.line}\``)
        .slice(0, 3)
        .join(', ');
      const text =
        d.findings
          .filter((f) => !f.suppressed)
          .map((f) => `**${f.severity}** ${esc(f.message)}`)
          .join('<br>') || esc(d.error ?? '');
      out.push(`| ${d.verdict} | \`${label(d)}\` | ${text} | ${where} | ${who(d)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

function esc(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** SARIF 2.1.0: one rule per signal, one result per finding and place it was found. */
export function renderDepsSarif(report: DepsReport): Log {
  const ids = Object.keys(RULES) as SignalId[];
  const rules: ReportingDescriptor[] = ids.map((id) => ({
    id,
    name: RULES[id].name,
    shortDescription: { text: RULES[id].text },
    fullDescription: { text: RULES[id].text },
    helpUri: 'https://aiprov.dev/docs/deps',
    defaultConfiguration: { level: LEVEL[RULES[id].severity] },
    properties: { 'security-severity': SECURITY_SEVERITY[RULES[id].severity], 'tags': ['security', 'supply-chain'] },
  }));
  const results: Result[] = [];
  for (const d of report.dependencies) {
    for (const f of d.findings) {
      results.push({
        ruleId: f.id,
        ruleIndex: ids.indexOf(f.id),
        level: LEVEL[f.severity],
        message: { text: `${label(d)}: ${f.message}${d.introducedBy?.ai ? ` (${who(d)})` : ''}` },
        locations: d.sources.map((src) => ({ physicalLocation: { artifactLocation: { uri: src.file }, region: { startLine: src.line } } })),
        partialFingerprints: { packageFinding: `${d.ecosystem}/${d.name}/${f.id}` },
        properties: {
          'ecosystem': d.ecosystem,
          'package': d.name,
          'verdict': d.verdict,
          'security-severity': SECURITY_SEVERITY[f.severity],
          ...(f.suggestion ? { suggestion: f.suggestion } : {}),
        },
        ...(f.suppressed ? { suppressions: [{ kind: 'external' as const, justification: suppressionText(f) }] } : {}),
      });
    }
  }
  const unknown = report.dependencies.filter((d) => d.verdict === 'unknown' && d.local === undefined);
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'aiprov', version: VERSION, informationUri: 'https://aiprov.dev', rules } },
        invocations: [
          {
            executionSuccessful: unknown.length === 0,
            toolExecutionNotifications: unknown.map((d) => ({
              level: 'warning' as const,
              message: { text: `${label(d)} could not be checked: ${d.error ?? 'unknown'}` },
            })),
          },
        ],
        results,
      },
    ],
  };
}

function suppressionText(f: SignalFinding): string {
  return f.suppressed ? `${f.suppressed.reason}${f.suppressed.expires ? ` (until ${f.suppressed.expires})` : ''}` : '';
}
