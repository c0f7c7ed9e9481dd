import type { DepsSettings } from '../../src/deps/settings.js';
import { fixedClock } from '../../src/kernel/clock.js';
import { describe, expect, it } from 'vitest';
import { packument, pypiProject } from '../../fixtures/registry-server.js';
import { auditDecision } from '../../src/deps/audit.js';
import { DEFAULT_HTTP, getJson, parseRetryAfter, RegistryFailure } from '../../src/deps/registry/http.js';
import { check, registry } from './helpers.js';

const ok = packument('left-pad');
const other = await registry({ npm: { 'left-pad': ok } });
const server = await registry({
  npm: { 'left-pad': ok, 'zq-flaky-pkg': packument('zq-flaky-pkg'), 'zq-limited-pkg': packument('zq-limited-pkg'), 'zq-moved-pkg': packument('zq-moved-pkg') },
  pypi: { requests: pypiProject('requests') },
  go: { 'github.com/spf13/cobra': { Version: 'v1.8.0', Time: '2023-11-01T00:00:00Z' } },
  crates: {
    serde: {
      crate: {
        name: 'serde',
        created_at: '2014-12-05T00:00:00Z',
        recent_downloads: 30_000_000,
        repository: 'https://github.com/serde-rs/serde',
        max_version: '1.0.200',
      },
      versions: [{ yanked: false }],
    },
  },
  faults: {
    '/npm/slow': { kind: 'timeout' },
    '/pypi/reqeusts/json': { kind: 'status', status: 503 },
    '/npm/broken': { kind: 'status', status: 500 },
    '/npm/zq-flaky-pkg': { kind: 'status', status: 503, times: 1 },
    '/npm/zq-limited-pkg': { kind: 'retry-after', seconds: 1, times: 1 },
    '/npm/trunc': { kind: 'truncated' },
    '/npm/enormous': { kind: 'huge', bytes: 3 * 1024 * 1024 },
    '/npm/elsewhere': { kind: 'redirect', to: `${other.url}/npm/left-pad` },
    '/npm/moved-here': { kind: 'redirect', to: '/npm/zq-moved-pkg' },
  },
});

const verdicts = async (names: string[], settings: Partial<DepsSettings> = {}) => {
  const report = await check(server, names, { settings });
  return { report, d: Object.fromEntries(report.dependencies.map((x) => [x.name, x])) };
};

describe('a registry that cannot be asked gives unknown, never ok and never hallucinated', () => {
  it('the offline typosquat check still speaks: the hint is reported, the verdict stays unknown (exit 2), and --allow-unknown does not accept it (issue 8, item 16)', async () => {
    const report = await check(server, ['reqeusts'], { ecosystem: 'pypi', settings: { retries: 0 } });
    const d = report.dependencies[0];
    expect(d).toMatchObject({ verdict: 'unknown', findings: [{ id: 'typosquat', severity: 'high', suggestion: 'requests' }] });
    expect(d?.findings[0]?.message).toContain('Did you mean `requests`?');
    expect(d?.findings[0]?.message).toContain('the offline check alone');
    expect(auditDecision(report, false)).toBe('undecided');
    expect(auditDecision(report, true)).toBe('fail');
  });

  it('timeouts, persistent 5xx, truncated JSON and cross-host redirects', async () => {
    // The one test of a registry that never answers: a short timeout of its own (the others have the default's margin).
    const { report, d } = await verdicts(['slow', 'broken', 'trunc', 'elsewhere'], { timeoutMs: 400 });
    expect(d.slow).toMatchObject({ verdict: 'unknown', findings: [] });
    expect(d.slow?.error).toMatch(/\/npm\/slow: no answer within 400 ms$/);
    expect(d.broken?.error).toMatch(/\/npm\/broken: HTTP 500$/);
    expect(d.trunc?.error).toMatch(/\/npm\/trunc: the answer is not valid JSON/);
    expect(d.elsewhere?.error).toMatch(/redirected to another host \(127\.0\.0\.1:\d+\); not followed$/);
    expect(d.elsewhere?.verdict).toBe('unknown');
    expect(report.summary.unknown).toBe(4);
    expect(auditDecision(report, false)).toBe('undecided');
    expect(auditDecision(report, true)).toBe('pass');
    // Three tries for each retryable failure (the first and two retries), one for the rest.
    expect(server.requests.filter((r) => r.path === '/npm/broken')).toHaveLength(3);
    expect(server.requests.filter((r) => r.path === '/npm/trunc')).toHaveLength(1);
    expect(other.requests.filter((r) => r.path.startsWith('/npm/'))).toHaveLength(0);
  });

  it('an enormous body is cut off at the size limit', async () => {
    await expect(getJson(`${server.url}/npm/enormous`, { ...DEFAULT_HTTP, maxBytes: 1024 * 1024, retries: 0 })).rejects.toMatchObject({ kind: 'too-large' });
  });

  it('retries a 503 and honours Retry-After on 429, then succeeds (the waits asked of the clock, not slept)', async () => {
    const clock = fixedClock('2026-11-22T12:00:00Z');
    // Not a test of timeouts: a generous one, so that a busy machine cannot turn the 429 into a timed-out try.
    const report = await check(server, ['zq-flaky-pkg', 'zq-limited-pkg'], { clock, settings: { timeoutMs: 10_000 } });
    const d = Object.fromEntries(report.dependencies.map((x) => [x.name, x]));
    expect(d['zq-flaky-pkg']).toMatchObject({ verdict: 'ok', findings: [] });
    expect(d['zq-limited-pkg']).toMatchObject({ verdict: 'ok', findings: [] });
    const tries = server.requests.filter((r) => r.path === '/npm/zq-limited-pkg');
    expect(tries).toHaveLength(2);
    // The 429's Retry-After: 1 is waited whole; the 503 gets a short jittered backoff (settings.backoffMs, doubling).
    expect(clock.waits).toContain(1000);
    expect(clock.waits.filter((ms) => ms !== 1000).every((ms) => ms < 1000)).toBe(true);
    expect(clock.waits).toHaveLength(2);
  });

  it('follows a redirect within the same host', async () => {
    const { d } = await verdicts(['moved-here']);
    expect(d['moved-here']).toMatchObject({ verdict: 'ok', findings: [] });
  });

  it('Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('a refused connection is unknown too', async () => {
    const closed = await registry({});
    const port = new URL(closed.url).port;
    await closed.close();
    const report = await check(server, ['left-pad'], { npmrc: [`registry=http://127.0.0.1:${port}/`] });
    expect(report.dependencies[0]).toMatchObject({ verdict: 'unknown' });
    expect(report.dependencies[0]?.error).toMatch(/ECONNREFUSED/);
    expect(new RegistryFailure('network', 'x')).toBeInstanceOf(Error);
  });
});

describe('the other registries', () => {
  it('PyPI, the Go proxy and crates.io answer found and not found', async () => {
    const pypi = await check(server, ['requests', 'requestss'], { ecosystem: 'pypi' });
    expect(pypi.dependencies.map((x) => [x.name, x.verdict])).toEqual([
      ['requests', 'ok'],
      ['requestss', 'hallucinated'],
    ]);
    const go = await check(server, ['github.com/spf13/cobra', 'github.com/spf13/kobra'], { ecosystem: 'go' });
    expect(go.dependencies.map((x) => [x.name, x.verdict])).toEqual([
      ['github.com/spf13/cobra', 'ok'],
      ['github.com/spf13/kobra', 'hallucinated'],
    ]);
    const cargo = await check(server, ['serde', 'serde-jsonn'], { ecosystem: 'cargo' });
    expect(cargo.dependencies.map((x) => [x.name, x.verdict])).toEqual([
      ['serde', 'ok'],
      ['serde-jsonn', 'hallucinated'],
    ]);
  });
});
