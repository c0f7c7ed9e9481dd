import { pep503 } from '../names.js';
import { getJson, registryError, type HttpOptions } from './http.js';
import type { Lookup, PackageInfo, PackageRegistry } from './types.js';

async function guarded(fn: () => Promise<Lookup>): Promise<Lookup> {
  try {
    return await fn();
  } catch (error) {
    return registryError(error);
  }
}

/** PyPI's JSON API (`/pypi/<name>/json`); the index URL is configurable. */
export class PypiRegistry implements PackageRegistry {
  readonly ecosystem = 'pypi';
  constructor(
    readonly origin: string,
    private readonly http: HttpOptions,
  ) {}

  lookup(name: string): Promise<Lookup> {
    return guarded(async () => {
      const url = `${this.origin.replace(/\/$/, '')}/pypi/${pep503(name)}/json`;
      const response = await getJson(url, this.http);
      if (response.status !== 200) return { status: 'not-found' };
      const json = response.json as {
        info?: {
          name?: string;
          version?: string;
          project_urls?: Record<string, string> | null;
          home_page?: string | null;
          provides_extra?: string[] | null;
          requires_dist?: string[] | null;
        };
        releases?: Record<string, { upload_time_iso_8601?: string; yanked?: boolean }[]>;
      };
      if (typeof json.info !== 'object' || typeof json.releases !== 'object') return { status: 'error', error: `${url}: not a PyPI project document` };
      const releases = Object.entries(json.releases).filter(([, files]) => files.length > 0 && !files.every((f) => f.yanked === true));
      const uploads = releases
        .flatMap(([, files]) => files.map((f) => f.upload_time_iso_8601 ?? ''))
        .filter((t) => t !== '')
        .sort();
      const urls = Object.values(json.info.project_urls ?? {}).concat(json.info.home_page ?? []);
      const repo = urls.find((u) => /github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|sr\.ht/.test(u));
      const info: PackageInfo = {
        name: json.info.name ?? name,
        ...(json.info.version ? { latest: json.info.version } : {}),
        versionCount: releases.length,
        unpublished: releases.length === 0,
        securityHolding: false,
        repository: repo ?? null,
      };
      if (uploads[0]) info.created = uploads[0];
      const extras = definedExtras(json.info);
      if (extras) info.extras = extras;
      return { status: 'found', info };
    });
  }
}

/**
 * The extras a release defines: `provides_extra` (core metadata 2.1), and
 * the `extra == "…"` markers of `requires_dist` for releases that predate it.
 * Undefined when the index gives neither (nothing to check against).
 */
function definedExtras(info: { provides_extra?: string[] | null; requires_dist?: string[] | null }): string[] | undefined {
  if (!Array.isArray(info.provides_extra) && !Array.isArray(info.requires_dist)) return undefined;
  const fromMarkers = (info.requires_dist ?? []).flatMap((r) => [...r.matchAll(/extra\s*==\s*["']([^"']+)["']/g)].map((m) => m[1] ?? ''));
  return [...new Set([...(info.provides_extra ?? []), ...fromMarkers].map(pep503).filter((e) => e !== ''))].sort();
}

/** The Go module proxy: `@latest` says whether a module exists. */
export class GoProxy implements PackageRegistry {
  readonly ecosystem = 'go';
  constructor(
    readonly origin: string,
    private readonly http: HttpOptions,
  ) {}

  lookup(name: string): Promise<Lookup> {
    return guarded(async () => {
      // The proxy protocol encodes capitals as `!` + lowercase.
      const escaped = name.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
      const response = await getJson(`${this.origin.replace(/\/$/, '')}/${escaped}/@latest`, this.http);
      if (response.status !== 200) return { status: 'not-found' };
      const latest = response.json as { Version?: string; Time?: string };
      return {
        status: 'found',
        info: { name, ...(latest.Version ? { latest: latest.Version } : {}), versionCount: 1, unpublished: false, securityHolding: false },
      };
    });
  }
}

/** crates.io's API (`/api/v1/crates/<name>`). */
export class CratesRegistry implements PackageRegistry {
  readonly ecosystem = 'cargo';
  constructor(
    readonly origin: string,
    private readonly http: HttpOptions,
  ) {}

  lookup(name: string): Promise<Lookup> {
    return guarded(async () => {
      const response = await getJson(`${this.origin.replace(/\/$/, '')}/api/v1/crates/${name}`, {
        ...this.http,
        headers: { 'user-agent': 'aiprov (https://aiprov.dev)' },
      });
      if (response.status !== 200) return { status: 'not-found' };
      const json = response.json as {
        crate?: { name?: string; created_at?: string; recent_downloads?: number; repository?: string | null; max_version?: string };
        versions?: { yanked?: boolean }[];
      };
      if (!json.crate) return { status: 'error', error: `crates.io: no crate object for ${name}` };
      const live = (json.versions ?? []).filter((v) => v.yanked !== true).length;
      const info: PackageInfo = {
        name: json.crate.name ?? name,
        ...(json.crate.max_version ? { latest: json.crate.max_version } : {}),
        versionCount: live,
        unpublished: live === 0,
        securityHolding: false,
        repository: json.crate.repository ?? null,
      };
      if (json.crate.created_at) info.created = json.crate.created_at;
      if (typeof json.crate.recent_downloads === 'number') info.monthlyDownloads = Math.round(json.crate.recent_downloads / 3);
      return { status: 'found', info };
    });
  }
}
