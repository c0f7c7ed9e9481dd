import { RegistryError } from '../kernel/errors.js';
import { readCappedBody } from '../kernel/http-body.js';

/**
 * One HTTP exchange with a registry: a timeout on every attempt, retries with
 * backoff for reads and idempotent writes on timeouts, network errors, 429
 * (honouring a short Retry-After) and 5xx, a cap on every body read, and
 * redirects followed by hand: within the host with the credentials, to
 * another host (blob storage) only for reads and without them.
 */
export interface HttpSettings {
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  /** Largest body read (manifests, indexes, bundles are small). */
  maxBytes: number;
}

export const DEFAULT_REGISTRY_HTTP: HttpSettings = { timeoutMs: 15_000, retries: 3, backoffMs: 250, maxBytes: 16 * 1024 * 1024 };

export interface Exchange {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The URL that answered (after redirects), for resolving a Location. */
  url: string;
}

export interface RequestInit {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: Buffer;
  /** Whether the request may be sent again after a failure (GET, HEAD, a PUT by digest). */
  idempotent: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function exchange(url: string, init: RequestInit, settings: HttpSettings, where: string): Promise<Exchange> {
  let last: RegistryError | undefined;
  const attempts = init.idempotent ? settings.retries + 1 : 1;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const answer = await once(url, init, settings, where, 0);
      if (answer.status === 429 || answer.status >= 500) {
        last = new RegistryError('REGISTRY_REFUSED', `${where}: HTTP ${answer.status}`);
        const after = retryAfterMs(answer.headers.get('retry-after'));
        if (after !== undefined && after > 60_000) throw last;
        if (attempt + 1 < attempts) await sleep(after ?? settings.backoffMs * 2 ** attempt);
        continue;
      }
      return answer;
    } catch (error) {
      if (!(error instanceof RegistryError) || error.code !== 'REGISTRY_UNREACHABLE') throw error;
      last = error;
      if (attempt + 1 < attempts) await sleep(settings.backoffMs * 2 ** attempt);
    }
  }
  throw last ?? new RegistryError('REGISTRY_UNREACHABLE', `${where}: no answer`);
}

async function once(url: string, init: RequestInit, settings: HttpSettings, where: string, redirects: number): Promise<Exchange> {
  const signal = AbortSignal.timeout(settings.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { method: init.method, headers: init.headers ?? {}, ...(init.body ? { body: new Uint8Array(init.body) } : {}), redirect: 'manual', signal });
  } catch (error) {
    if (signal.aborted) throw new RegistryError('REGISTRY_UNREACHABLE', `${where}: no answer within ${settings.timeoutMs} ms`);
    throw new RegistryError('REGISTRY_UNREACHABLE', `${where}: ${networkCause(error)}`);
  }
  if ([301, 302, 303, 307, 308].includes(response.status)) {
    await response.body?.cancel().catch(() => undefined);
    const location = response.headers.get('location');
    if (location === null || redirects >= 5) throw new RegistryError('REGISTRY_BAD_ANSWER', `${where}: ${location === null ? 'a redirect without a location' : 'too many redirects'}`);
    const next = new URL(location, url);
    const sameHost = next.host === new URL(url).host;
    if (!sameHost && init.method !== 'GET' && init.method !== 'HEAD') throw new RegistryError('REGISTRY_BAD_ANSWER', `${where}: a write redirected to another host (${next.host}); not followed`);
    if (next.protocol !== 'https:' && !(sameHost && next.protocol === new URL(url).protocol)) throw new RegistryError('REGISTRY_BAD_ANSWER', `${where}: redirected to ${next.protocol}//${next.host}; not followed`);
    // Storage on another host gets no registry credentials.
    const headers = sameHost ? init.headers : Object.fromEntries(Object.entries(init.headers ?? {}).filter(([k]) => k.toLowerCase() !== 'authorization'));
    return once(next.href, { ...init, ...(headers ? { headers } : {}) }, settings, where, redirects + 1);
  }
  const body = init.method === 'HEAD' ? Buffer.alloc(0) : await readCapped(response, settings, where, signal);
  return { status: response.status, headers: response.headers, body, url };
}

async function readCapped(response: Response, settings: HttpSettings, where: string, signal: AbortSignal): Promise<Buffer> {
  let read: Awaited<ReturnType<typeof readCappedBody>>;
  try {
    read = await readCappedBody(response, settings.maxBytes);
  } catch {
    if (signal.aborted) throw new RegistryError('REGISTRY_UNREACHABLE', `${where}: answer not finished within ${settings.timeoutMs} ms`);
    throw new RegistryError('REGISTRY_UNREACHABLE', `${where}: the connection broke while reading`);
  }
  if (!read.ok) throw new RegistryError('REGISTRY_BAD_ANSWER', `${where}: an answer ${read.declared !== undefined ? `of ${read.declared} bytes, ` : ''}over the ${settings.maxBytes}-byte limit`);
  return read.body;
}

function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code ?? cause?.errors?.find((e) => e.code)?.code ?? cause?.message ?? (error as Error).message;
}

function retryAfterMs(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}
