import { createHash } from 'node:crypto';
import { AGENT_NAMES, isAgentId } from '../authorship/agents.js';
import type { DepsReport } from '../deps/audit.js';
import type { DependencyReport } from '../deps/types.js';
import { compareStrings } from '../kernel/sorted.js';
import { VERSION } from '../kernel/version.js';
import { modelName, type BomRepository } from './build.js';
import { purlOf } from './dependencies.js';
import type { ModelFacts, Provenance } from './facts.js';
import { modelSupplier } from './suppliers.js';

/**
 * The AI-BOM as SPDX 3.0.1 JSON-LD, in the released shape (SPDX's published
 * `spdx-json-schema.json`: `type` and `spdxId`, the fixed context, every
 * element with its `creationInfo`, and nothing the schema does not name):
 * the repository as a `software_Package` (its source, at the commit), each
 * model as an `ai_AIPackage` (supplied by its vendor, purpose `model`), the
 * agents as `Tool`s, the code files each model wrote (`generates`), and the
 * audited dependencies as packages (`dependsOn`) with their verdicts as
 * review annotations. Pure: the same input gives the same document.
 */
export const SPDX_CONTEXT = 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld';
/** SPDX's own individual for an element nobody can name (a model whose vendor aiprov cannot tell). */
export const NO_ASSERTION_ELEMENT = 'https://spdx.org/rdf/3.0.1/terms/Core/NoAssertionElement';

export interface Spdx3Input {
  repository: BomRepository;
  provenance: Provenance;
  deps?: DepsReport;
  /** When it was made; null for a reproducible document (then the commit's time). */
  timestamp: Date | null;
  /** The document's namespace: a fresh UUID, or one derived from the content for a reproducible document. */
  namespace: string;
}

type Element = Record<string, unknown> & { type: string; spdxId: string };
const CREATION = '_:creationinfo';

export function buildSpdx3(input: Spdx3Input): Record<string, unknown> {
  const ns = input.namespace;
  const id = (kind: string, name: string): string => `${ns}#${kind}-${slug(name)}`;
  const created = isoSeconds(input.timestamp ?? new Date(input.repository.commitTime));
  const aiprov = `${ns}#aiprov`;
  const common = { creationInfo: CREATION };
  const elements: Element[] = [
    { type: 'SoftwareAgent', spdxId: aiprov, name: 'aiprov', ...common },
    { type: 'Tool', spdxId: `${ns}#tool-aiprov`, name: `aiprov ${VERSION}`, ...common },
  ];
  const repo = repositoryPackage(input.repository, `${ns}#repository`);
  elements.push(repo);
  const files = new Map<string, string>();
  const fileId = (path: string): string => {
    let found = files.get(path);
    if (found === undefined) {
      found = `${ns}#file-${createHash('sha256').update(path).digest('hex').slice(0, 16)}`;
      files.set(path, found);
      elements.push({ type: 'software_File', spdxId: found, name: path, software_primaryPurpose: 'source', ...common });
    }
    return found;
  };
  const organisations = new Map<string, string>();
  const relationships: { from: string; type: string; to: string[]; comment?: string }[] = [];
  for (const model of sortedModels(input.provenance.models)) {
    const supplier = modelSupplier(model.model);
    let suppliedBy = NO_ASSERTION_ELEMENT;
    if (supplier !== undefined) {
      suppliedBy = organisations.get(supplier) ?? id('organization', supplier);
      if (!organisations.has(supplier)) elements.push({ type: 'Organization', spdxId: suppliedBy, name: supplier, ...common });
      organisations.set(supplier, suppliedBy);
    }
    const modelId = id('model', model.key);
    elements.push(aiPackage(model, modelId, suppliedBy));
    const wrote = model.files.map((f) => fileId(f.path));
    if (wrote.length > 0) relationships.push({ from: modelId, type: 'generates', to: wrote, comment: generatesComment(model) });
  }
  const agents = [...input.provenance.agents].sort((a, b) => compareStrings(a.agent, b.agent));
  for (const agent of agents) {
    const toolId = id('agent', agent.agent);
    elements.push({ type: 'Tool', spdxId: toolId, name: isAgentId(agent.agent) ? AGENT_NAMES[agent.agent] : agent.agent, ...common });
    const models = sortedModels(input.provenance.models).filter((m) => m.agents.includes(agent.agent));
    if (models.length > 0) relationships.push({ from: toolId, type: 'usesTool', to: models.map((m) => id('model', m.key)) });
  }
  if (agents.length > 0) relationships.push({ from: repo.spdxId, type: 'usesTool', to: agents.map((a) => id('agent', a.agent)) });
  if (files.size > 0) relationships.push({ from: repo.spdxId, type: 'contains', to: [...files.values()] });
  elements.push(...dependencyElements(input.deps, repo.spdxId, ns, relationships));
  relationships.forEach((r, i) =>
    elements.push({
      type: 'Relationship',
      spdxId: `${ns}#relationship-${i + 1}`,
      from: r.from,
      relationshipType: r.type,
      to: r.to,
      ...(r.comment !== undefined ? { comment: r.comment } : {}),
      ...common,
    }),
  );
  return documentOf(input, elements, { aiprov, created, repo: repo.spdxId });
}

/** The document around the elements: the SBOM rooted at the repository, the SpdxDocument rooted at the SBOM, and their creation info. */
function documentOf(input: Spdx3Input, elements: readonly Element[], ids: { aiprov: string; created: string; repo: string }): Record<string, unknown> {
  const ns = input.namespace;
  const common = { creationInfo: CREATION };
  const sbom: Element = {
    type: 'software_Sbom',
    spdxId: `${ns}#sbom`,
    software_sbomType: ['analyzed'],
    profileConformance: ['core', 'software', 'ai'],
    rootElement: [ids.repo],
    element: elements.map((e) => e.spdxId),
    ...common,
  };
  const document: Element = {
    type: 'SpdxDocument',
    spdxId: `${ns}#document`,
    name: `AI-BOM of ${input.repository.name} at ${input.repository.commit.slice(0, 12)}`,
    profileConformance: ['core', 'software', 'ai'],
    rootElement: [sbom.spdxId],
    element: [sbom.spdxId, ...elements.map((e) => e.spdxId)],
    ...common,
  };
  const creationInfo = {
    'type': 'CreationInfo',
    '@id': CREATION,
    'specVersion': '3.0.1',
    'created': ids.created,
    'createdBy': [ids.aiprov],
    'createdUsing': [`${ns}#tool-aiprov`],
  };
  return { '@context': SPDX_CONTEXT, '@graph': [creationInfo, document, sbom, ...elements] };
}

function repositoryPackage(repository: BomRepository, spdxId: string): Element {
  const vcs = repository.vcsUrl;
  return {
    type: 'software_Package',
    spdxId,
    name: repository.name,
    software_packageVersion: repository.commit,
    software_primaryPurpose: 'source',
    ...(vcs !== null ? { software_downloadLocation: `git+${vcs}@${repository.commit}` } : {}),
    ...(vcs !== null ? { externalRef: [{ type: 'ExternalRef', externalRefType: 'vcs', locator: [vcs] }] } : {}),
    comment: `The repository at commit ${repository.commit}${repository.since !== null ? `, counting what came after ${repository.since}` : ''}.`,
    creationInfo: CREATION,
  };
}

/**
 * A model as `ai_AIPackage`: SPDX 3.0.1 requires of it a supplier, a version
 * and a primary purpose (the AI profile's restrictions), which aiprov knows
 * or says it does not (NoAssertionElement for a vendor it cannot tell; the
 * model's name as its version, since a model id names its version). Its
 * release time and download location are not written: aiprov does not know
 * them, and a made-up value would be worse than none.
 */
function aiPackage(model: ModelFacts, spdxId: string, suppliedBy: string): Element {
  return {
    type: 'ai_AIPackage',
    spdxId,
    name: modelName(model),
    software_packageVersion: model.model ?? 'unknown',
    software_primaryPurpose: 'model',
    suppliedBy,
    ai_informationAboutApplication: `A coding agent's model (${model.agents.join(', ')}) that wrote code of this repository: ${model.commits} commit${model.commits === 1 ? '' : 's'}, ${model.lines} line${model.lines === 1 ? '' : 's'} at the commit.`,
    creationInfo: CREATION,
  };
}

function generatesComment(model: ModelFacts): string {
  const listed = model.files.length < model.fileCount ? ` (${model.files.length} of ${model.fileCount} files listed)` : '';
  return `${model.lines} line${model.lines === 1 ? '' : 's'} at the commit, by blame${listed}.`;
}

/** The audited dependencies (names looked up in a registry; URLs and paths have no purl) as packages the repository depends on, each verdict an annotation. */
function dependencyElements(deps: DepsReport | undefined, repo: string, ns: string, relationships: { from: string; type: string; to: string[] }[]): Element[] {
  if (!deps) return [];
  const out: Element[] = [];
  const seen = new Set<string>();
  const sorted = [...deps.dependencies]
    .filter((d) => d.local === undefined && d.skipped !== true)
    .sort((a, b) => compareStrings(a.ecosystem, b.ecosystem) || compareStrings(a.name, b.name) || compareStrings(a.spec, b.spec));
  for (const dep of sorted) {
    const purl = purlOf(dep);
    if (seen.has(purl)) continue;
    seen.add(purl);
    const spdxId = `${ns}#dependency-${createHash('sha256').update(purl).digest('hex').slice(0, 16)}`;
    out.push({ type: 'software_Package', spdxId, name: dep.name, software_packageUrl: purl, software_primaryPurpose: 'library', creationInfo: CREATION });
    out.push({
      type: 'Annotation',
      spdxId: `${spdxId}-audit`,
      annotationType: 'review',
      subject: spdxId,
      statement: auditStatement(dep, deps.checkedAt),
      creationInfo: CREATION,
    });
  }
  if (seen.size > 0) relationships.push({ from: repo, type: 'dependsOn', to: out.filter((e) => e.type === 'software_Package').map((e) => e.spdxId) });
  return out;
}

function auditStatement(dep: DependencyReport, checkedAt: string): string {
  const findings = dep.findings.filter((f) => f.suppressed === undefined).map((f) => `${f.id} (${f.severity}): ${f.message}`);
  const by = dep.introducedBy
    ? `; introduced by ${dep.introducedBy.sha.slice(0, 12)}${dep.introducedBy.ai ? ` (${dep.introducedBy.agents.join(', ')})` : ''}`
    : '';
  return `aiprov dependency audit ${checkedAt}: ${dep.verdict}${findings.length > 0 ? ` — ${findings.join('; ')}` : ''}${dep.error !== undefined ? ` (${dep.error})` : ''}${by}`;
}

function sortedModels(models: readonly ModelFacts[]): ModelFacts[] {
  return [...models].sort((a, b) => compareStrings(a.key, b.key));
}

function slug(text: string): string {
  return encodeURIComponent(text.toLowerCase()).replace(/%/g, '_');
}

/** SPDX 3.0.1 dates: UTC to the second, `Z` (its schema's pattern). */
function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
