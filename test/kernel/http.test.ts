/**
 * The one HTTP client (src/kernel/http.ts), as both registries' adapters use
 * it: Retry-After in both forms, retries only for what may be sent again,
 * redirects by the caller's rules, and each domain's own errors on top.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryFailure, getJson } from '../../src/deps/registry/http.js';
import { RegistryError } from '../../src/kernel/errors.js';
import { HttpFailure, httpExchange } from '../../src/kernel/http.js';
import { exchange } from '../../src/oci/http.js';

const seen: { path: string; at: number; method: string }[] = [];
let base = '';
const routes: Record<string, (req: IncomingMessage, res: ServerResponse, n: number) => void> = {
  // 503 with Retry-After as an HTTP date two seconds after now (whole seconds: at least one second from now), then 200.
  '/dated': (_req, res, n) => {
    if (n === 1) {
      res.writeHead(503, { 'retry-after': new Date(Date.now() + 2000).toUTCString() });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  },
  '/busy': (_req, res) => {
    res.writeHead(503);
    res.end();
  },
  '/far': (_req, res) => {
    res.writeHead(429, { 'retry-after': '3600' });
    res.end();
  },
  '/away': (_req, res) => {
    res.writeHead(302, { location: 'http://localhost:1/elsewhere' });
    res.end();
  },
};

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  seen.push({ path, at: Date.now(), method: req.method ?? '' });
  const route = routes[path];
  if (route) route(req, res, seen.filter((s) => s.path === path).length);
  else res.writeHead(404).end();
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    }),
);

const settings = { timeoutMs: 2000, retries: 2, backoffMs: 10, maxBytes: 1024 };

describe('the one HTTP client', () => {
  it('honours Retry-After as an HTTP date, for the container registries as for the package registries (the wait asked of the clock)', async () => {
    const waits: number[] = [];
    const sleep = (ms: number): Promise<void> => {
      waits.push(ms);
      return Promise.resolve();
    };
    const answer = await exchange(`${base}/dated`, { method: 'GET', idempotent: true }, { ...settings, sleep }, 'registry');
    expect(answer.status).toBe(200);
    expect(seen.filter((s) => s.path === '/dated')).toHaveLength(2);
    // Until the date (not the 10 ms backoff): two seconds ahead at whole-second resolution is one to two seconds from now.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(900);
    expect(waits[0]).toBeLessThanOrEqual(2000);
  });

  it("retries only what may be sent again, and says what failed in each domain's terms", async () => {
    await expect(httpExchange(`${base}/busy`, { method: 'PUT', body: Buffer.from('x'), idempotent: false }, settings, 'w')).rejects.toMatchObject({
      kind: 'http',
      status: 503,
    });
    expect(seen.filter((s) => s.path === '/busy')).toHaveLength(1);
    await expect(exchange(`${base}/busy`, { method: 'GET', idempotent: true }, settings, 'registry')).rejects.toBeInstanceOf(RegistryError);
    expect(seen.filter((s) => s.path === '/busy')).toHaveLength(1 + 3);
    await expect(getJson(`${base}/busy`, { ...settings })).rejects.toBeInstanceOf(RegistryFailure);
    // A Retry-After longer than the limit is not waited for.
    const started = Date.now();
    await expect(httpExchange(`${base}/far`, { method: 'GET', idempotent: true }, settings, 'w')).rejects.toThrow(/^w: HTTP 429, and asked to wait 3600 s$/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a redirect to another host: refused for the package registries, refused over plain HTTP for the container registries', async () => {
    await expect(httpExchange(`${base}/away`, { method: 'GET', idempotent: true }, settings, 'w')).rejects.toMatchObject({
      kind: 'redirect',
      message: 'w: redirected to another host (localhost:1); not followed',
    });
    await expect(httpExchange(`${base}/away`, { method: 'GET', idempotent: true }, { ...settings, crossHostReads: true }, 'w')).rejects.toMatchObject({
      kind: 'redirect',
      message: 'w: redirected to http://localhost:1; not followed',
    });
    expect(new HttpFailure('network', 'x')).toBeInstanceOf(Error);
  });
});
