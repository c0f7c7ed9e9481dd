import { setTimeout as sleep } from 'node:timers/promises';
import { readCappedBody } from './http-body.js';

/**
 * The one HTTP client, for the package registries and the container
 * registries alike: a timeout on every attempt, retries with jittered
 * backoff for requests that may be sent again (on timeouts, network errors,
 * 429 and 5xx, honouring Retry-After in seconds or as an HTTP date, up to a
 * limit), a cap on every body read, and redirects followed by hand: within
 * the host with the request's headers; to another host only when allowed,
 * for reads, over HTTPS, and without credentials. Failures are HttpFailures
 * with a kind; each domain maps them to its own errors.
 */
export interface HttpSettings {
  timeoutMs: number;
  retries: number;
  /** First backoff; doubles each retry, with jitter. */
  backoffMs: number;
  /** Largest body read. */
  maxBytes: number;
  /** Longest wait a Retry-After may ask for before giving up instead (default one minute). */
  maxRetryAfterMs?: number;
  /** Redirects followed at most (default 5). */
  maxRedirects?: number;
  /** Whether a read may be redirected to another host (blob storage); its credentials are never sent there. Default no. */
  crossHostReads?: boolean;
  /** How a backoff or a Retry-After is waited (the context's clock); real time by default. */
  sleep?: (ms: number) => Promise<void>;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: Buffer;
  /** Whether the request may be sent again after a failure (GET, HEAD, a PUT by digest). */
  idempotent: boolean;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The URL that answered (after redirects), for resolving a Location. */
  url: string;
}

export type HttpFailureKind = 'timeout' | 'network' | 'http' | 'too-large' | 'redirect';

/** Why an exchange gave no usable answer; `message` starts with the `where` the caller gave. */
export class HttpFailure extends Error {
  constructor(
    readonly kind: HttpFailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'HttpFailure';
  }
}

const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/** Sends `request` to `url`; any status but 429 and 5xx is the caller's to judge. `where` names the server in messages. */
export async function httpExchange(url: string, request: HttpRequest, settings: HttpSettings, where: string): Promise<HttpAnswer> {
  const attempts = request.idempotent ? settings.retries + 1 : 1;
  let last: HttpFailure | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    let wait = settings.backoffMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
    try {
      const answer = await once(url, request, settings, where, 0);
      if (answer.status !== 429 && answer.status < 500) return answer;
      last = new HttpFailure('http', `${where}: HTTP ${answer.status}`, answer.status);
      const after = retryAfterMs(answer.headers.get('retry-after'));
      if (after !== undefined) {
        if (after > (settings.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS))
          throw new HttpFailure('http', `${where}: HTTP ${answer.status}, and asked to wait ${Math.round(after / 1000)} s`, answer.status);
        wait = after;
      }
    } catch (error) {
      if (!(error instanceof HttpFailure) || (error.kind !== 'timeout' && error.kind !== 'network')) throw error;
      last = error;
    }
    if (attempt + 1 < attempts) await (settings.sleep ?? sleep)(wait);
  }
  throw last ?? new HttpFailure('network', `${where}: no answer`);
}

async function once(url: string, request: HttpRequest, settings: HttpSettings, where: string, redirects: number): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(settings.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers: request.headers ?? {},
      ...(request.body ? { body: new Uint8Array(request.body) } : {}),
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError' || signal.aborted) throw new HttpFailure('timeout', `${where}: no answer within ${settings.timeoutMs} ms`);
    throw new HttpFailure('network', `${where}: ${networkCause(error)}`);
  }
  if ([301, 302, 303, 307, 308].includes(response.status)) {
    await response.body?.cancel().catch(() => undefined);
    const next = redirectTarget(url, response.headers.get('location'), request, settings, where, redirects);
    const sameHost = next.host === new URL(url).host;
    // Storage on another host gets no credentials.
    const headers = sameHost ? request.headers : Object.fromEntries(Object.entries(request.headers ?? {}).filter(([k]) => k.toLowerCase() !== 'authorization'));
    return once(next.href, { ...request, ...(headers ? { headers } : {}) }, settings, where, redirects + 1);
  }
  const body = request.method === 'HEAD' ? Buffer.alloc(0) : await readCapped(response, settings, where, signal);
  return { status: response.status, headers: response.headers, body, url };
}

/** Where a redirect may be followed to, or why not. */
function redirectTarget(url: string, location: string | null, request: HttpRequest, settings: HttpSettings, where: string, redirects: number): URL {
  if (location === null || location === '') throw new HttpFailure('redirect', `${where}: a redirect without a location`);
  if (redirects >= (settings.maxRedirects ?? 5)) throw new HttpFailure('redirect', `${where}: too many redirects`);
  const from = new URL(url);
  const next = new URL(location, url);
  if (next.host === from.host) {
    if (next.protocol !== from.protocol && next.protocol !== 'https:')
      throw new HttpFailure('redirect', `${where}: redirected to ${next.protocol}//${next.host}; not followed`);
    return next;
  }
  const read = request.method === 'GET' || request.method === 'HEAD';
  if (settings.crossHostReads !== true || !read)
    throw new HttpFailure('redirect', `${where}: ${read ? 'redirected' : 'a write redirected'} to another host (${next.host}); not followed`);
  if (next.protocol !== 'https:') throw new HttpFailure('redirect', `${where}: redirected to ${next.protocol}//${next.host}; not followed`);
  return next;
}

async function readCapped(response: Response, settings: HttpSettings, where: string, signal: AbortSignal): Promise<Buffer> {
  let read: Awaited<ReturnType<typeof readCappedBody>>;
  try {
    read = await readCappedBody(response, settings.maxBytes);
  } catch (error) {
    if (signal.aborted) throw new HttpFailure('timeout', `${where}: answer not finished within ${settings.timeoutMs} ms`);
    throw new HttpFailure('network', `${where}: the connection broke while reading (${(error as Error).message})`);
  }
  if (!read.ok)
    throw new HttpFailure(
      'too-large',
      `${where}: an answer ${read.declared !== undefined ? `of ${read.declared} bytes ` : ''}over the ${settings.maxBytes}-byte limit`,
    );
  return read.body;
}

/** fetch says "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND…) is in its cause, sometimes an AggregateError. */
function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code ?? cause?.errors?.find((e) => e.code)?.code ?? cause?.message ?? (error as Error).message;
}

/** Retry-After in seconds, or as an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
