import * as CDX from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import type { DepsReport } from '../deps/audit.js';
import type { DependencyReport, Ecosystem, SignalFinding } from '../deps/types.js';
import { compareStrings } from '../kernel/sorted.js';

/** purl types of the ecosystems the audit reads (purl-spec's PURL-TYPES). */
const PURL_TYPE: Record<Ecosystem, string> = { npm: 'npm', pypi: 'pypi', go: 'golang', cargo: 'cargo' };

/**
 * The version a spec pins exactly, if it does: a range (`^5.1.0`, `>=2`) is
 * not a version, and a component claiming one would be wrong.
 */
export function exactVersion(ecosystem: Ecosystem, spec: string): string | undefined {
  const s = spec.trim();
  switch (ecosystem) {
    case 'npm':
      return /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(s)?.[1];
    case 'pypi':
      return /^===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)$/.exec(s)?.[1];
    // go.mod's require lines pin exact versions.
    case 'go':
      return /^(v\d+\.\d+\.\d+\S*)$/.exec(s)?.[1];
    // Cargo.toml's `1.2.3` means ^1.2.3; only `=1.2.3` pins.
    case 'cargo':
      return /^=\s*(\d+\.\d+\.\d+\S*)$/.exec(s)?.[1];
  }
}

export function purlOf(dep: Pick<DependencyReport, 'ecosystem' | 'name' | 'spec'>): string {
  const version = exactVersion(dep.ecosystem, dep.spec);
  if (dep.ecosystem === 'npm' && dep.name.startsWith('@') && dep.name.includes('/')) {
    const slash = dep.name.indexOf('/');
    return new PackageURL('npm', dep.name.slice(0, slash), dep.name.slice(slash + 1), version, undefined, undefined).toString();
  }
  if (dep.ecosystem === 'go') {
    const slash = dep.name.lastIndexOf('/');
    return new PackageURL('golang', slash > 0 ? dep.name.slice(0, slash) : undefined, dep.name.slice(slash + 1), version, undefined, undefined).toString();
  }
  return new PackageURL(PURL_TYPE[dep.ecosystem], undefined, dep.name, version, undefined, undefined).toString();
}

export interface DependencyComponents {
  components: CDX.Models.Component[];
  vulnerabilities: CDX.Models.Vulnerability.Vulnerability[];
  /** bom-ref of each library by the commit that introduced it, for the commits an AI wrote. */
  introducedByAi: { ref: string; sha: string; agents: string[] }[];
}

/**
 * A number for each severity, for tools that read a rating's score and not
 * its severity (GUAC requires one): the lower bound of the CVSS v3 band of
 * that name. The method says `other`: it is no CVSS vector.
 */
const SCORE: Record<SignalFinding['severity'], number> = { critical: 9, high: 7, medium: 4, low: 0.1 };

const SEVERITY: Record<SignalFinding['severity'], CDX.Enums.Vulnerability.Severity> = {
  critical: CDX.Enums.Vulnerability.Severity.Critical,
  high: CDX.Enums.Vulnerability.Severity.High,
  medium: CDX.Enums.Vulnerability.Severity.Medium,
  low: CDX.Enums.Vulnerability.Severity.Low,
};

/**
 * The audited dependencies as `library` components (names not looked up,
 * such as URLs and paths, are left out: they have no purl), each verdict as
 * properties, and each finding as a vulnerability the library affects.
 */
export function dependencyComponents(report: DepsReport): DependencyComponents {
  const components = new Map<string, CDX.Models.Component>();
  const vulnerabilities: CDX.Models.Vulnerability.Vulnerability[] = [];
  const introducedByAi: DependencyComponents['introducedByAi'] = [];
  const deps = [...report.dependencies]
    .filter((d) => d.local === undefined)
    .sort((a, b) => compareStrings(a.ecosystem, b.ecosystem) || compareStrings(a.name, b.name) || compareStrings(a.spec, b.spec));
  for (const dep of deps) {
    const purl = purlOf(dep);
    if (components.has(purl)) continue;
    const version = exactVersion(dep.ecosystem, dep.spec);
    const component = new CDX.Models.Component(CDX.Enums.ComponentType.Library, dep.name, {
      bomRef: purl,
      purl,
      ...(version !== undefined ? { version } : {}),
    });
    const put = (name: string, value: string): void => {
      component.properties.add(new CDX.Models.Property(name, value));
    };
    put('aiprov:ecosystem', dep.ecosystem);
    put('aiprov:verdict', dep.verdict);
    if (dep.spec !== '') put('aiprov:spec', dep.spec);
    for (const source of dep.sources) put('aiprov:source', `${source.file}:${source.line}`);
    for (const finding of dep.findings) put('aiprov:finding', finding.id);
    for (const signal of dep.unknownSignals) put('aiprov:unchecked', signal);
    if (dep.error !== undefined) put('aiprov:error', dep.error);
    if (dep.introducedBy) {
      put('aiprov:introduced-by', dep.introducedBy.sha);
      put('aiprov:introduced-by-ai', String(dep.introducedBy.ai));
      for (const agent of dep.introducedBy.agents) put('aiprov:introduced-by-agent', agent);
      if (dep.introducedBy.ai) introducedByAi.push({ ref: purl, sha: dep.introducedBy.sha, agents: [...dep.introducedBy.agents] });
    }
    components.set(purl, component);
    for (const finding of dep.findings) vulnerabilities.push(vulnerability(dep, purl, finding));
  }
  return { components: [...components.values()], vulnerabilities, introducedByAi };
}

function vulnerability(dep: DependencyReport, purl: string, finding: SignalFinding): CDX.Models.Vulnerability.Vulnerability {
  const source = new CDX.Models.Vulnerability.Source({ name: 'aiprov' });
  const v = new CDX.Models.Vulnerability.Vulnerability({
    bomRef: `aiprov:${finding.id}:${purl}`,
    id: `AIPROV-${finding.id.toUpperCase()}`,
    source,
    description: finding.message,
    ...(finding.suggestion !== undefined ? { recommendation: `did you mean ${finding.suggestion}?` } : {}),
    ...(finding.evidence !== undefined ? { detail: finding.evidence } : {}),
  });
  v.ratings.add(
    new CDX.Models.Vulnerability.Rating({
      source,
      score: SCORE[finding.severity],
      severity: SEVERITY[finding.severity],
      method: CDX.Enums.Vulnerability.RatingMethod.Other,
    }),
  );
  v.affects.add(new CDX.Models.Vulnerability.Affect(new CDX.Models.BomRef(purl)));
  // An automated finding awaits a person (in_triage); one a live suppression covers was looked at and set aside
  // (not_affected: of the states, the one VEX readers such as GUAC take; false_positive they reject).
  v.analysis = finding.suppressed
    ? new CDX.Models.Vulnerability.Analysis({
        state: CDX.Enums.Vulnerability.AnalysisState.NotAffected,
        detail: `suppressed: ${finding.suppressed.reason}${finding.suppressed.expires !== undefined ? ` (until ${finding.suppressed.expires})` : ''}`,
      })
    : new CDX.Models.Vulnerability.Analysis({ state: CDX.Enums.Vulnerability.AnalysisState.InTriage });
  v.properties.add(new CDX.Models.Property('aiprov:package', `${dep.ecosystem}:${dep.name}`));
  return v;
}
