import type { Lookup, PackageInfo, PackageRegistry } from './types.js';
import { getJson, registryError, type HttpOptions } from './http.js';
import { registryFor, type NpmConfig } from './npmrc.js';

interface Packument {
  'name'?: string;
  'dist-tags'?: Record<string, string>;
  'versions'?: Record<string, { description?: string; scripts?: Record<string, string>; repository?: unknown; deprecated?: unknown }>;
  'time'?: Record<string, string> & { created?: string; unpublished?: unknown };
}

const LIFECYCLE = ['preinstall', 'install', 'postinstall'];

/**
 * The npm registry (or whichever the user's npm config names, per scope, with
 * its credentials). Scopes listed as private are never sent to a registry the
 * config did not name for them.
 */
export class NpmRegistry implements PackageRegistry {
  readonly ecosystem = 'npm';
  readonly origin: string;
  private downloadsFailures = 0;

  constructor(
    private readonly config: NpmConfig,
    private readonly http: HttpOptions,
    private readonly downloadsUrl: string | null,
    private readonly privateScopes: readonly string[] = [],
  ) {
    this.origin = `npm:${config.registry}|${JSON.stringify(config.scopes)}`;
  }

  async lookup(name: string): Promise<Lookup> {
    const target = registryFor(this.config, name);
    const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/')) : undefined;
    if (scope && !target.scoped) {
      const named = this.config.repositoryScopes[scope];
      if (named !== undefined) {
        return {
          status: 'error',
          error: `${scope} is a private scope: the repository's .npmrc names ${named} for it, which is not used without --trust-repo-config; not sent to ${target.registry}`,
        };
      }
      if (this.privateScopes.includes(scope))
        return { status: 'error', error: `${scope} is a private scope with no registry configured for it; not sent to ${target.registry}` };
    }
    const url = `${target.registry}${name.replace('/', '%2f')}`;
    const headers = { accept: 'application/json', ...(target.authorization ? { authorization: target.authorization } : {}) };
    try {
      const response = await getJson(url, { ...this.http, headers });
      if (response.status !== 200) return { status: 'not-found' };
      const info = parsePackument(name, response.json);
      if (!info) return { status: 'error', error: `${url}: not a packument` };
      // The downloads API is public: names from a scope's own registry (or a private scope) are never sent to it.
      const downloads = target.scoped || (scope !== undefined && this.privateScopes.includes(scope)) ? undefined : await this.downloads(name);
      if (downloads !== undefined) info.monthlyDownloads = downloads;
      return { status: 'found', info };
    } catch (error) {
      return registryError(error);
    }
  }

  /** Monthly downloads, or undefined when the downloads API does not answer (some mirrors have none). */
  private async downloads(name: string): Promise<number | undefined> {
    if (this.downloadsUrl === null || this.downloadsFailures >= 3) return undefined;
    try {
      const response = await getJson(`${this.downloadsUrl.replace(/\/$/, '')}/downloads/point/last-month/${name}`, { ...this.http, retries: 0 });
      const downloads = response.status === 200 ? (response.json as { downloads?: unknown }).downloads : undefined;
      this.downloadsFailures = 0;
      return typeof downloads === 'number' ? downloads : undefined;
    } catch {
      // After three failures in a row, stop asking: each would cost a full timeout.
      this.downloadsFailures++;
      return undefined;
    }
  }
}

export function parsePackument(name: string, json: unknown): PackageInfo | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const p = json as Packument;
  if (typeof p.versions !== 'object') return undefined;
  const versions = Object.keys(p.versions);
  const latest = p['dist-tags']?.latest ?? versions[versions.length - 1];
  const manifest = latest ? p.versions[latest] : undefined;
  const repository = manifest?.repository;
  const repoField = typeof repository === 'object' && repository !== null ? (repository as { url?: unknown }).url : repository;
  const repoUrl = typeof repoField === 'string' ? repoField : '';
  const description = manifest?.description ?? '';
  const info: PackageInfo = {
    name,
    ...(latest ? { latest } : {}),
    versionCount: versions.length,
    unpublished: versions.length === 0 || p.time?.unpublished !== undefined,
    securityHolding:
      latest !== undefined && /-security$/.test(latest) && (/security holding package/i.test(description) || /npm\/security-holder/.test(repoUrl)),
  };
  if (typeof p.time?.created === 'string') info.created = p.time.created;
  else {
    const times = versions.map((v) => p.time?.[v]).filter((t): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t)));
    if (times.length > 0) info.createdAtOrBefore = times.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
  }
  const flags: NonNullable<PackageInfo['versionFlags']> = {};
  for (const [version, m] of Object.entries(p.versions)) {
    const scripts = LIFECYCLE.filter((s) => typeof m.scripts?.[s] === 'string');
    const deprecated = typeof m.deprecated === 'string' && m.deprecated !== '' ? m.deprecated : undefined;
    if (scripts.length > 0 || deprecated)
      flags[version] = { ...(scripts.length > 0 ? { installScripts: scripts } : {}), ...(deprecated ? { deprecated } : {}) };
  }
  if (versions.length > 0) info.versionFlags = flags;
  if (manifest && latest !== undefined) {
    info.installScripts = flags[latest]?.installScripts ?? [];
    info.repository = repoUrl === '' ? null : repoUrl;
    info.deprecated = flags[latest]?.deprecated ?? null;
  }
  return info;
}
