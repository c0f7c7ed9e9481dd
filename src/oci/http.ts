import { RegistryError, type RegistryCode } from '../kernel/errors.js';
import { HttpFailure, httpExchange, type HttpAnswer, type HttpRequest, type HttpSettings } from '../kernel/http.js';

/**
 * One HTTP exchange with a container registry, through the kernel's client
 * (kernel/http.ts): reads and idempotent writes retried, every body capped,
 * redirects followed within the host with the credentials and, for reads, to
 * blob storage on another host without them. Failures become RegistryErrors.
 */
export type { HttpSettings };
export type Exchange = HttpAnswer;
export type RequestInit = HttpRequest;

export const DEFAULT_REGISTRY_HTTP: HttpSettings = {
  timeoutMs: 15_000,
  retries: 3,
  backoffMs: 250,
  maxBytes: 16 * 1024 * 1024,
  maxRedirects: 5,
  crossHostReads: true,
};

const CODES: Record<HttpFailure['kind'], RegistryCode> = {
  'timeout': 'REGISTRY_UNREACHABLE',
  'network': 'REGISTRY_UNREACHABLE',
  'http': 'REGISTRY_REFUSED',
  'too-large': 'REGISTRY_BAD_ANSWER',
  'redirect': 'REGISTRY_BAD_ANSWER',
};

export async function exchange(url: string, init: RequestInit, settings: HttpSettings, where: string): Promise<Exchange> {
  try {
    return await httpExchange(url, init, { ...settings, crossHostReads: settings.crossHostReads ?? true }, where);
  } catch (error) {
    if (error instanceof HttpFailure) throw new RegistryError(CODES[error.kind], error.message, { cause: error });
    throw error;
  }
}
