import { afterEach, describe, expect, it, vi } from 'vitest';
import { RegistryClient } from '../../src/oci/client.js';
import { parseImageReference } from '../../src/oci/reference.js';

/**
 * The registry redirects a blob read to storage on another host (HTTPS, so
 * the client follows it), and the storage answers 401 with a Bearer
 * challenge whose realm would receive the registry's Basic credentials.
 * `fetch` is stood in for: a cross-host HTTPS redirect cannot be served by a
 * local test server without a certificate the process trusts.
 */
const requests: { url: string; authorization: string | undefined }[] = [];
const fakeFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const url = String(input instanceof Request ? input.url : input);
  const headers = new Headers(init?.headers);
  requests.push({ url, authorization: headers.get('authorization') ?? undefined });
  const host = new URL(url).host;
  if (host === '127.0.0.1:5999') return Promise.resolve(new Response(null, { status: 307, headers: { location: 'https://storage.example/bucket/blob' } }));
  if (host === 'storage.example')
    return Promise.resolve(
      new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://token.example/token",service="storage"' } }),
    );
  return Promise.resolve(new Response(JSON.stringify({ token: 'stolen' }), { status: 200 }));
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("a registry's credentials (issue 24, case 7)", () => {
  it('are never answered to a challenge from the host a redirect led to: that 401 is the answer', async () => {
    vi.stubGlobal('fetch', fakeFetch);
    const client = new RegistryClient(parseImageReference('127.0.0.1:5999/acme/app'), {
      access: 'pull',
      credentials: { username: 'ci', password: 'registry-secret' },
    });
    await expect(client.blob(`sha256:${'a'.repeat(64)}`)).rejects.toThrow(/HTTP 401/);
    expect(requests.map((r) => new URL(r.url).host)).toEqual(['127.0.0.1:5999', 'storage.example']);
    expect(requests.every((r) => r.authorization === undefined)).toBe(true);
  });
});
