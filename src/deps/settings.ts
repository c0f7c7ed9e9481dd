import { ConfigError } from '../kernel/errors.js';
import type { Severity } from '../policy/severity.js';
import { configMayChooseHosts, type ConfigTrust } from '../kernel/trust.js';
import type { Ecosystem, SignalId } from './types.js';

/** A suppression as `.aiprov.yml` writes it: the package it is about, then the policy layer's reason, expiry and ids (`signals`). */
export interface PackageSuppression {
  package: string;
  ecosystem?: Ecosystem;
  /** Which findings it covers; all when absent. */
  signals?: SignalId[];
  reason: string;
  /** YYYY-MM-DD; the day after, the suppression no longer applies and is reported. */
  expires?: string;
}

/** The `deps:` section of .aiprov.yml (schemas/config.schema.json), with defaults. */
export interface DepsSettings {
  failOn: Severity;
  /** A package younger than this is `new-package`. */
  newPackageDays: number;
  /** Fewer monthly downloads than this is `low-popularity`. */
  minMonthlyDownloads: number;
  /** npm scopes that must never be looked up on a registry the npm config does not name for them. */
  privateScopes: string[];
  registries: { pypi: string; go: string; crates: string; npmDownloads: string | null };
  cacheTtlHours: number;
  concurrency: number;
  timeoutMs: number;
  retries: number;
  suppressions: PackageSuppression[];
  /** Signals that must be evaluated: a package for which one could not be (no data) is `unknown`, not `ok`. */
  requireSignals: SignalId[];
  /** Ecosystems whose names are not looked up at all (no registry for them here): listed, counted apart, never a pass or a finding. */
  skip: Ecosystem[];
  /** Globs of files whose names are not collected (chat transcripts, fixtures, vendored docs). */
  exclude: string[];
}

export const DEFAULT_DEPS_SETTINGS: DepsSettings = {
  failOn: 'high',
  newPackageDays: 30,
  minMonthlyDownloads: 100,
  privateScopes: [],
  registries: { pypi: 'https://pypi.org', go: 'https://proxy.golang.org', crates: 'https://crates.io', npmDownloads: 'https://api.npmjs.org' },
  cacheTtlHours: 24,
  concurrency: 16,
  timeoutMs: 10_000,
  retries: 3,
  suppressions: [],
  requireSignals: [],
  skip: [],
  exclude: [],
};

export type DepsConfig = Partial<Omit<DepsSettings, 'registries'>> & { registries?: Partial<DepsSettings['registries']> };

/**
 * The settings, defaults filled in. From the repository's own `.aiprov.yml`,
 * registry hosts, and what is left unchecked (`skip`, `exclude`), are refused
 * unless the user trusts it (trust.ts): a pull request must choose neither
 * where look-ups go nor which names are never looked up; a skipped or excluded
 * name would otherwise be a claim that turns the audit into a pass.
 */
export function depsSettings(config: DepsConfig | undefined, trust: ConfigTrust): DepsSettings {
  const hosts = Object.keys(config?.registries ?? {});
  const unchecked = [config?.skip?.length ? 'deps.skip' : '', config?.exclude?.length ? 'deps.exclude' : ''].filter((k) => k !== '');
  if ((hosts.length > 0 || unchecked.length > 0) && !configMayChooseHosts(trust)) {
    const what = [
      hosts.length > 0 ? `deps.registries (${hosts.join(', ')}) names hosts` : '',
      unchecked.length > 0 ? `${unchecked.join(' and ')} leave names unchecked` : '',
    ]
      .filter((p) => p !== '')
      .join(', and ');
    throw new ConfigError(
      'CONFIG_UNTRUSTED',
      `${trust.configFile ?? '.aiprov.yml'}: ${what}, and this file belongs to the repository under audit; pass --trust-repo-config to use them, or give them in a file named with --config`,
    );
  }
  return { ...DEFAULT_DEPS_SETTINGS, ...config, registries: { ...DEFAULT_DEPS_SETTINGS.registries, ...config?.registries } };
}
