import type { Ecosystem } from '../types.js';

/**
 * What a registry says about a package, normalised across ecosystems.
 * `undefined` means "the registry gave no data for this": the signal is
 * then unknown, never a finding. `null` means "known to be absent".
 */
export interface PackageInfo {
  name: string;
  latest?: string;
  versionCount: number;
  /** Exists, but every version was removed (npm unpublish, PyPI with no releases): the name is free to take. */
  unpublished: boolean;
  /** npm's placeholder for a package removed as malware. */
  securityHolding: boolean;
  created?: string;
  /**
   * When the registry gives no creation date: the earliest time it gives for
   * any version. The package is at least this old, but may be older (a
   * mirror's times are when it copied each version), so it can show a
   * package is not new, never that it is.
   */
  createdAtOrBefore?: string;
  monthlyDownloads?: number;
  /** PyPI: the extras the latest release defines (PEP 685 normalised); undefined when the index does not say. */
  extras?: string[];
  /** Lifecycle scripts of the latest version (`preinstall`, `install`, `postinstall`). */
  installScripts?: string[];
  repository?: string | null;
  deprecated?: string | null;
  /** Versions that run install scripts or are deprecated (every other version does neither), for checking pinned versions. */
  versionFlags?: Record<string, { installScripts?: string[]; deprecated?: string }>;
}

export type Lookup =
  | { status: 'found'; info: PackageInfo }
  | { status: 'not-found' }
  /** `unreachable`: no answer at all (name resolution, connection, time-out), as opposed to an answer that is not usable. */
  | { status: 'error'; error: string; unreachable?: true };

/** The role every registry adapter plays. */
export interface PackageRegistry {
  readonly ecosystem: Ecosystem;
  /** A stable identity of where it looks (for the cache key), e.g. the registry URL. */
  readonly origin: string;
  lookup(name: string): Promise<Lookup>;
}
