import { ConfigError } from '../kernel/errors.js';
import { BUILTIN_RULES, type Controls, type RiskRule } from './rules.js';
import { type Severity } from '../policy/severity.js';

/** `.aiprov.yml`'s `risk:` section (schemas/config.schema.json). */
export interface RiskConfig {
  disable?: string[];
  override?: Record<string, Partial<Omit<RiskRule, 'id' | 'controls'>> & { controls?: Partial<Controls> }>;
  rules?: (Pick<RiskRule, 'id' | 'tier' | 'title' | 'rationale'> & { paths?: string[]; content?: string[]; controls?: Partial<Controls> })[];
}

/** `.aiprov.yml`'s `review:` section. */
export interface ReviewConfig {
  escalate?: Severity[];
  /** Named groups of reviewers (e-mail addresses, forge logins `@login`, forge teams `@org/team`), referred to as `team:<name>`. */
  teams?: Record<string, string[]>;
  /** Who may review what: an escalated hunk under these paths counts as reviewed only by one of these reviewers (each matching entry must be met). */
  require?: { paths: string[]; reviewers: string[] }[];
  /** The forge whose approvals count; its API and token come from the CI's environment or flags, never from the repository. */
  forge?: 'github' | 'gitlab';
  /** Who may sign review/v1 attestations (separately from the keys that sign authorship): a key file of the base revision, or a keyless identity. */
  signers?: ReviewSigner[];
  /** A file of the base revision in SSH's allowed-signers format: a `Reviewed-by:` counts on a commit signed by the person it names. */
  allowedSigners?: string;
  /** A file of the base revision with ASCII-armored OpenPGP public keys: a `Reviewed-by:` counts on a commit signed by one whose user id names the address. */
  gpgKeys?: string;
}

/** A reviewer's signing key (PEM, or a PEM file of the base revision) or keyless identity (the e-mail in the certificate, issued by `issuer`). */
export interface ReviewSigner {
  email: string;
  key?: string;
  issuer?: string;
}

/** The reviewers a requirement names (addresses, `@login`, `@org/team`), `team:` groups expanded, lowercase; an unknown team is a config error. */
export function requiredReviewers(
  config: ReviewConfig | undefined,
  source: string,
): { include: string[]; exclude: string[]; reviewers: Set<string>; names: string[] }[] {
  return (config?.require ?? []).map((entry, i) => {
    const reviewers = new Set<string>();
    for (const r of entry.reviewers) {
      if (r.startsWith('team:')) {
        const members = config?.teams?.[r.slice(5)];
        if (!members) throw new ConfigError('CONFIG_INVALID', `${source}: review.require[${i}]: no team '${r.slice(5)}' in review.teams`);
        for (const m of members) reviewers.add(m.toLowerCase());
      } else {
        reviewers.add(r.toLowerCase());
      }
    }
    return {
      include: entry.paths.filter((p) => !p.startsWith('!')),
      exclude: entry.paths.filter((p) => p.startsWith('!')).map((p) => p.slice(1)),
      reviewers,
      names: entry.reviewers,
    };
  });
}

export const DEFAULT_ESCALATE: readonly Severity[] = ['critical', 'high'];

const NO_CONTROLS: Controls = { ssdf: [], asvs: [], slsa: [], soc2: [], iso27001: [], cosai: [], aisvs: [], codeguard: [] };

/**
 * The rules in force: the built-in ones, less those disabled, with the
 * overrides applied, and the repository's own. Naming a rule that does not
 * exist (a typo in `disable` or `override`) is an error, not a rule quietly
 * left on or off; so is a repository rule reusing a built-in id.
 */
export function effectiveRules(config: RiskConfig | undefined, source: string): RiskRule[] {
  const known = new Set(BUILTIN_RULES.map((r) => r.id));
  for (const id of config?.disable ?? [])
    if (!known.has(id)) throw new ConfigError('CONFIG_INVALID', `${source}: risk.disable: no built-in rule '${id}' (there are ${[...known].join(', ')})`);
  for (const id of Object.keys(config?.override ?? {}))
    if (!known.has(id)) throw new ConfigError('CONFIG_INVALID', `${source}: risk.override.${id}: no built-in rule of that id`);
  const disabled = new Set(config?.disable ?? []);
  const rules: RiskRule[] = BUILTIN_RULES.filter((r) => !disabled.has(r.id)).map((r) => {
    const o = config?.override?.[r.id];
    return o ? { ...r, ...o, id: r.id, controls: { ...r.controls, ...o.controls } } : r;
  });
  const ids = new Set(known);
  for (const own of config?.rules ?? []) {
    if (ids.has(own.id))
      throw new ConfigError('CONFIG_INVALID', `${source}: risk.rules: '${own.id}' is already a rule (use risk.override to change a built-in one)`);
    ids.add(own.id);
    rules.push({ ...own, paths: own.paths ?? [], content: own.content ?? [], controls: { ...NO_CONTROLS, ...own.controls } });
  }
  return rules;
}
