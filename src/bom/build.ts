import * as CDX from '@cyclonedx/cyclonedx-library';
import { AGENT_NAMES, isAgentId } from '../authorship/agents.js';
import type { DepsReport } from '../deps/audit.js';
import { VERSION } from '../kernel/version.js';
import { dependencyComponents } from './dependencies.js';
import { extend, type Extensions } from './extend.js';
import type { SpecVersion } from './validate.js';
import { UNKNOWN_MODEL, type ModelFacts, type Provenance } from './facts.js';

export interface BomRepository {
  /** The project's name (the remote's last path segment, or the directory's name). */
  name: string;
  /** The remote's URL without credentials; null when the repository has no remote. */
  vcsUrl: string | null;
  commit: string;
  revSpec: string;
  since: string | null;
  sinceSpec: string | null;
  /** Committer time of `commit` (ISO 8601). */
  commitTime: string;
}

export interface AttestationRef {
  /** Where the bundle is, as given (a path relative to where aiprov ran, or a URL). */
  url: string;
  sha256: string;
}

export interface BomInput {
  spec: SpecVersion;
  repository: BomRepository;
  provenance: Provenance;
  deps?: DepsReport;
  attestations?: AttestationRef[];
  /** When the BOM was made; null for a reproducible BOM (no timestamp; annotations carry the commit's time). */
  timestamp: Date | null;
}

export const REPOSITORY_REF = 'repository';
export const modelRef = (key: string): string => `model:${key}`;
export const agentRef = (agent: string): string => `agent:${agent}`;

const SPECS = { '1.6': CDX.Spec.Spec1dot6, '1.7': CDX.Spec.Spec1dot7 } as const;

/**
 * The AI-BOM as a plain JSON object, without its serial number (bom.ts
 * derives one). What the CycloneDX library models is built with it and
 * normalised with sorted lists; what it does not (model cards, evidence,
 * pedigree, annotations, BOM-level properties) is added by `extend`.
 */
export function buildBom(input: BomInput): Record<string, unknown> {
  const { repository, provenance } = input;
  const bom = new CDX.Models.Bom();
  if (input.timestamp) bom.metadata.timestamp = input.timestamp;
  bom.metadata.lifecycles.add(CDX.Enums.LifecyclePhase.PreBuild);
  bom.metadata.tools.components.add(new CDX.Models.Component(CDX.Enums.ComponentType.Application, 'aiprov', { version: VERSION, bomRef: 'tool:aiprov' }));

  const root = rootComponent(repository, input.attestations ?? []);
  bom.metadata.component = root;

  const models = new Map<string, CDX.Models.Component>();
  for (const model of provenance.models) {
    const component = new CDX.Models.Component(CDX.Enums.ComponentType.MachineLearningModel, modelName(model), { bomRef: modelRef(model.key) });
    const put = (name: string, value: string | number): void => {
      component.properties.add(new CDX.Models.Property(name, String(value)));
    };
    put('cdx:ai-ml:model:modality', 'code');
    put('aiprov:commits', model.commits);
    put('aiprov:lines', model.lines);
    put('aiprov:share', share(model.lines, provenance.lines));
    put('aiprov:files', model.fileCount);
    for (const agent of model.agents) put('aiprov:agent', agent);
    if (model.fileCount > model.files.length)
      put('aiprov:occurrences-capped', `${model.files.length} of ${model.fileCount} files listed, those with the most lines (cap ${provenance.caps.files})`);
    if (model.commits > model.newestCommits.length)
      put('aiprov:commits-capped', `${model.newestCommits.length} of ${model.commits} commits listed, the newest (cap ${provenance.caps.commits})`);
    models.set(model.key, component);
    bom.components.add(component);
  }
  const agents = new Map<string, CDX.Models.Component>();
  for (const agent of provenance.agents) {
    const component = new CDX.Models.Component(CDX.Enums.ComponentType.Application, isAgentId(agent.agent) ? AGENT_NAMES[agent.agent] : agent.agent, {
      bomRef: agentRef(agent.agent),
      description: 'AI coding agent that wrote code of this repository',
    });
    component.properties.add(new CDX.Models.Property('aiprov:agent', agent.agent));
    component.properties.add(new CDX.Models.Property('aiprov:commits', String(agent.commits)));
    component.properties.add(new CDX.Models.Property('aiprov:lines', String(agent.lines)));
    for (const key of agent.models) {
      const model = models.get(key);
      if (model) component.dependencies.add(model.bomRef);
    }
    agents.set(agent.agent, component);
    bom.components.add(component);
    root.dependencies.add(component.bomRef);
  }

  if (input.deps) {
    const deps = dependencyComponents(input.deps);
    for (const component of deps.components) {
      bom.components.add(component);
      root.dependencies.add(component.bomRef);
    }
    for (const v of deps.vulnerabilities) bom.vulnerabilities.add(v);
    // A library an AI added hangs off the model that wrote the commit; off the agent when the commit's model is not known here.
    const byRef = new Map(deps.components.map((c) => [c.bomRef.value ?? '', c]));
    for (const intro of deps.introducedByAi) {
      const library = byRef.get(intro.ref);
      if (!library) continue;
      const keys = provenance.modelsOf.get(intro.sha) ?? [];
      const owners = keys.length > 0 ? keys.map((k) => models.get(k)) : intro.agents.map((a) => agents.get(a));
      for (const owner of owners) owner?.dependencies.add(library.bomRef);
    }
  }

  const json = new CDX.Serialize.JSON.Normalize.Factory(SPECS[input.spec]).makeForBom().normalize(bom, { sortLists: true }) as unknown as Record<
    string,
    unknown
  >;
  return extend(json, extensions(input));
}

/** A model's name in either document: its id, or which agent's unrecorded model it is. */
export function modelName(model: ModelFacts): string {
  if (model.model !== null) return model.model;
  const agent = model.key.slice(UNKNOWN_MODEL.length + 1);
  return `model not recorded (${isAgentId(agent) ? AGENT_NAMES[agent] : agent})`;
}

function share(part: number, whole: number): string {
  return whole === 0 ? '0' : (part / whole).toFixed(4);
}

function extensions(input: BomInput): Extensions {
  const { provenance, repository } = input;
  const detected = provenance.aiCommits > 0 || provenance.aiLines > 0;
  const confidence = Math.max(0, ...provenance.models.flatMap((m) => m.evidence.map((e) => e.confidence)));
  // cdxgen's ai-provenance properties, with cdxgen's meaning, where aiprov knows the same fact (its confidence tops out at 0.99).
  const cdxgen: [string, string][] = [['cdx:ai:codegen:detected', String(detected)]];
  if (detected) {
    cdxgen.push(['cdx:ai:codegen:tools', provenance.agents.map((a) => a.agent).join(',')]);
    cdxgen.push(['cdx:ai:codegen:confidence', Math.min(confidence, 0.99).toFixed(2)]);
  }
  cdxgen.push(['cdx:ai:oversight:aiLineRatio', share(provenance.aiLines, provenance.lines)]);
  const own: [string, string][] = [
    ['aiprov:commits', String(provenance.commits)],
    ['aiprov:ai-commits', String(provenance.aiCommits)],
    ['aiprov:lines', String(provenance.lines)],
    ['aiprov:ai-lines', String(provenance.aiLines)],
    ['aiprov:ai-share', share(provenance.aiLines, provenance.lines)],
    ['aiprov:shared-lines', String(provenance.sharedLines)],
    // The share counts agent-written lines; lines of applied AI review suggestions are counted apart, and said so.
    ['aiprov:suggestion-lines', String(provenance.suggestionLines)],
    // Which agents share them: every agent's lines are findable, also those written together.
    ...Object.entries(provenance.sharedBy)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([agents, n]): [string, string] => [`aiprov:shared-lines:${agents}`, String(n)]),
  ];
  return {
    models: provenance.models.map((model) => ({ ref: modelRef(model.key), model })),
    properties: [...cdxgen, ...own],
    annotation: { subject: REPOSITORY_REF, text: summaryText(input), timestamp: (input.timestamp ?? new Date(repository.commitTime)).toISOString() },
  };
}

/** "41.2% of lines at a1b2c3d4e5f6 were written by AI agents (2 models, 1 agent); 2 hallucinated packages". */
export function summaryText(input: BomInput): string {
  const { provenance: p, repository: r } = input;
  const pct = p.lines === 0 ? '0' : ((p.aiLines / p.lines) * 100).toFixed(1);
  const where = r.since === null ? `of lines at ${r.commit.slice(0, 12)}` : `of lines added between ${r.since.slice(0, 12)} and ${r.commit.slice(0, 12)}`;
  const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
  let text = `${pct}% ${where} were written by AI agents (${plural(p.aiLines, 'line')} of ${p.lines}; ${plural(p.models.length, 'model')}, ${plural(p.agents.length, 'agent')}; ${plural(p.aiCommits, 'AI commit')} of ${p.commits})`;
  if (input.deps) {
    const v = input.deps.summary.byVerdict;
    const parts = [
      [v.hallucinated, 'hallucinated package'],
      [v.malicious, 'malicious package'],
      [v.suspicious, 'suspicious package'],
    ] as const;
    const said = parts.filter(([n]) => n > 0).map(([n, w]) => plural(n, w));
    text += `; ${said.length > 0 ? said.join(', ') : 'no hallucinated, malicious or suspicious package'} among ${plural(input.deps.summary.dependencies, 'dependency', 'dependencies')}`;
  }
  return text;
}

/** The repository's own component: its VCS, the commit described, and the attestations about it. */
function rootComponent(repository: BomRepository, attestations: readonly AttestationRef[]): CDX.Models.Component {
  const root = new CDX.Models.Component(CDX.Enums.ComponentType.Application, repository.name, { bomRef: REPOSITORY_REF, version: repository.commit });
  if (repository.vcsUrl !== null) {
    root.externalReferences.add(
      new CDX.Models.ExternalReference(repository.vcsUrl, CDX.Enums.ExternalReferenceType.VCS, { comment: `commit ${repository.commit}` }),
    );
  }
  for (const attestation of attestations) {
    const ref = new CDX.Models.ExternalReference(attestation.url, CDX.Enums.ExternalReferenceType.Attestation, {
      comment: 'Sigstore bundle of an in-toto attestation about this commit',
    });
    ref.hashes.set(CDX.Enums.HashAlgorithm['SHA-256'], attestation.sha256);
    root.externalReferences.add(ref);
  }
  root.properties.add(new CDX.Models.Property('aiprov:commit', repository.commit));
  root.properties.add(new CDX.Models.Property('aiprov:rev', repository.revSpec));
  if (repository.since !== null) root.properties.add(new CDX.Models.Property('aiprov:since', repository.since));
  return root;
}
