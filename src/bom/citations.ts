import { agentRef, modelRef } from './build.js';
import type { EvidenceTally, ModelFacts } from './facts.js';

type Json = Record<string, unknown>;

export interface CitationInput {
  models: readonly ModelFacts[];
  /** When the dependency audit asked the registries (its `checkedAt`), when one was given. */
  auditedAt?: string;
  /** When the BOM was made (a reproducible BOM: the commit's time); CycloneDX requires one on every citation. */
  timestamp: string;
}

export const TOOL_REF = 'tool:aiprov';

const KINDS: Record<EvidenceTally['kind'], string> = {
  'author': "the commit's author identity",
  'committer': "the commit's committer identity",
  'co-author': 'a Co-authored-by trailer naming the agent',
  'trailer': 'a trailer of the commit message',
  'subject': "a pattern of the commit's subject line",
  'message': "a line of the commit's message",
  'note': 'an authorship record in git notes',
};

/**
 * CycloneDX 1.7's `citations`: which evidence each model component and each AI-introduced dependency rests on, so
 * that a reader can tell a declared fact (a trailer or a record the agent or its user wrote, attributed to the agent)
 * from an inferred one (aiprov read it from an identity or a message pattern, attributed to aiprov) and from the
 * audit's findings (attributed to aiprov, at the time the registries were asked). Pointers are JSON Pointers into this
 * BOM, computed on its final component order; a 1.6 BOM has no citations.
 */
export function addCitations(bom: Json, input: CitationInput): Json {
  const components = Array.isArray(bom.components) ? (bom.components as Json[]) : [];
  const indexOf = new Map(components.map((c, i) => [c['bom-ref'], i]));
  const citations: Json[] = [];
  for (const model of input.models) {
    const index = indexOf.get(modelRef(model.key));
    if (index === undefined) continue;
    model.evidence.forEach((e, i) => {
      // Declared evidence is the agent's word when one agent used the model; otherwise (or inferred) aiprov's reading.
      const agent = model.agents.length === 1 && e.declared ? model.agents[0] : undefined;
      const byAgent = agent !== undefined && indexOf.has(agentRef(agent));
      citations.push({
        'bom-ref': `citation:${modelRef(model.key)}:${i}`,
        'pointers': [`/components/${index}/name`],
        'timestamp': input.timestamp,
        'attributedTo': byAgent ? agentRef(agent) : TOOL_REF,
        'note': `${e.declared ? 'declared' : 'inferred'}: ${KINDS[e.kind]} (${e.source}) on ${e.commits} ${e.commits === 1 ? 'commit' : 'commits'}${e.declared && !byAgent ? ` of ${model.agents.join(', ')}` : ''}`,
      });
    });
  }
  components.forEach((c, index) => {
    const prop = (name: string): string | undefined => (c.properties as { name: string; value: string }[] | undefined)?.find((p) => p.name === name)?.value;
    if (c.type !== 'library' || prop('aiprov:introduced-by-ai') !== 'true') return;
    const commit = prop('aiprov:introduced-by') ?? '';
    citations.push({
      'bom-ref': `citation:${String(c['bom-ref'])}`,
      'pointers': [`/components/${index}`],
      'timestamp': input.auditedAt ?? input.timestamp,
      'attributedTo': TOOL_REF,
      'note': `the dependency audit: verdict ${prop('aiprov:verdict') ?? 'unknown'}; introduced by commit ${commit.slice(0, 12)}, which the scan credits to ${prop('aiprov:introduced-by-agent') ?? 'an agent'}`,
    });
  });
  if (citations.length > 0) bom.citations = citations;
  return bom;
}
