import { describe, expect, it } from 'vitest';
import { PREDICATE_TYPES } from '../../src/attest/statement.js';
import { policyViolations } from '../../src/verify/content-policy.js';

const dep = (name: string, verdict: string) => ({ ecosystem: 'npm', name, spec: '^1.0.0', sources: [], verdict, findings: [], unknownSignals: [] });
const report = (deps: object[]) => ({ dependencies: deps });

describe('content policy on verified predicates', () => {
  it('deps: hallucinated and malicious names fail by default; a legitimate or unknown one does not; the deny list is configurable', () => {
    const r = report([dep('react', 'ok'), dep('reakt-dom-utils', 'hallucinated'), dep('left-pad', 'unknown')]);
    expect(policyViolations({}, PREDICATE_TYPES.deps, r)).toEqual({
      applied: ['no dependency hallucinated or malicious'],
      violations: ['1 dependency is hallucinated: npm:reakt-dom-utils'],
      rules: 1,
    });
    // Denying nothing is said, but is no rule evaluated.
    expect(policyViolations({ deps: { denyVerdicts: [] } }, PREDICATE_TYPES.deps, r)).toMatchObject({ applied: ['no dependency verdict denied'], rules: 0 });
    expect(policyViolations({}, PREDICATE_TYPES.deps, report([dep('react', 'ok'), dep('left-pad', 'unknown')])).violations).toEqual([]);
    expect(policyViolations({ deps: { denyVerdicts: ['unknown'] } }, PREDICATE_TYPES.deps, r).violations).toEqual(['1 dependency is unknown: npm:left-pad']);
  });

  it('authorship rules apply to authorship only, and say which were applied', () => {
    const predicate = {
      blame: { totals: { lines: 10, aiLines: 5, byAgent: { 'claude-code': 4, 'claude-code+cursor': 1 }, byModel: { 'claude-sonnet-4.5': 4, 'unknown': 1 } } },
      scan: { byAgent: { 'claude-code': { models: {} }, 'copilot': { models: {} } } },
    };
    const policy = { authorship: { maxAiShare: 50, allowedAgents: ['claude-code'], allowedModels: ['claude-sonnet-4.5'] } };
    // cursor's lines are all shared with claude-code: still an agent whose lines are present.
    expect(policyViolations(policy, PREDICATE_TYPES.authorship, predicate).violations).toEqual([
      'agents not allowed: copilot, cursor',
      'models not allowed: unknown',
    ]);
    // An attestation of an older aiprov, whose shared lines were `shared`: their agents are the scan's, checked as such.
    const older = { ...predicate, blame: { totals: { ...predicate.blame.totals, byAgent: { 'claude-code': 4, 'shared': 1 } } } };
    expect(policyViolations(policy, PREDICATE_TYPES.authorship, older).violations).toEqual(['agents not allowed: copilot', 'models not allowed: unknown']);
    expect(policyViolations({ authorship: { maxAiShare: 49.9 } }, PREDICATE_TYPES.authorship, predicate).violations).toEqual([
      'AI share is 50.00% (5 of 10 lines), above 49.9%',
    ]);
    expect(policyViolations(policy, PREDICATE_TYPES.bom, {})).toEqual({ applied: [], violations: [], rules: 0 });
  });
});
