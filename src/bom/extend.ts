import { VERSION } from '../kernel/version.js';
import { isEmail } from './validate.js';
import type { ModelFacts } from './facts.js';

/** What the CycloneDX library has no model for, to be added to its normalised output. */
export interface Extensions {
  models: { ref: string; model: ModelFacts }[];
  /** BOM-level properties (cdxgen's ai-provenance ones and aiprov's totals). */
  properties: [string, string][];
  annotation: { subject: string; text: string; timestamp: string };
}

type Json = Record<string, unknown>;

/**
 * The one place where the normalised BOM is patched with what the library
 * does not model (its README says so): model cards, `evidence.identity` and
 * `evidence.occurrences`, `pedigree.commits`, BOM-level `properties` and
 * `annotations`. Keys go in the schema's order of appearance, lists sorted,
 * so that the bytes depend on the input only. Every BOM is validated after.
 */
export function extend(bom: Json, ext: Extensions): Json {
  const components = Array.isArray(bom.components) ? (bom.components as Json[]) : [];
  const byRef = new Map(components.map((c) => [c['bom-ref'], c]));
  for (const { ref, model } of ext.models) {
    const component = byRef.get(ref);
    if (!component) throw new Error(`internal: no component ${ref} to extend`);
    const evidence: Json = {
      identity: [
        {
          field: 'name',
          confidence: Math.max(0, ...model.evidence.map((e) => e.confidence)),
          ...(model.model !== null ? { concludedValue: model.model } : {}),
          methods: model.evidence.map((e) => ({
            technique: e.technique,
            confidence: e.confidence,
            value: `${e.source}: ${e.commits} ${e.commits === 1 ? 'commit' : 'commits'}`,
          })),
        },
      ],
    };
    if (model.files.length > 0) {
      evidence.occurrences = model.files.map((f) => ({
        location: f.path,
        additionalContext: `${f.lines} ${f.lines === 1 ? 'line' : 'lines'} written by this model at this revision`,
      }));
    }
    // An identity with no method says nothing: a model seen by blame only (its commits older than the range) has lines, not evidence.
    if (model.evidence.length === 0) delete evidence.identity;
    if (Object.keys(evidence).length > 0) component.evidence = evidence;
    if (model.newestCommits.length > 0) {
      component.pedigree = {
        commits: model.newestCommits.map((c) => ({
          uid: c.sha,
          author: { timestamp: c.authoredAt, ...identity(c.author) },
          committer: identity(c.committer),
          message: c.subject,
        })),
      };
    }
    component.modelCard = {
      modelParameters: { task: 'code-generation' },
      considerations: { useCases: ['code generation in this repository'] },
    };
  }
  if (ext.properties.length > 0) bom.properties = ext.properties.map(([name, value]) => ({ name, value }));
  bom.annotations = [
    {
      'bom-ref': 'annotation:summary',
      'subjects': [ext.annotation.subject],
      'annotator': { component: { type: 'application', name: 'aiprov', version: VERSION } },
      'timestamp': ext.annotation.timestamp,
      'text': ext.annotation.text,
    },
  ];
  return bom;
}

/**
 * Git takes any text as an address, and GitHub's bot addresses
 * (`49699333+dependabot[bot]@users.noreply.github.com`) are not RFC 5322
 * ones: such an address is left out, the name stays.
 */
function identity(who: { name: string; email: string }): Json {
  return { name: who.name, ...(isEmail(who.email) ? { email: who.email } : {}) };
}
