/**
 * Issue 8, item 2: the repository under audit is untrusted input. Its
 * `.npmrc` and `.aiprov.yml` choose no host and no credential, and no
 * `${VAR}` of the CI's environment is expanded from them, unless the user
 * opts in with `--trust-repo-config`.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packument } from '../../fixtures/registry-server.js';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { fixedClock } from '../../src/kernel/clock.js';
import { auditRepository } from '../../src/deps/audit.js';
import { isAiprovError } from '../../src/kernel/errors.js';
import { importHistory } from '../../src/git/fast-import.js';
import { runCli } from '../cli/run-cli.js';
import { ctx, tempDir } from '../helpers.js';
import { NOW, npmConfigDir, registry, settingsFor } from './helpers.js';

const SECRET = 'ci-secret-7f3a9c';
const server = await registry({
  npm: { 'express': packument('express'), '@corp/tools': packument('@corp/tools') },
  pypi: {},
  downloads: { express: 90_000_000 },
});
const leak = await registry({ npm: { 'express': packument('express'), '@corp/tools': packument('@corp/tools') } });

let repo: string;

beforeAll(async () => {
  repo = await tempDir();
  initRepo(repo);
  await importHistory(repo, [
    commitAt(0, 'A service\n', {
      files: {
        'package.json': JSON.stringify({ name: 'svc', dependencies: { 'express': '^5', '@corp/tools': '^1' } }, null, 2) + '\n',
        '.npmrc':
          [
            `registry=${leak.url}/leak/\${SECRET_TOKEN}/`,
            `@corp:registry=${leak.url}/corp/`,
            `//127.0.0.1:${new URL(leak.url).port}/:_authToken=\${SECRET_TOKEN}`,
          ].join('\n') + '\n',
      },
    }),
  ]);
  execFileSync('git', ['reset', '--quiet', '--hard', 'main'], { cwd: repo });
});

const audit = async (trustRepoConfig: boolean) => {
  const { env } = await npmConfigDir(server);
  const context = await ctx(repo, { clock: fixedClock(NOW), env: { vars: { ...env, SECRET_TOKEN: SECRET } }, trustRepoConfig });
  return auditRepository({ context, cacheDir: await tempDir('aiprov-cache-'), history: false, settings: settingsFor(server) });
};

describe("the repository's .npmrc", () => {
  it("chooses no host or token and expands no ${VAR}: every name goes to the user's registry, the private scope to none", async () => {
    const before = leak.requests.length;
    const report = await audit(false);
    expect(leak.requests.length).toBe(before);
    expect(JSON.stringify(report)).not.toContain(SECRET);
    expect(JSON.stringify(server.requests)).not.toContain(SECRET);
    const byName = Object.fromEntries(report.dependencies.map((d) => [d.name, d]));
    expect(byName.express?.verdict).toBe('ok');
    // The scope the repository calls private is never sent to the public registry either.
    expect(byName['@corp/tools']).toMatchObject({ verdict: 'unknown' });
    expect(byName['@corp/tools']?.error).toContain("the repository's .npmrc names");
    expect(server.requests.some((r) => r.path.includes('corp'))).toBe(false);
    const notUsed = report.warnings.filter((w) => w.code === 'REPOSITORY_CONFIG_NOT_USED').map((w) => w.message);
    expect(notUsed).toHaveLength(3);
    expect(notUsed.join('\n')).toContain('registry=');
    expect(notUsed.join('\n')).toContain(':_authToken=…');
  });

  it('with --trust-repo-config it is used as npm would use it', async () => {
    const before = leak.requests.length;
    await audit(true);
    const seen = leak.requests.slice(before);
    expect(seen.some((r) => r.path.startsWith(`/leak/${SECRET}/`))).toBe(true);
    expect(seen.some((r) => r.path === '/corp/@corp%2ftools')).toBe(true);
  });
});

describe("the repository's .aiprov.yml", () => {
  let configured: string;
  beforeAll(async () => {
    configured = await tempDir();
    initRepo(configured);
    await importHistory(configured, [
      commitAt(0, 'Config\n', {
        files: {
          'requirements.txt': 'requests==2.32.0\n',
          '.aiprov.yml': `deps:\n  failOn: critical\n  registries:\n    pypi: "${leak.url}"\n`,
        },
      }),
    ]);
    execFileSync('git', ['reset', '--quiet', '--hard', 'main'], { cwd: configured });
  });

  it('may not point look-ups at a host: a one-line error naming the file, nothing sent', async () => {
    const before = leak.requests.length;
    const context = await ctx(configured, { clock: fixedClock(NOW) });
    const error = await auditRepository({ context, cacheDir: await tempDir('aiprov-cache-'), history: false }).catch((e: unknown) => e);
    expect(isAiprovError(error) && error.code).toBe('CONFIG_UNTRUSTED');
    expect((error as Error).message).toBe(
      `${path.join(configured, '.aiprov.yml')}: deps.registries (pypi) names hosts, and this file belongs to the repository under audit; pass --trust-repo-config to use them, or give them in a file named with --config`,
    );
    expect(leak.requests.length).toBe(before);
  });

  it('may not leave names unchecked either: deps.skip and deps.exclude in its own file are refused, named (a skipped name would pass)', async () => {
    const dir = await tempDir();
    initRepo(dir);
    await importHistory(dir, [
      commitAt(0, 'Config\n', {
        files: { 'requirements.txt': 'reqeusts==2.32.0\n', '.aiprov.yml': 'deps:\n  skip: [pypi]\n  exclude: ["requirements*.txt"]\n' },
      }),
    ]);
    execFileSync('git', ['reset', '--quiet', '--hard', 'main'], { cwd: dir });
    const error = await auditRepository({
      context: await ctx(dir, { clock: fixedClock(NOW) }),
      cacheDir: await tempDir('aiprov-cache-'),
      history: false,
    }).catch((e: unknown) => e);
    expect(isAiprovError(error) && error.code).toBe('CONFIG_UNTRUSTED');
    expect((error as Error).message).toBe(
      `${path.join(dir, '.aiprov.yml')}: deps.skip and deps.exclude leave names unchecked, and this file belongs to the repository under audit; pass --trust-repo-config to use them, or give them in a file named with --config`,
    );
    // Trusted, they apply (the names are listed as skipped or left out, never looked up here).
    const trusted = await auditRepository({
      context: await ctx(dir, { clock: fixedClock(NOW), trustRepoConfig: true }),
      cacheDir: await tempDir('aiprov-cache-'),
      history: false,
    });
    expect(trusted.dependencies).toEqual([]);
  });

  it('the same file named with --config, or trusted, is used', async () => {
    for (const options of [{ config: path.join(configured, '.aiprov.yml') }, { trustRepoConfig: true }]) {
      const before = leak.requests.length;
      const context = await ctx(configured, { clock: fixedClock(NOW), ...options });
      await auditRepository({ context, cacheDir: await tempDir('aiprov-cache-'), history: false, settings: { retries: 0, timeoutMs: 400 } });
      expect(leak.requests.slice(before).some((r) => r.path.startsWith('/pypi/requests'))).toBe(true);
    }
  });

  it('the CLI: exit 2 with the one line, and --trust-repo-config', async () => {
    const { env } = await npmConfigDir(server);
    const cache = await tempDir('aiprov-cache-');
    const refused = await runCli(['deps', 'audit', '--repo', configured, '--no-history', '--cache-dir', cache], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^aiprov: .*\.aiprov\.yml: deps\.registries \(pypi\) names hosts, .*--trust-repo-config.*\n$/);
    const trusted = await runCli(['deps', 'audit', '--repo', configured, '--no-history', '--cache-dir', cache, '--trust-repo-config', '--format', 'json'], {
      env,
    });
    expect(trusted.stderr).not.toContain('names hosts');
  });
});
