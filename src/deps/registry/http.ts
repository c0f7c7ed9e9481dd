import { HttpFailure, httpExchange, retryAfterMs, type HttpSettings } from '../../kernel/http.js';
import type { Lookup } from './types.js';

/**
 * JSON from a package registry, through the kernel's one HTTP client
 * (kernel/http.ts: timeouts, retries with Retry-After, a cap on body size,
 * redirects followed only within the same host). Anything else is a
 * RegistryFailure, which the audit reports as "unknown", never as a verdict.
 */
export interface HttpOptions extends HttpSettings {
  headers?: Record<string, string>;
}

export const DEFAULT_HTTP: HttpOptions = {
  timeoutMs: 10_000,
  retries: 3,
  backoffMs: 250,
  maxBytes: 64 * 1024 * 1024,
  maxRetryAfterMs: 60_000,
  maxRedirects: 3,
};

export type FailureKind = HttpFailure['kind'] | 'bad-json';

export class RegistryFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryFailure';
  }
}

export type JsonResponse = { status: 200; json: unknown } | { status: 404 | 410 };

export async function getJson(url: string, options: HttpOptions): Promise<JsonResponse> {
  let answer;
  try {
    answer = await httpExchange(
      url,
      { method: 'GET', headers: { accept: 'application/json', ...options.headers }, idempotent: true },
      { ...options, crossHostReads: false },
      url,
    );
  } catch (error) {
    if (error instanceof HttpFailure) throw new RegistryFailure(error.kind, error.message, error.status);
    throw error;
  }
  if (answer.status === 404 || answer.status === 410) return { status: answer.status };
  if (answer.status !== 200) throw new RegistryFailure('http', `${url}: HTTP ${answer.status}`, answer.status);
  const text = answer.body.toString('utf8');
  try {
    return { status: 200, json: JSON.parse(text) as unknown };
  } catch {
    throw new RegistryFailure('bad-json', `${url}: the answer is not valid JSON (${text.length} bytes)`);
  }
}

/** Seconds, or an HTTP date (the kernel client's reading). */
export const parseRetryAfter = retryAfterMs;

/** A failed look-up as a Lookup: no answer at all (network, time-out) is said, so that a registry that is down is said once (breaker.ts). */
export function registryError(error: unknown): Lookup {
  if (!(error instanceof RegistryFailure)) return { status: 'error', error: String(error) };
  return { status: 'error', error: error.message, ...(error.kind === 'network' || error.kind === 'timeout' ? { unreachable: true as const } : {}) };
}
