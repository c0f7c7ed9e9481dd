/**
 * Issue 8, item 3: names from manifests are validated like names on the
 * command line. A name that is not valid in its ecosystem is an
 * `invalid-name` finding and is never requested; legacy npm names the
 * registry serves (capitals) are valid everywhere.
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { packument } from '../../fixtures/registry-server.js';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { fixedClock } from '../../src/kernel/clock.js';
import { auditDecision, auditRepository } from '../../src/deps/audit.js';
import { isValidName } from '../../src/deps/names.js';
import { importHistory } from '../../src/git/fast-import.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { ctx, tempDir } from '../helpers.js';
import { check, NOW, npmConfigDir, registry, settingsFor } from './helpers.js';

const HOSTILE = ['@scope/../../../../admin/users', '../../x', '--output=/tmp/pwned-dep', 'http://evil.example/', 'a b', '.hidden', '_under'];
const server = await registry({
  npm: { JSONStream: packument('JSONStream'), express: packument('express') },
  downloads: { JSONStream: 5_000_000, express: 90_000_000 },
});

describe('isValidName', () => {
  it('npm: legacy capitals are valid; paths, URLs, flags and spaces are not', () => {
    for (const name of ['JSONStream', 'express', '@types/node', 'lodash.merge', '@babel/core', 'Base64']) expect(isValidName('npm', name)).toBe(true);
    for (const name of HOSTILE) expect(isValidName('npm', name)).toBe(false);
    expect(isValidName('npm', 'x'.repeat(215))).toBe(false);
  });
  it('pypi, go and cargo', () => {
    expect(isValidName('pypi', 'python-dateutil')).toBe(true);
    expect(isValidName('pypi', '../requests')).toBe(false);
    expect(isValidName('go', 'github.com/spf13/cobra')).toBe(true);
    expect(isValidName('go', 'github.com/../../etc')).toBe(false);
    expect(isValidName('go', 'github.com/a/./b')).toBe(false);
    expect(isValidName('cargo', 'serde_json')).toBe(true);
    expect(isValidName('cargo', 'serde/../x')).toBe(false);
  });
});

describe('deps audit of a manifest with hostile names', () => {
  let repo: string;
  beforeAll(async () => {
    repo = await tempDir();
    initRepo(repo);
    const dependencies = Object.fromEntries([...HOSTILE, 'JSONStream', 'express'].map((n) => [n, '^1.0.0']));
    await importHistory(repo, [commitAt(0, 'Deps\n', { files: { 'package.json': JSON.stringify({ name: 'svc', dependencies }, null, 2) + '\n' } })]);
    execFileSync('git', ['reset', '--quiet', '--hard', 'main'], { cwd: repo });
  });

  it('reports each as invalid-name (high), asks the registry for none of them, and fails the gate', async () => {
    const { env } = await npmConfigDir(server);
    const before = server.requests.length;
    const report = await auditRepository({
      context: await ctx(repo, { clock: fixedClock(NOW), env: { vars: env } }),
      cacheDir: await tempDir('aiprov-cache-'),
      history: false,
      settings: settingsFor(server),
    });
    expect(validateAgainst('dependencyAudit', report)).toBeNull();
    const asked = server.requests.slice(before).map((r) => r.path);
    expect(asked.some((p) => /admin|evil|pwned|\.\.|hidden|under|a%20b|a b/.test(p))).toBe(false);
    const byName = Object.fromEntries(report.dependencies.map((d) => [d.name, d]));
    for (const name of HOSTILE) {
      expect(byName[name]).toMatchObject({ verdict: 'suspicious', findings: [{ id: 'invalid-name', severity: 'high' }] });
    }
    expect(byName.JSONStream?.verdict).toBe('ok');
    expect(byName.express?.verdict).toBe('ok');
    expect(asked).toContain('/npm/JSONStream');
    expect(auditDecision(report, false)).toBe('fail');
  });
});

describe('deps check', () => {
  it('accepts a legacy name with capitals', async () => {
    const report = await check(server, ['JSONStream']);
    expect(report.dependencies[0]).toMatchObject({ name: 'JSONStream', verdict: 'ok' });
  });
  it('refuses an invalid name before asking anything', async () => {
    await expect(check(server, ['@scope/../../admin'])).rejects.toThrow("'@scope/../../admin' is not a valid npm package name");
  });
});
