import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startRegistry, type FakeRegistry, type RegistryData } from '../../fixtures/registry-server.js';
import { fixedClock, type Clock } from '../../src/kernel/clock.js';
import type { AiprovConfig } from '../../src/config/load.js';
import { settingsContext } from '../../src/context/context.js';
import { checkNames, type NameCheckOptions, type DepsReport } from '../../src/deps/audit.js';
import type { DepsSettings } from '../../src/deps/settings.js';
import type { Ecosystem } from '../../src/deps/types.js';
import { atFileEnd, tempDir } from '../helpers.js';

export const NOW = '2026-11-21T12:00:00.000Z';
export const daysAgo = (n: number): string => new Date(Date.parse(NOW) - n * 86_400_000).toISOString();

/** A fake registry for this test file, closed when it finishes. */
export async function registry(data: RegistryData): Promise<FakeRegistry> {
  const server = await startRegistry(data);
  atFileEnd(() => server.close());
  return server;
}

/**
 * Settings that point every ecosystem at the fake registry. Backoffs are waited through the test's clock (no time);
 * the timeout leaves a busy machine room to answer (the test of a registry that never answers sets a short one).
 */
export function settingsFor(server: FakeRegistry, extra: Partial<DepsSettings> = {}): Partial<DepsSettings> {
  return {
    registries: { pypi: server.url, go: `${server.url}/go`, crates: `${server.url}/crates`, npmDownloads: server.url },
    timeoutMs: 3000,
    retries: 2,
    ...extra,
  };
}

/**
 * An isolated npm configuration: the user's own .npmrc (the one that may
 * choose hosts and credentials) naming the fake registry, and an empty project
 * directory `dir`.
 */
export async function npmConfigDir(server: FakeRegistry, lines: string[] = []): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const dir = await tempDir('aiprov-npmrc-');
  await mkdir(dir, { recursive: true });
  const user = path.join(await tempDir('aiprov-home-'), 'user.npmrc');
  await writeFile(user, [`registry=${server.npmUrl}`, ...lines].join('\n'));
  return { dir, env: { npm_config_userconfig: user } };
}

export async function check(
  server: FakeRegistry,
  names: string[],
  options: Partial<Omit<NameCheckOptions, 'context' | 'names'>> & { ecosystem?: Ecosystem; npmrc?: string[]; config?: AiprovConfig; clock?: Clock } = {},
): Promise<DepsReport> {
  const { dir, env } = await npmConfigDir(server, options.npmrc);
  const { config, clock, ...rest } = options;
  return checkNames({
    // A fixed clock: the audit's time is NOW, and its waits (backoff, Retry-After) are recorded, not slept.
    context: await settingsContext({ clock: clock ?? fixedClock(NOW), env: { vars: env }, ...(config ? { config } : {}) }),
    names,
    ecosystem: options.ecosystem ?? 'npm',
    cacheDir: await tempDir('aiprov-cache-'),
    npmrcDir: dir,
    ...rest,
    settings: { ...settingsFor(server), ...options.settings },
  });
}
