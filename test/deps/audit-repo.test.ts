import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packument } from '../../fixtures/registry-server.js';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { fixedClock } from '../../src/kernel/clock.js';
import { auditDecision, auditRepository } from '../../src/deps/audit.js';
import { importHistory } from '../../src/git/fast-import.js';
import { renderDepsSarif } from '../../src/render/deps-render.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { ctx, tempDir } from '../helpers.js';
import { runCli } from '../cli/run-cli.js';
import { NOW, npmConfigDir, registry, settingsFor } from './helpers.js';
import { validateSarif } from '../sarif-schema.js';

const server = await registry({
  npm: { 'express': packument('express'), 'zod': packument('zod'), '@acme/internal': packument('@acme/internal') },
  downloads: { express: 90_000_000, zod: 20_000_000 },
});
const scoped = await registry({ npm: { '@acme/internal': packument('@acme/internal') } });

let repo: string;
let shas: string[];

beforeAll(async () => {
  repo = await tempDir();
  initRepo(repo);
  shas = await importHistory(repo, [
    commitAt(0, 'Start the service\n', { files: { 'package.json': JSON.stringify({ name: 'svc', dependencies: { express: '^5.1.0' } }, null, 2) + '\n' } }),
    commitAt(1, 'Add validation and docs\n\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>\n', {
      files: {
        'package.json':
          JSON.stringify(
            { name: 'svc', dependencies: { 'express': '^5.1.0', 'zod': '^3', 'in-toto-attestation': '^1.0.0', '@acme/internal': '^2' } },
            null,
            2,
          ) + '\n',
        'README.md': '# svc\n\nRun `npx svc` to start it.\n\n```sh\nnpx react-codeshift --transform x\n```\n',
      },
    }),
  ]);
  execFileSync('git', ['reset', '--quiet', '--hard', 'main'], { cwd: repo });
});

/** The context `aiprov deps audit` would build for `dir`, with a fixed clock and an isolated npm configuration. */
const auditContext = (dir: string, env: NodeJS.ProcessEnv) => ctx(dir, { clock: fixedClock(NOW), env: { vars: env } });

const audit = async (extra: Omit<Parameters<typeof auditRepository>[0], 'context'> & { repo?: string } = {}) => {
  const { dir, env } = await npmConfigDir(server, [`@acme:registry=${scoped.npmUrl}`, `//127.0.0.1:${new URL(scoped.url).port}/npm/:_authToken=secret-token`]);
  const { repo: target = repo, ...rest } = extra;
  return auditRepository({
    context: await auditContext(target, env),
    cacheDir: await tempDir('aiprov-cache-'),
    npmrcDir: dir,
    ...rest,
    settings: { ...settingsFor(server), privateScopes: ['@acme'], ...extra.settings },
  });
};

describe('aiprov deps audit of a repository', () => {
  it('deps.exclude / --exclude leave files out: their names are not collected, and how many files were left out is said', async () => {
    const all = await audit();
    expect(all.dependencies.map((d) => d.name)).toContain('react-codeshift');
    const report = await audit({ settings: { exclude: ['*.md'] } });
    expect(validateAgainst('dependencyAudit', report)).toBeNull();
    expect(report.dependencies.map((d) => d.name)).not.toContain('react-codeshift');
    expect(report.dependencies.map((d) => d.name)).toContain('in-toto-attestation');
    expect(report.warnings).toContainEqual({ code: 'EXCLUDED', message: '1 file left out by deps.exclude or --exclude (*.md)' });
    await expect(audit({ settings: { exclude: ['[z-a]'] } })).rejects.toThrow(/deps.exclude: '\[z-a\]' is not a glob/);
  });

  it('finds every name, says which commit and agent introduced it, and judges it', async () => {
    const report = await audit();
    expect(validateAgainst('dependencyAudit', report)).toBeNull();
    const d = Object.fromEntries(report.dependencies.map((x) => [x.name, x]));
    expect(Object.keys(d).sort()).toEqual(['@acme/internal', 'express', 'in-toto-attestation', 'react-codeshift', 'svc', 'zod']);
    expect(d['in-toto-attestation']).toMatchObject({
      verdict: 'hallucinated',
      sources: [{ file: 'package.json', line: 6, kind: 'manifest' }],
      introducedBy: { sha: shas[1], ai: true, agents: ['claude-code'], subject: 'Add validation and docs' },
      findings: [{ id: 'not-found', severity: 'critical' }],
    });
    expect(d['react-codeshift']).toMatchObject({
      verdict: 'hallucinated',
      sources: [{ file: 'README.md', line: 6, kind: 'command' }],
      introducedBy: { ai: true, agents: ['claude-code'] },
    });
    expect(d.express).toMatchObject({ verdict: 'ok', introducedBy: { sha: shas[0], ai: false, agents: [] } });
    expect(d.svc).toMatchObject({ verdict: 'unknown', local: "this repository's own package" });
    expect(report.summary).toMatchObject({ dependencies: 6, failing: 2, unknown: 0, notLookedUp: 1 });
    expect(auditDecision(report, false)).toBe('fail');
  });

  it('counts new files not yet committed, skips ignored ones; a bare repository is audited at HEAD', async () => {
    const work = await tempDir();
    execFileSync('git', ['clone', '--quiet', repo, work]);
    await writeFile(path.join(work, '.gitignore'), 'ignored/\n');
    await mkdir(path.join(work, 'ignored'));
    await writeFile(path.join(work, 'ignored', 'requirements.txt'), 'ignored-only-package\n');
    await writeFile(path.join(work, 'requirements.txt'), 'requests-toolbelt-helperz\n');
    const names = (await audit({ repo: work })).dependencies.map((d) => `${d.ecosystem}:${d.name}`);
    expect(names).toContain('pypi:requests-toolbelt-helperz');
    expect(names).not.toContain('pypi:ignored-only-package');
    const bare = path.join(await tempDir(), 'bare.git');
    execFileSync('git', ['clone', '--quiet', '--bare', repo, bare]);
    const fromBare = await audit({ repo: bare });
    expect(fromBare.dependencies.map((d) => d.name).sort()).toEqual(['@acme/internal', 'express', 'in-toto-attestation', 'react-codeshift', 'svc', 'zod']);
  });

  it('never opens a symbolic link: a committed link to a file outside is a warning, and no name in it reaches a registry', async () => {
    const outside = await tempDir();
    await writeFile(path.join(outside, 'passwd'), 'root-secret-user\ndaemon-secret-user\n');
    await mkdir(path.join(outside, 'dir'));
    await writeFile(path.join(outside, 'dir', 'requirements.txt'), 'linked-dir-secret\n');
    const work = await tempDir();
    execFileSync('git', ['clone', '--quiet', repo, work]);
    await symlink(path.join(outside, 'passwd'), path.join(work, 'requirements.txt'));
    await symlink(path.join(outside, 'dir'), path.join(work, 'linked'));
    // Inside the repository too: a link is a link.
    await writeFile(path.join(work, 'real.txt'), 'inside-target-package\n');
    await symlink('real.txt', path.join(work, 'requirements-dev.txt'));
    execFileSync('git', ['add', 'requirements.txt', 'linked', 'requirements-dev.txt', 'real.txt'], { cwd: work });
    const before = server.requests.length;
    const report = await audit({ repo: work });
    const names = report.dependencies.map((d) => d.name);
    expect(names).not.toContain('root-secret-user');
    expect(names).not.toContain('linked-dir-secret');
    expect(names).not.toContain('inside-target-package');
    expect(server.requests.slice(before).some((r) => /secret|inside-target/.test(r.path))).toBe(false);
    expect(
      report.warnings
        .filter((w) => w.code === 'SYMLINK_NOT_FOLLOWED')
        .map((w) => w.message)
        .sort(),
    ).toEqual([
      'requirements-dev.txt is a symbolic link: not followed, its target was not read',
      'requirements.txt is a symbolic link: not followed, its target was not read',
    ]);
    expect(validateAgainst('dependencyAudit', report)).toBeNull();
  });

  it('an include through a link (-r sub/link.txt) is refused with a warning naming it, its target is never read, and the audit cannot decide', async () => {
    const outside = await tempDir();
    await writeFile(path.join(outside, 'token.txt'), 'ghp-secret-token-value\n');
    const work = await tempDir();
    execFileSync('git', ['clone', '--quiet', repo, work]);
    await mkdir(path.join(work, 'sub'));
    await symlink(path.join(outside, 'token.txt'), path.join(work, 'sub', 'link.txt'));
    await writeFile(path.join(work, 'requirements.txt'), '-r sub/link.txt\nflask\n');
    execFileSync('git', ['add', '.'], { cwd: work });
    const before = server.requests.length;
    const report = await audit({ repo: work });
    expect(report.warnings).toContainEqual({
      code: 'FILE_NOT_READ',
      message: 'requirements.txt line 1: includes sub/link.txt, which is not a file of the repository that could be read: its dependencies were not checked',
    });
    expect(report.summary.unreadFiles).toBe(1);
    // The rest of the including file is still audited.
    expect(report.dependencies.find((d) => d.name === 'flask')?.sources).toEqual([{ file: 'requirements.txt', line: 2, kind: 'manifest' }]);
    expect(server.requests.slice(before).some((r) => r.path.includes('ghp-secret'))).toBe(false);
  });

  it('sends a private scope only to the registry configured for it, with its credentials', async () => {
    await audit();
    expect(server.requests.some((r) => r.path.includes('acme'))).toBe(false);
    const asked = scoped.requests.filter((r) => r.path === '/npm/@acme%2finternal');
    expect(asked.length).toBeGreaterThan(0);
    expect(asked[0]?.headers.authorization).toBe('Bearer secret-token');
  });

  it('a private scope with no registry configured is unknown, and nothing is sent anywhere', async () => {
    const before = server.requests.length;
    const { dir, env } = await npmConfigDir(server);
    const report = await auditRepository({
      context: await auditContext(repo, env),
      cacheDir: await tempDir('aiprov-cache-'),
      npmrcDir: dir,
      settings: { ...settingsFor(server), privateScopes: ['@acme'] },
    });
    const internal = report.dependencies.find((x) => x.name === '@acme/internal');
    expect(internal).toMatchObject({ verdict: 'unknown', error: `@acme is a private scope with no registry configured for it; not sent to ${server.npmUrl}` });
    expect(server.requests.slice(before).some((r) => r.path.includes('acme'))).toBe(false);
    expect(auditDecision(report, false)).toBe('fail');
  });

  it('answers from the cache the second time, and --offline uses only the cache', async () => {
    const cacheDir = await tempDir('aiprov-cache-');
    const { dir, env } = await npmConfigDir(server, [`@acme:registry=${scoped.npmUrl}`]);
    const context = await auditContext(repo, env);
    const run = (offline: boolean) => auditRepository({ context, cacheDir, npmrcDir: dir, offline, settings: settingsFor(server) });
    const first = await run(false);
    const before = server.requests.length;
    const second = await run(false);
    expect(server.requests.length).toBe(before);
    expect(second.dependencies).toEqual(first.dependencies);
    const offline = await run(true);
    expect(offline.dependencies).toEqual(first.dependencies);
    const emptyCache = await auditRepository({
      context,
      cacheDir: await tempDir('aiprov-cache-'),
      npmrcDir: dir,
      offline: true,
      settings: settingsFor(server),
    });
    expect(emptyCache.summary.unknown).toBe(5);
    expect(emptyCache.dependencies.find((x) => x.name === 'express')?.error).toBe(
      'express is not in the registry cache, and offline means no registry is asked',
    );
  });

  it('SARIF: one rule per signal, results located at the manifest or text line', async () => {
    const sarif = renderDepsSarif(await audit());
    expect(sarif.version).toBe('2.1.0');
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors?.slice(0, 3))).toBe(true);
    const run = sarif.runs[0];
    expect(run?.tool.driver.rules?.map((r) => r.id)).toEqual([
      'invalid-name',
      'not-found',
      'unpublished',
      'security-holding',
      'unknown-extra',
      'typosquat',
      'new-package',
      'low-popularity',
      'install-scripts',
      'no-repository',
      'deprecated',
      'expired-suppression',
    ]);
    expect(
      run?.results?.map((r) => [
        r.ruleId,
        r.level,
        r.locations?.[0]?.physicalLocation?.artifactLocation?.uri,
        r.locations?.[0]?.physicalLocation?.region?.startLine,
      ]),
    ).toEqual([
      ['not-found', 'error', 'package.json', 6],
      ['not-found', 'error', 'README.md', 6],
    ]);
    expect(run?.results?.[0]?.message.text).toContain('(added by claude-code in');
  });
});

describe('aiprov deps (built bin)', () => {
  const cli = async (args: string[]) => {
    const { dir, env } = await npmConfigDir(server, [`@acme:registry=${scoped.npmUrl}`]);
    const config = path.join(dir, 'aiprov.yml');
    await writeFile(config, `deps:\n  registries: { npmDownloads: "${server.url}" }\n  timeoutMs: 400\n  retries: 0\n`);
    return runCli([...args, '--config', config, '--cache-dir', await tempDir('aiprov-cache-')], { cwd: dir, env: { ...env } });
  };

  it('exit 1 on findings at the threshold, 0 below it; formats', async () => {
    const table = await cli(['deps', 'audit', '--repo', repo, '--no-history']);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^hallucinated +npm:in-toto-attestation +critical not-found +package\.json:6$/m);
    const json = await cli(['deps', 'audit', '--repo', repo, '--format', 'json']);
    expect(validateAgainst('dependencyAudit', JSON.parse(json.stdout))).toBeNull();
    const sarif = await cli(['deps', 'audit', '--repo', repo, '--format', 'sarif']);
    expect((JSON.parse(sarif.stdout) as { version: string }).version).toBe('2.1.0');
    const markdown = await cli(['deps', 'audit', '--repo', repo, '--format', 'markdown']);
    expect(markdown.stdout).toContain('| hallucinated | `npm:in-toto-attestation` |');
  });

  it('deps check: names and install commands from a text; bad input exits 2', async () => {
    const chat = path.join(await tempDir(), 'answer.md');
    await writeFile(chat, 'Sure! First install it:\n\n```\nnpm install express zod-helpers-pro\n```\n');
    const fromText = await cli(['deps', 'check', '--from-text', chat, '--format', 'json']);
    expect(fromText.code).toBe(1);
    expect((JSON.parse(fromText.stdout) as { dependencies: { name: string; verdict: string }[] }).dependencies.map((x) => [x.name, x.verdict])).toEqual([
      ['express', 'ok'],
      ['zod-helpers-pro', 'hallucinated'],
    ]);
    const fine = await cli(['deps', 'check', 'express']);
    expect(fine.code).toBe(0);
    const invalid = await cli(['deps', 'check', 'Not A Name']);
    expect(invalid).toMatchObject({ code: 2, stderr: "aiprov: 'Not A Name' is not a valid npm package name\n" });
    const none = await cli(['deps', 'check']);
    expect(none.code).toBe(2);
    const eco = await cli(['deps', 'check', 'x', '--ecosystem', 'maven']);
    expect(eco.code).toBe(2);
  });

  it('an unreachable registry exits 2, or 0 with --allow-unknown', async () => {
    const closed = await registry({});
    const port = new URL(closed.url).port;
    await closed.close();
    const { dir, env } = await npmConfigDir(server, [`registry=http://127.0.0.1:${port}/`]);
    const args = ['deps', 'check', 'express', '--cache-dir', await tempDir('aiprov-cache-')];
    const run = (extra: string[]) => runCli([...args, ...extra], { cwd: dir, env });
    expect((await run([])).code).toBe(2);
    expect((await run(['--allow-unknown'])).code).toBe(0);
  });
});
