import { createRequire } from 'node:module';
import type { AuthorshipPredicate } from '../attest/statement.js';
import { PREDICATE_TYPES, VERIFIED_TYPES } from '../attest/statement.js';
import type { DepsReport } from '../deps/audit.js';
import type { Verdict } from '../deps/types.js';
import { PolicyError } from '../kernel/errors.js';
import { readRegularFile } from '../kernel/files.js';
import { validateAgainst } from '../kernel/schemas.js';

/**
 * What verified attestations must say (schemas/verify-policy.schema.json),
 * grouped by predicate type: the rules for a type apply when that type is
 * verified. A policy is about content; a signature or trust failure is
 * never a policy failure (VerificationError and PolicyError stay apart).
 */
export interface ContentPolicy {
  authorship?: { maxAiShare?: number; allowedAgents?: string[]; allowedModels?: string[] };
  deps?: { denyVerdicts?: Exclude<Verdict, 'ok'>[] };
  /** A required review, and who may sign it (apart from the attestation's own signers). */
  review?: { required?: boolean; signers?: ({ key: string } | { identity: string; issuer: string })[] };
  /** What a source revision's VSA must say (SLSA 1.2, verifying-source.md, step 2): who verified, which repository, which branch, which levels. */
  sourceVsa?: { verifiers?: string[]; resourceUri?: string; sourceRefs?: string[]; levels?: string[] };
}

const DEFAULT_DENY: Exclude<Verdict, 'ok'>[] = ['hallucinated', 'malicious'];

/**
 * The policy applied when none is given: verification fails closed. For a
 * dependency audit, no hallucinated and no malicious package; the other
 * types have no content rule of their own (a policy file adds them).
 */
export const BUILT_IN_POLICY: Readonly<ContentPolicy> = {};
const POLICY_CAP = 1024 * 1024;

/** A policy file (YAML or JSON); one that cannot be read or does not fit the schema stops verification (exit 2), naming the file. */
export async function readContentPolicy(file: string): Promise<ContentPolicy> {
  const read = await readRegularFile(file, POLICY_CAP);
  if (!read.ok) throw new PolicyError('POLICY_INVALID', `policy ${file}: ${read.problem}`);
  // yaml is loaded on first use, as config/load.ts does: most commands never read a policy.
  const { parseDocument } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const doc = parseDocument(read.bytes.toString('utf8'), { prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) throw new PolicyError('POLICY_INVALID', `policy ${file}: line ${first.linePos?.[0].line ?? '?'}: ${first.message.split('\n')[0] ?? ''}`);
  const value: unknown = doc.toJS() ?? {};
  const problem = validateAgainst('verifyPolicy', value);
  if (problem !== null) throw new PolicyError('POLICY_INVALID', `policy ${file}: ${problem}`);
  return value as ContentPolicy;
}

/** The rule violations of a verified predicate of the given type (empty: it complies), and which rules were applied. */
export function policyViolations(
  policy: ContentPolicy,
  predicateType: string,
  predicate: unknown,
  subjects: readonly { annotations?: Record<string, unknown> }[] = [],
): { applied: string[]; violations: string[]; rules: number } {
  const applied: string[] = [];
  const violations: string[] = [];
  if (predicateType === PREDICATE_TYPES.authorship && policy.authorship) {
    const p = predicate as AuthorshipPredicate;
    const totals = p.blame.totals;
    const { maxAiShare, allowedAgents, allowedModels } = policy.authorship;
    if (maxAiShare !== undefined) {
      // The unit of `aiShare` in every report (a fraction, 0.6); a number above 1 is a percentage (60), as policies first wrote it.
      const limit = maxAiShare > 1 ? maxAiShare / 100 : maxAiShare;
      const shown = `${+(limit * 100).toFixed(2)}%`;
      applied.push(`AI share ≤ ${shown}`);
      const share = totals.lines === 0 ? 0 : totals.aiLines / totals.lines;
      if (share > limit) violations.push(`AI share is ${(share * 100).toFixed(2)}% (${totals.aiLines} of ${totals.lines} lines), above ${shown}`);
    }
    if (allowedAgents) {
      applied.push(`agents in ${allowedAgents.join(', ')}`);
      // Lines several agents claim are under `shared`: each claimant is in the scan's agents, checked too.
      // Lines several agents share are under `a+b`: each of them is checked (attestations of earlier versions say
      // `shared`, whose agents are in the scan's, checked too).
      const agents = new Set([...Object.keys(totals.byAgent).flatMap(sharers), ...Object.keys(p.scan.byAgent)]);
      const other = [...agents].filter((a) => !allowedAgents.includes(a)).sort();
      if (other.length > 0) violations.push(`agents not allowed: ${other.join(', ')}`);
    }
    if (allowedModels) {
      applied.push(`models in ${allowedModels.join(', ')}`);
      const models = new Set(Object.keys(totals.byModel).flatMap(sharers));
      for (const summary of Object.values(p.scan.byAgent)) for (const m of Object.keys(summary.models)) models.add(m);
      const other = [...models].filter((m) => !allowedModels.includes(m)).sort();
      if (other.length > 0) violations.push(`models not allowed: ${other.join(', ')}`);
    }
  }
  if (predicateType === PREDICATE_TYPES.deps) {
    const deny = policy.deps?.denyVerdicts ?? DEFAULT_DENY;
    applied.push(deny.length > 0 ? `no dependency ${deny.join(' or ')}` : 'no dependency verdict denied');
    const report = predicate as DepsReport;
    const bad = report.dependencies.filter((d) => (deny as string[]).includes(d.verdict));
    if (bad.length > 0)
      violations.push(
        `${bad.length} dependenc${bad.length === 1 ? 'y is' : 'ies are'} ${[...new Set(bad.map((d) => d.verdict))].join('/')}: ${bad
          .slice(0, 10)
          .map((d) => `${d.ecosystem}:${d.name}`)
          .join(', ')}${bad.length > 10 ? ', …' : ''}`,
      );
  }
  if (predicateType === VERIFIED_TYPES['source-vsa']) sourceVsaViolations(policy, predicate, subjects, applied, violations);
  // A rule that denies nothing (denyVerdicts: []) is said, but is not a rule that was evaluated (a VSA's AIPROV_POLICY_PASSED).
  const empty = predicateType === PREDICATE_TYPES.deps && (policy.deps?.denyVerdicts ?? DEFAULT_DENY).length === 0 ? 1 : 0;
  return { applied, violations, rules: applied.length - empty };
}

/** The agents (or models) a blame key credits: `a+b` is both; the `shared` of older reports is none by name. */
function sharers(key: string): string[] {
  return key === 'shared' ? [] : key.split('+');
}

/**
 * A VSA's rules. Always, policy or none: the result is PASSED and, for a
 * source revision's, exactly one Source level is named (a FAILED VSA, or one
 * claiming two levels, vouches for nothing). Then the policy's expectations, as the
 * Source track tells a consumer to compare them: the verifier's id, the
 * repository, a branch among the subject's `sourceRefs`, and every level
 * asked for among `verifiedLevels`.
 */
function sourceVsaViolations(
  policy: ContentPolicy,
  predicate: unknown,
  subjects: readonly { annotations?: Record<string, unknown> }[],
  applied: string[],
  violations: string[],
): void {
  const p = predicate as { verifier?: { id?: unknown }; resourceUri?: unknown; verificationResult?: unknown; verifiedLevels?: unknown };
  const levels = Array.isArray(p.verifiedLevels) ? p.verifiedLevels.filter((l): l is string => typeof l === 'string') : [];
  applied.push('verificationResult PASSED');
  if (p.verificationResult !== 'PASSED') violations.push(`verificationResult is ${JSON.stringify(p.verificationResult)}, not PASSED`);
  const sourceLevels = levels.filter((l) => /^SLSA_SOURCE_LEVEL_[0-3]$/.test(l));
  // A VSA of a source revision names its branch; one of a verification run (verify --vsa-output) names none, and no Source level.
  const ofSource = subjects.some((subject) => sourceRefsOf(subject).length > 0);
  if (ofSource && sourceLevels.length !== 1)
    violations.push(
      `names ${sourceLevels.length === 0 ? 'no' : sourceLevels.length} SLSA Source level${sourceLevels.length > 1 ? 's' : ''}: exactly one is required`,
    );
  const rules = policy.sourceVsa;
  if (!rules) return;
  if (rules.verifiers) {
    applied.push(`verifier in ${rules.verifiers.join(', ')}`);
    if (typeof p.verifier?.id !== 'string' || !rules.verifiers.includes(p.verifier.id))
      violations.push(`verifier ${JSON.stringify(p.verifier?.id)} is not one the policy names`);
  }
  if (rules.resourceUri !== undefined) {
    applied.push(`resourceUri ${rules.resourceUri}`);
    if (p.resourceUri !== rules.resourceUri) violations.push(`resourceUri is ${JSON.stringify(p.resourceUri)}, not ${rules.resourceUri}`);
  }
  if (rules.sourceRefs) {
    applied.push(`a branch among ${rules.sourceRefs.join(', ')}`);
    const named = subjects.flatMap((subject) => sourceRefsOf(subject));
    if (!rules.sourceRefs.some((r) => named.includes(r)))
      violations.push(`sourceRefs ${named.length > 0 ? named.join(', ') : '(none)'} name none of ${rules.sourceRefs.join(', ')}`);
  }
  if (rules.levels) {
    applied.push(`levels ${rules.levels.join(', ')}`);
    const missing = rules.levels.filter((l) => !levels.includes(l) && !meetsSourceLevel(l, sourceLevels));
    if (missing.length > 0) violations.push(`levels not verified: ${missing.join(', ')}`);
  }
}

/** `SLSA_SOURCE_LEVEL_n` asked for is met by a higher level (a VSA names only its highest). */
function meetsSourceLevel(asked: string, named: readonly string[]): boolean {
  const m = /^SLSA_SOURCE_LEVEL_([0-3])$/.exec(asked);
  return m !== null && named.some((l) => Number(l.slice(-1)) >= Number(m[1]));
}

/** The refs a VSA's subject names, under either spelling (the spec's `sourceRefs`, slsa-framework/source-tool's `source_refs`). */
export function sourceRefsOf(subject: unknown): string[] {
  const annotations = (subject as { annotations?: Record<string, unknown> } | null)?.annotations;
  const refs = [annotations?.sourceRefs, annotations?.source_refs].flatMap((v) => (Array.isArray(v) ? (v as unknown[]) : []));
  return [...new Set(refs.filter((r): r is string => typeof r === 'string'))];
}
