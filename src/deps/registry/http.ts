import { readCappedBody } from '../../kernel/http-body.js';

/**
 * The one HTTP client of the registry adapters: a timeout on every attempt,
 * retries with backoff on timeouts, network errors, 429 (honouring
 * Retry-After) and 5xx, a cap on body size, and redirects followed only
 * within the same host. Anything else is a RegistryFailure, which the audit
 * reports as "unknown", never as a verdict.
 */
export interface HttpOptions {
  timeoutMs: number;
  retries: number;
  /** First backoff; doubles each retry, with jitter. */
  backoffMs: number;
  maxBytes: number;
  headers?: Record<string, string>;
  /** Longest wait a Retry-After may ask for before we give up instead. */
  maxRetryAfterMs?: number;
}

export const DEFAULT_HTTP: HttpOptions = { timeoutMs: 10_000, retries: 3, backoffMs: 250, maxBytes: 64 * 1024 * 1024, maxRetryAfterMs: 60_000 };

export type FailureKind = 'timeout' | 'network' | 'http' | 'bad-json' | 'too-large' | 'redirect';

export class RegistryFailure extends Error {
  constructor(readonly kind: FailureKind, message: string, readonly status?: number) {
    super(message);
    this.name = 'RegistryFailure';
  }
}

export type JsonResponse = { status: 200; json: unknown } | { status: 404 | 410 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function getJson(url: string, options: HttpOptions): Promise<JsonResponse> {
  let lastError: RegistryFailure | undefined;
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    let waitMs = options.backoffMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
    try {
      return await attemptGet(url, options, 0);
    } catch (error) {
      const failure = error instanceof RegistryFailure ? error : new RegistryFailure('network', `${url}: ${(error as Error).message}`);
      lastError = failure;
      const retryable = failure.kind === 'timeout' || failure.kind === 'network' || (failure.kind === 'http' && (failure.status === 429 || (failure.status ?? 0) >= 500));
      if (!retryable) throw failure;
      const after = (failure as RegistryFailure & { retryAfterMs?: number }).retryAfterMs;
      if (after !== undefined) {
        if (after > (options.maxRetryAfterMs ?? Infinity)) throw new RegistryFailure('http', `${url}: rate limited, and asked to wait ${Math.round(after / 1000)} s`, 429);
        waitMs = after;
      }
      if (attempt < options.retries) await sleep(waitMs);
    }
  }
  throw lastError ?? new RegistryFailure('network', `${url}: no answer`);
}

async function attemptGet(url: string, options: HttpOptions, redirects: number): Promise<JsonResponse> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json', ...options.headers }, redirect: 'manual', signal });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError' || signal.aborted) throw new RegistryFailure('timeout', `${url}: no answer within ${options.timeoutMs} ms`);
    throw new RegistryFailure('network', `${url}: ${networkCause(error)}`);
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel().catch(() => undefined);
    const location = response.headers.get('location');
    if (!location) throw new RegistryFailure('redirect', `${url}: redirect without a location`);
    const next = new URL(location, url);
    if (next.host !== new URL(url).host) throw new RegistryFailure('redirect', `${url}: redirected to another host (${next.host}); not followed`);
    if (redirects >= 3) throw new RegistryFailure('redirect', `${url}: too many redirects`);
    return attemptGet(next.toString(), options, redirects + 1);
  }
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel().catch(() => undefined);
    return { status: response.status };
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    const failure = new RegistryFailure('http', `${url}: HTTP ${response.status}`, response.status) as RegistryFailure & { retryAfterMs?: number };
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    if (retryAfter !== undefined) failure.retryAfterMs = retryAfter;
    throw failure;
  }
  const text = await readCapped(response, url, options, signal);
  try {
    return { status: 200, json: JSON.parse(text) as unknown };
  } catch {
    throw new RegistryFailure('bad-json', `${url}: the answer is not valid JSON (${text.length} bytes)`);
  }
}

async function readCapped(response: Response, url: string, options: HttpOptions, signal: AbortSignal): Promise<string> {
  let read: Awaited<ReturnType<typeof readCappedBody>>;
  try {
    read = await readCappedBody(response, options.maxBytes);
  } catch (error) {
    if (signal.aborted) throw new RegistryFailure('timeout', `${url}: answer not finished within ${options.timeoutMs} ms`);
    throw new RegistryFailure('network', `${url}: connection broke while reading (${(error as Error).message})`);
  }
  if (!read.ok) throw new RegistryFailure('too-large', read.declared !== undefined ? `${url}: answer of ${read.declared} bytes is over the ${options.maxBytes}-byte limit` : `${url}: answer over the ${options.maxBytes}-byte limit`);
  return read.body.toString('utf8');
}

/** fetch says "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND…) is in its cause, sometimes an AggregateError. */
function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code ?? cause?.errors?.find((e) => e.code)?.code ?? cause?.message ?? (error as Error).message;
}

/** Seconds, or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
