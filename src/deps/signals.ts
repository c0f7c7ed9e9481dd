import type { Lookup, PackageInfo } from './registry/types.js';
import type { DepsSettings, PackageSuppression } from './settings.js';
import type { TyposquatJudgement } from './typosquat/judge.js';
import { applySuppressions as applyPolicySuppressions } from '../policy/findings.js';
import { atOrAbove } from '../policy/severity.js';
import { canonicalName } from './names.js';
import type { Ecosystem, SignalFinding, SignalId, Verdict } from './types.js';

const REGISTRY: Record<Ecosystem, string> = { npm: 'the npm registry', pypi: 'PyPI', go: 'the Go module proxy', cargo: 'crates.io' };

export interface Evaluation {
  verdict: Verdict;
  findings: SignalFinding[];
  unknownSignals: SignalId[];
  error?: string;
}

export interface EvaluationInput {
  ecosystem: Ecosystem;
  name: string;
  lookup: Lookup;
  typo: TyposquatJudgement | undefined;
  /** What aiprov's shipped popularity data says of the name (rank; monthly downloads for npm), if it has it. */
  shipped?: { rank?: number | undefined; downloads?: number | undefined };
  /** Versions the repository pins (lockfiles, exact specs); install scripts and deprecation are checked on these. */
  versions?: string[];
  /** PyPI extras the repository asks for (`flask[async]`). */
  extras?: string[];
  settings: DepsSettings;
  now: Date;
}

/**
 * Turns what the registry said into findings and a verdict. A signal with no
 * data behind it is listed as unknown and never becomes a finding; a registry
 * that could not be asked makes the verdict unknown, never ok.
 */
export function evaluate(input: EvaluationInput): Evaluation {
  const { ecosystem, name, lookup, typo, settings } = input;
  const findings: SignalFinding[] = [];
  const unknownSignals: SignalId[] = [];
  const didYouMean = typo ? { suggestion: typo.target } : {};
  const hint = typo ? ` Did you mean \`${typo.target}\`?` : '';
  if (lookup.status === 'error') {
    // The offline check still speaks: the verdict stays unknown (the registry might show the name established), but the hint is given.
    if (typo) findings.push(typosquatFinding(name, typo, ' The registry could not be asked, so this is the offline check alone.'));
    return applySuppressions({ verdict: 'unknown', findings, unknownSignals, error: lookup.error }, input);
  }
  if (lookup.status === 'not-found') {
    findings.push({
      id: 'not-found',
      severity: 'critical',
      message: `\`${name}\` does not exist on ${REGISTRY[ecosystem]}: a hallucinated name, free for anyone to register.${hint}`,
      ...didYouMean,
    });
    return applySuppressions(withVerdict(findings, unknownSignals), input);
  }
  const info = lookup.info;
  if (info.securityHolding) {
    findings.push({
      id: 'security-holding',
      severity: 'critical',
      message: `\`${name}\` is npm's security holding package: the real one was removed as malware.${hint}`,
      evidence: `latest ${info.latest ?? '?'}`,
      ...didYouMean,
    });
  } else if (info.unpublished) {
    findings.push({
      id: 'unpublished',
      severity: 'critical',
      message: `\`${name}\` exists on ${REGISTRY[ecosystem]} with no versions left (unpublished): the name can be taken again.${hint}`,
      ...didYouMean,
    });
  }
  if (typo && !info.securityHolding && !info.unpublished) findings.push(typosquatFinding(name, typo, ''));
  const ageOf = (date: string): number => (input.now.getTime() - Date.parse(date)) / 86_400_000;
  if (info.created !== undefined) {
    const ageDays = ageOf(info.created);
    if (ageDays < settings.newPackageDays)
      findings.push({
        id: 'new-package',
        severity: 'medium',
        message: `\`${name}\` was first published ${Math.max(0, Math.floor(ageDays))} days ago (under ${settings.newPackageDays}).`,
        evidence: `created ${info.created}`,
      });
  } else if (info.createdAtOrBefore === undefined || ageOf(info.createdAtOrBefore) < settings.newPackageDays) {
    // No creation date, and the earliest version time (an estimate that can only be too late) does not show it is old enough.
    unknownSignals.push('new-package');
  }
  popularitySignal(input, info, findings, unknownSignals);
  extrasSignal(input, info, findings, unknownSignals);
  if (ecosystem === 'npm') versionSignals(input, info, findings, unknownSignals);
  if (info.repository === undefined) unknownSignals.push('no-repository');
  else if (info.repository === null && !info.securityHolding && !info.unpublished)
    findings.push({ id: 'no-repository', severity: 'low', message: `\`${name}\` names no source repository.` });
  return requireSignals(applySuppressions(withVerdict(findings, unknownSignals), input), settings.requireSignals);
}

const WHY_UNKNOWN: Partial<Record<SignalId, string>> = {
  'new-package': 'no creation date',
  'low-popularity': 'no download counts',
  'install-scripts': 'no manifest of the version',
  'deprecated': 'no manifest of the version',
  'no-repository': 'no repository field',
};

/** For users who need the guarantee (`--require-signals`): a package whose required signals could not be evaluated is unknown, not ok. */
function requireSignals(evaluation: Evaluation, required: readonly SignalId[]): Evaluation {
  if (evaluation.verdict !== 'ok' && evaluation.verdict !== 'warn') return evaluation;
  const missing = required.filter((id) => evaluation.unknownSignals.includes(id));
  if (missing.length === 0) return evaluation;
  return {
    ...evaluation,
    verdict: 'unknown',
    error: `could not evaluate ${missing.map((id) => `${id} (${WHY_UNKNOWN[id] ?? 'no data'})`).join(', ')}, which --require-signals asks for`,
  };
}

function typosquatFinding(name: string, typo: TyposquatJudgement, note: string): SignalFinding {
  const established = typo.established ? ` It is established on the registry (${typo.established}), so this is a warning, not a block.` : '';
  return {
    id: 'typosquat',
    severity: typo.severity,
    message: `\`${name}\` looks like a typo of the popular \`${typo.target}\` (${typo.how}). Did you mean \`${typo.target}\`?${established}${note}`,
    suggestion: typo.target,
  };
}

/**
 * An extra is not a package (PEP 685): `flask[standard-workers]` installs
 * flask, and an extra flask does not define is dropped with at most a
 * warning, so an agent's made-up extra silently installs less than it says.
 * Extras are checked against those the release defines; the other
 * ecosystems have none.
 */
function extrasSignal(input: EvaluationInput, info: PackageInfo, findings: SignalFinding[], unknownSignals: SignalId[]): void {
  const asked = input.extras ?? [];
  if (asked.length === 0) return;
  if (info.extras === undefined) {
    unknownSignals.push('unknown-extra');
    return;
  }
  const defined = info.extras;
  const missing = asked.filter((e) => !defined.includes(e));
  if (missing.length === 0) return;
  findings.push({
    id: 'unknown-extra',
    severity: 'medium',
    message: `\`${input.name}[${missing.join(',')}]\`: ${input.name} defines no extra ${missing.map((e) => `\`${e}\``).join(', ')} (it defines ${defined.length > 0 ? defined.map((e) => `\`${e}\``).join(', ') : 'none'}); the installer drops it, so less is installed than the requirement says.`,
    evidence: `defined extras: ${defined.join(', ') || 'none'}`,
  });
}

/**
 * Downloads from the registry's API; where it has none (PyPI, mirrors), from
 * aiprov's shipped data: a name in PyPI's 15,000 most downloaded is popular,
 * and npm's data has monthly downloads for 227,000 names. A name in neither is
 * an unknown signal, never a finding.
 */
function popularitySignal(input: EvaluationInput, info: PackageInfo, findings: SignalFinding[], unknownSignals: SignalId[]): void {
  const { name, settings, shipped } = input;
  if (info.monthlyDownloads === undefined && shipped?.rank !== undefined && shipped.downloads === undefined) return;
  const downloads = info.monthlyDownloads ?? shipped?.downloads;
  if (downloads === undefined) {
    unknownSignals.push('low-popularity');
    return;
  }
  if (downloads >= settings.minMonthlyDownloads) return;
  const source = info.monthlyDownloads !== undefined ? 'last month' : "a month, by aiprov's shipped data";
  findings.push({
    id: 'low-popularity',
    severity: 'low',
    message: `\`${name}\` has ${downloads} downloads ${source} (under ${settings.minMonthlyDownloads}).`,
    evidence: `${downloads} downloads ${source}`,
  });
}

/** A name that is not valid in its ecosystem: one finding, and nothing asked of any registry. */
export function evaluateInvalidName(input: Pick<EvaluationInput, 'ecosystem' | 'name' | 'settings' | 'now'>): Evaluation {
  const { ecosystem, name } = input;
  const findings: SignalFinding[] = [
    {
      id: 'invalid-name',
      severity: 'high',
      message: `\`${name}\` is not a valid ${ecosystem} package name: not looked up, and no package manager would install it as written.`,
    },
  ];
  return applySuppressions(withVerdict(findings, []), { ...input, lookup: { status: 'not-found' }, typo: undefined });
}

/**
 * Install scripts and deprecation belong to versions: the pinned versions
 * (from lockfiles and exact specs) when there are any, else the latest.
 */
function versionSignals(input: EvaluationInput, info: PackageInfo, findings: SignalFinding[], unknownSignals: SignalId[]): void {
  const { name } = input;
  const pinned = (input.versions ?? []).filter((v) => info.versionFlags !== undefined && /^\d+\.\d+\.\d+(?:[-+][\w.-]+)?$/.test(v));
  const checked = pinned.length > 0 ? pinned : info.latest !== undefined ? [info.latest] : [];
  if (pinned.length === 0 && info.installScripts === undefined) unknownSignals.push('install-scripts');
  if (pinned.length === 0 && info.deprecated === undefined) unknownSignals.push('deprecated');
  const flagsOf = (v: string): { installScripts?: string[]; deprecated?: string } =>
    pinned.length > 0
      ? (info.versionFlags?.[v] ?? {})
      : { ...(info.installScripts?.length ? { installScripts: info.installScripts } : {}), ...(info.deprecated ? { deprecated: info.deprecated } : {}) };
  const scripts = checked.filter((v) => (flagsOf(v).installScripts?.length ?? 0) > 0);
  if (scripts.length > 0) {
    const which = [...new Set(scripts.flatMap((v) => flagsOf(v).installScripts ?? []))];
    findings.push({
      id: 'install-scripts',
      severity: 'medium',
      message: `\`${name}@${scripts.join(', ')}\` runs ${which.join(', ')} scripts on install.`,
      evidence: which.join(', '),
    });
  }
  const deprecated = checked.filter((v) => flagsOf(v).deprecated !== undefined);
  const first = deprecated[0];
  if (first !== undefined) {
    const reason = flagsOf(first).deprecated ?? '';
    findings.push({ id: 'deprecated', severity: 'low', message: `\`${name}@${deprecated.join(', ')}\` is deprecated: ${reason}`, evidence: reason });
  }
}

function withVerdict(findings: SignalFinding[], unknownSignals: SignalId[]): Evaluation {
  return { verdict: verdictOf(findings), findings, unknownSignals };
}

export function verdictOf(all: SignalFinding[]): Verdict {
  const findings = all.filter((f) => !f.suppressed);
  const has = (id: SignalId): boolean => findings.some((f) => f.id === id);
  if (has('security-holding')) return 'malicious';
  if (has('not-found') || has('unpublished')) return 'hallucinated';
  if (has('typosquat') || findings.some((f) => atOrAbove(f.severity, 'high'))) return 'suspicious';
  return findings.length > 0 ? 'warn' : 'ok';
}

/** The package's suppressions, applied by the policy layer: live ones mark findings, expired ones are reported. */
function applySuppressions(evaluation: Evaluation, input: EvaluationInput): Evaluation {
  const mine = input.settings.suppressions.filter((s) => matches(s, input.ecosystem, input.name));
  if (mine.length === 0) return evaluation;
  const policy = mine.map((s) => ({
    reason: s.reason,
    ...(s.expires !== undefined ? { expires: s.expires } : {}),
    ...(s.signals !== undefined ? { ids: s.signals } : {}),
  }));
  const findings = applyPolicySuppressions(evaluation.findings, policy, input.now.toISOString().slice(0, 10), `\`${input.name}\``);
  return { ...evaluation, findings, ...(evaluation.verdict === 'unknown' ? {} : { verdict: verdictOf(findings) }) };
}

function matches(s: PackageSuppression, ecosystem: Ecosystem, name: string): boolean {
  return (s.ecosystem === undefined || s.ecosystem === ecosystem) && canonicalName(ecosystem, s.package) === canonicalName(ecosystem, name);
}
