import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { linearRepo } from '../../fixtures/repos.js';
import { BUILTIN_RULES } from '../../src/gate/rules.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';
import { parseConfig } from '../../src/config/load.js';
import { classify, compileRules } from '../../src/gate/classify.js';
import { effectiveRules } from '../../src/gate/config.js';

const YAML = `
risk:
  disable: [network-boundary]
  override:
    dependency-manifests:
      tier: medium
    auth:
      paths: ['src/identity/**', '!src/identity/generated/**']
  rules:
    - id: payments
      tier: critical
      title: Payments
      rationale: Money moves here.
      paths: ['src/payments/**', '!src/payments/fixtures/**']
      content: ['\\bstripe\\.charges\\.create\\(']
review:
  escalate: [critical]
`;

describe('risk rules from .aiprov.yml', () => {
  it("disables, overrides and adds rules; negated paths exclude; the tiers to escalate are the config's", () => {
    const config = parseConfig(YAML, '.aiprov.yml');
    expect(config.review?.escalate).toEqual(['critical']);
    const rules = effectiveRules(config.risk, '.aiprov.yml');
    const ids = rules.map((r) => r.id);
    expect(ids).not.toContain('network-boundary');
    expect(ids).toContain('payments');
    expect(rules.find((r) => r.id === 'dependency-manifests')?.tier).toBe('medium');
    const compiled = compileRules(rules);
    const hit = (path: string, text = 'x = 1') => classify(compiled, { path, lines: [{ line: 1, text }] }).map((m) => m.rule);
    expect(hit('src/payments/charge.ts')).toContain('payments');
    expect(hit('src/payments/fixtures/card.json')).not.toContain('payments');
    expect(hit('src/billing.ts', 'await stripe.charges.create({ amount });')).toContain('payments');
    expect(hit('src/identity/login.ts')).toContain('auth');
    expect(hit('src/identity/generated/login.ts')).not.toContain('auth');
    // The override replaced auth's paths: the built-in ones no longer apply, its content patterns still do.
    expect(hit('src/auth/login.ts')).not.toContain('auth');
    expect(hit('src/api.ts', 'const t = jwt.sign(p, k);')).toContain('auth');
  });

  it('a rule id that does not exist, a built-in id reused, a bad pattern or a missing field: an error naming the file and the rule', () => {
    expect(() => parseConfig('risk:\n  disable: [authn]\n', '.aiprov.yml')).toThrow(/^\.aiprov\.yml: risk\.disable: no built-in rule 'authn'/);
    expect(() => parseConfig('risk:\n  override:\n    sql: { tier: low }\n', '.aiprov.yml')).toThrow(/risk\.override\.sql: no built-in rule/);
    expect(() => parseConfig('risk:\n  rules:\n    - { id: auth, tier: high, title: A, rationale: B, paths: [x] }\n', '.aiprov.yml')).toThrow(
      /'auth' is already a rule/,
    );
    expect(() => parseConfig('risk:\n  rules:\n    - { id: mine, tier: high, title: A, rationale: B, content: ["(?<=x)y"] }\n', '.aiprov.yml')).toThrow(
      /^\.aiprov\.yml: risk rule mine: pattern "\(\?<=x\)y": /,
    );
    expect(() => parseConfig('risk:\n  rules:\n    - { id: mine, tier: high, title: A, rationale: B }\n', '.aiprov.yml')).toThrow(
      /^\.aiprov\.yml:3: \/risk\/rules\/0: /,
    );
    expect(() => parseConfig('review:\n  escalate: [urgent]\n', '.aiprov.yml')).toThrow(/^\.aiprov\.yml:2: \/review\/escalate\/0/);
    // The key and its line, also for a key nested deeper and for an unknown one.
    expect(() =>
      parseConfig('version: 1\nrisk:\n  rules:\n    - id: mine\n      tier: severe\n      title: A\n      rationale: B\n      paths: [x]\n', '.aiprov.yml'),
    ).toThrow(/^\.aiprov\.yml:5: \/risk\/rules\/0\/tier/);
    expect(() => parseConfig('deps:\n  failOn: high\n  failon: low\n', '.aiprov.yml')).toThrow(/^\.aiprov\.yml:3: \/deps: .*'failon'/);
  });

  it('aiprov init writes a commented .aiprov.yml that is the defaults (a valid config, every built-in rule listed), and never over an existing one', async () => {
    const repo = await tempDir();
    await linearRepo(repo, 1);
    const first = await runCli(['init', '--repo', repo, '--quiet']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const text = await readFile(path.join(repo, '.aiprov.yml'), 'utf8');
    const config = parseConfig(text, '.aiprov.yml');
    expect(effectiveRules(config.risk, '.aiprov.yml').map((r) => r.id)).toEqual(BUILTIN_RULES.map((r) => r.id));
    expect(config.review?.escalate).toEqual(['critical', 'high']);
    for (const rule of BUILTIN_RULES) expect(text).toContain(`#   ${rule.id}`);
    const again = await runCli(['init', '--repo', repo]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/\.aiprov\.yml exists: init does not overwrite/);
    expect(await readFile(path.join(repo, '.aiprov.yml'), 'utf8')).toBe(text);
  });
});
