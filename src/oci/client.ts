import { RegistryError } from '../kernel/errors.js';
import { DEFAULT_REGISTRY_HTTP, exchange, type Exchange, type HttpSettings, type RequestInit } from './http.js';
import { MANIFEST_TYPES, MEDIA, sha256Digest, type Descriptor, type ImageIndex } from './manifests.js';
import { apiHost, isLoopback, type ImageReference } from './reference.js';

/** What `docker login` keeps for a registry (config.json `auths`): a user and password, or an identity token. */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (`identitytoken`), exchanged at the token realm. */
  identityToken?: string;
}

export interface RegistryClientOptions {
  credentials?: RegistryCredentials;
  /** Registries (`host:port`) that may be spoken to in plain HTTP besides loopback ones. */
  insecure?: readonly string[];
  /** Push needs `pull,push` scope from a token service; verify asks for `pull` only. */
  access: 'pull' | 'push';
  http?: Partial<HttpSettings>;
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * The registry API aiprov needs (distribution spec 1.1): resolve a reference,
 * read manifests and blobs (checked against their digests), push blobs and
 * manifests, list referrers. Credentials are sent only after the registry
 * asks (401 with a challenge): Basic over the registry's own scheme, or a
 * Bearer token from the realm it names, which must be HTTPS unless loopback.
 */
export class RegistryClient {
  private readonly base: string;
  private readonly settings: HttpSettings;
  private authorization: string | undefined;
  readonly where: string;

  constructor(
    readonly ref: ImageReference,
    private readonly options: RegistryClientOptions,
  ) {
    const host = apiHost(ref.registry);
    const plain = isLoopback(ref.registry) || (options.insecure ?? []).includes(ref.registry);
    this.base = `${plain ? 'http' : 'https'}://${host}/v2/${ref.repository}`;
    this.settings = { ...DEFAULT_REGISTRY_HTTP, ...options.http };
    this.where = `${ref.registry}/${ref.repository}`;
  }

  /** The descriptor of what `reference` (a tag or digest) names, and its bytes, checked against the digest. */
  async manifest(reference: string, accept: readonly string[] = MANIFEST_TYPES): Promise<{ descriptor: Descriptor; bytes: Buffer; json: unknown } | undefined> {
    const answer = await this.send(
      `/manifests/${reference}`,
      { method: 'GET', headers: { accept: accept.join(', ') }, idempotent: true },
      `GET manifest ${reference}`,
    );
    if (answer.status === 404) return undefined;
    this.expect(answer, [200], `GET manifest ${reference}`);
    const digest = sha256Digest(answer.body);
    if (reference.startsWith('sha256:') && digest !== reference)
      throw new RegistryError('REGISTRY_BAD_ANSWER', `${this.where}: the manifest served for ${reference} has digest ${digest}`);
    const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    let json: unknown;
    try {
      json = JSON.parse(answer.body.toString('utf8'));
    } catch {
      throw new RegistryError('REGISTRY_BAD_ANSWER', `${this.where}: the manifest ${reference} is not JSON`);
    }
    const declared = (json as { mediaType?: unknown }).mediaType;
    return { descriptor: { mediaType: typeof declared === 'string' ? declared : mediaType, digest, size: answer.body.length }, bytes: answer.body, json };
  }

  async blob(digest: string, maxBytes = this.settings.maxBytes): Promise<Buffer> {
    const answer = await this.send(`/blobs/${digest}`, { method: 'GET', idempotent: true }, `GET blob ${digest}`, { maxBytes });
    this.expect(answer, [200], `GET blob ${digest}`);
    if (sha256Digest(answer.body) !== digest) throw new RegistryError('REGISTRY_BAD_ANSWER', `${this.where}: the blob served for ${digest} has another digest`);
    return answer.body;
  }

  async pushBlob(bytes: Buffer): Promise<void> {
    const digest = sha256Digest(bytes);
    const head = await this.send(`/blobs/${digest}`, { method: 'HEAD', idempotent: true }, `HEAD blob ${digest}`);
    if (head.status === 200) return;
    const started = await this.send('/blobs/uploads/', { method: 'POST', headers: { 'content-length': '0' }, idempotent: false }, 'POST blob upload');
    this.expect(started, [202], 'POST blob upload');
    const location = started.headers.get('location');
    if (location === null) throw new RegistryError('REGISTRY_BAD_ANSWER', `${this.where}: a blob upload without a location`);
    const target = new URL(location, started.url);
    if (target.host !== new URL(this.base).host)
      throw new RegistryError('REGISTRY_BAD_ANSWER', `${this.where}: a blob upload to another host (${target.host}); not followed`);
    target.searchParams.set('digest', digest);
    const put = await this.sendUrl(
      target.href,
      { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) }, body: bytes, idempotent: false },
      `PUT blob ${digest}`,
    );
    this.expect(put, [201], `PUT blob ${digest}`);
  }

  /** Pushes a manifest under `reference` (its digest, or a tag). */
  async pushManifest(reference: string, bytes: Buffer, mediaType: string): Promise<void> {
    const answer = await this.send(
      `/manifests/${reference}`,
      { method: 'PUT', headers: { 'content-type': mediaType }, body: bytes, idempotent: true },
      `PUT manifest ${reference}`,
    );
    this.expect(answer, [201], `PUT manifest ${reference}`);
  }

  /**
   * The referrers of `digest` by the referrers API; `supported: false` when
   * the registry has no such API (404, as the distribution spec says, or a
   * non-index answer), for the caller to read the fallback tag.
   */
  async referrers(digest: string): Promise<{ supported: boolean; index?: ImageIndex }> {
    const answer = await this.send(`/referrers/${digest}`, { method: 'GET', headers: { accept: MEDIA.index }, idempotent: true }, `GET referrers ${digest}`);
    if (answer.status === 404 || answer.status === 405) return { supported: false };
    this.expect(answer, [200], `GET referrers ${digest}`);
    const index = parseIndex(answer.body, `${this.where}: the referrers of ${digest}`);
    return { supported: true, index };
  }

  private expect(answer: Exchange, statuses: number[], what: string): void {
    if (statuses.includes(answer.status)) return;
    if (answer.status === 401 || answer.status === 403)
      throw new RegistryError(
        'REGISTRY_AUTH_FAILED',
        `${this.where}: ${what}: HTTP ${answer.status} (${this.options.credentials ? 'the credentials were refused' : 'no credentials: docker login, which aiprov reads from config.json'})`,
      );
    throw new RegistryError('REGISTRY_REFUSED', `${this.where}: ${what}: HTTP ${answer.status}${errorDetail(answer.body)}`);
  }

  private send(path: string, init: RequestInit, what: string, override: Partial<HttpSettings> = {}): Promise<Exchange> {
    return this.sendUrl(`${this.base}${path}`, init, what, override);
  }

  private async sendUrl(url: string, init: RequestInit, what: string, override: Partial<HttpSettings> = {}): Promise<Exchange> {
    const settings = { ...this.settings, ...override };
    const where = `${this.where}: ${what}`;
    const withAuth = (): RequestInit => ({ ...init, headers: { ...init.headers, ...(this.authorization ? { authorization: this.authorization } : {}) } });
    const first = await exchange(url, withAuth(), settings, where);
    if (first.status !== 401) return first;
    // Only the registry's own challenges are answered: a redirect to another host (blob storage) that then asks for
    // credentials would otherwise get this registry's (issue 24, case 7). Its 401 is the answer, as it stands.
    if (new URL(first.url).host !== new URL(url).host) return first;
    const challenge = parseChallenge(first.headers.get('www-authenticate'));
    if (!challenge) return first;
    await this.authenticate(challenge, where);
    return exchange(url, withAuth(), settings, where);
  }

  private async authenticate(challenge: Challenge, where: string): Promise<void> {
    const creds = this.options.credentials;
    const basic =
      creds?.username !== undefined && creds.password !== undefined
        ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`
        : undefined;
    if (challenge.scheme === 'basic') {
      if (!basic)
        throw new RegistryError(
          'REGISTRY_AUTH_FAILED',
          `${where}: the registry asks for credentials and there are none for ${this.ref.registry} (docker login ${this.ref.registry}; aiprov reads config.json)`,
        );
      this.authorization = basic;
      return;
    }
    if (challenge.scheme !== 'bearer')
      throw new RegistryError('REGISTRY_AUTH_FAILED', `${where}: the registry asks for ${challenge.scheme} authentication, which aiprov does not speak`);
    const realm = challenge.params.realm;
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm ?? '');
    } catch {
      throw new RegistryError('REGISTRY_BAD_ANSWER', `${where}: a Bearer challenge without a usable realm`);
    }
    if (realmUrl.protocol !== 'https:' && !(realmUrl.protocol === 'http:' && isLoopback(realmUrl.host)))
      throw new RegistryError('REGISTRY_AUTH_FAILED', `${where}: the token realm ${realmUrl.origin} is not HTTPS; no credentials are sent there`);
    if (challenge.params.service !== undefined) realmUrl.searchParams.set('service', challenge.params.service);
    realmUrl.searchParams.set('scope', `repository:${this.ref.repository}:${this.options.access === 'push' ? 'pull,push' : 'pull'}`);
    // An identity token (docker login to a registry that uses OAuth2) is exchanged by POST, as the distribution spec's token
    // documentation says; a user and password go in Basic on a GET.
    const token =
      creds?.identityToken !== undefined
        ? await exchange(
            realmUrl.origin + realmUrl.pathname,
            {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              idempotent: false,
              body: Buffer.from(
                new URLSearchParams({
                  grant_type: 'refresh_token',
                  refresh_token: creds.identityToken,
                  service: challenge.params.service ?? '',
                  scope: realmUrl.searchParams.get('scope') ?? '',
                  client_id: 'aiprov',
                }).toString(),
              ),
            },
            this.settings,
            `${this.ref.registry}: token from ${realmUrl.origin}`,
          )
        : await exchange(
            realmUrl.href,
            { method: 'GET', headers: basic ? { authorization: basic } : {}, idempotent: true },
            this.settings,
            `${this.ref.registry}: token from ${realmUrl.origin}`,
          );
    if (token.status === 401 || token.status === 403)
      throw new RegistryError(
        'REGISTRY_AUTH_FAILED',
        `${where}: the token service ${realmUrl.origin} refused ${creds?.identityToken !== undefined ? 'the identity token' : basic ? 'the credentials' : 'anonymous access'} (HTTP ${token.status})`,
      );
    if (token.status !== 200) throw new RegistryError('REGISTRY_REFUSED', `${where}: the token service ${realmUrl.origin} answered HTTP ${token.status}`);
    let value: unknown;
    try {
      const json = JSON.parse(token.body.toString('utf8')) as { token?: unknown; access_token?: unknown };
      value = json.token ?? json.access_token;
    } catch {
      value = undefined;
    }
    if (typeof value !== 'string' || value === '')
      throw new RegistryError('REGISTRY_BAD_ANSWER', `${where}: the token service ${realmUrl.origin} gave no token`);
    this.authorization = `Bearer ${value}`;
  }
}

/** `Bearer realm="…",service="…",scope="…"` (RFC 7235 auth-params, quoted or not). */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (header === null) return undefined;
  const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of (m[2] ?? '').matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g))
    params[(p[1] ?? '').toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme: (m[1] ?? '').toLowerCase(), params };
}

export function parseIndex(bytes: Buffer, what: string): ImageIndex {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new RegistryError('REGISTRY_BAD_ANSWER', `${what}: not JSON`);
  }
  const index = json as Partial<ImageIndex>;
  if (typeof json !== 'object' || json === null || !Array.isArray(index.manifests))
    throw new RegistryError('REGISTRY_BAD_ANSWER', `${what}: not an image index`);
  const manifests = (index.manifests as unknown[]).filter((d): d is Descriptor => {
    const x = d as Partial<Descriptor> | null;
    return typeof x === 'object' && x !== null && typeof x.digest === 'string' && /^sha256:[a-f0-9]{64}$/.test(x.digest) && typeof x.mediaType === 'string';
  });
  return { schemaVersion: 2, mediaType: MEDIA.index, manifests };
}

function errorDetail(body: Buffer): string {
  try {
    const json = JSON.parse(body.toString('utf8')) as { errors?: { code?: string; message?: string }[] };
    const first = json.errors?.[0];
    // What the registry says goes into a one-line message: printable characters only.
    return first ? ` (${first.code ?? ''}${first.message ? `: ${first.message}` : ''})`.replace(/[^\x20-\x7e]/g, ' ').slice(0, 200) : '';
  } catch {
    return '';
  }
}
