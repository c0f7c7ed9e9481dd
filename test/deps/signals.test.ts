import { describe, expect, it } from 'vitest';
import { packument, pypiProject } from '../../fixtures/registry-server.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { parsePackument } from '../../src/deps/registry/npm.js';
import { depsSettings } from '../../src/deps/settings.js';
import { evaluate } from '../../src/deps/signals.js';
import { check, daysAgo, NOW, registry } from './helpers.js';
import { auditDecision } from '../../src/deps/audit.js';
import { renderDepsTable } from '../../src/render/deps-render.js';
import { plainStyle } from '../../src/render/style.js';
import { runCli } from '../cli/run-cli.js';

const server = await registry({
  npm: {
    'express': packument('express', { versions: ['4.21.0', '5.1.0'] }),
    'expres': packument('expres', { created: daysAgo(400) }),
    'crossenv': packument('crossenv', { holding: true }),
    'electorn': packument('electorn', { unpublished: true }),
    'fresh-thing': packument('fresh-thing', { created: daysAgo(5) }),
    'old-thing': packument('old-thing', { created: daysAgo(900) }),
    '@acme-corp/brand-new-sdk': packument('@acme-corp/brand-new-sdk', { created: daysAgo(1) }),
    'lonely-lib': packument('lonely-lib'),
    'loved-lib': packument('loved-lib'),
    'scripted': packument('scripted', { scripts: { postinstall: 'node install.js', test: 'jest' } }),
    'quiet-scripts': packument('quiet-scripts', { scripts: { test: 'jest', build: 'tsc' } }),
    'no-repo': packument('no-repo', { repository: null }),
    'old-api': packument('old-api', { deprecated: 'use new-api' }),
  },
  downloads: {
    'express': 90_000_000,
    'expres': 40,
    'lonely-lib': 12,
    'loved-lib': 250_000,
    'fresh-thing': 5000,
    'old-thing': 5000,
    'scripted': 5000,
    'quiet-scripts': 5000,
    'no-repo': 5000,
    'old-api': 5000,
    '@acme-corp/brand-new-sdk': 300,
  },
  pypi: {
    requests: pypiProject('requests'),
    pyyaml: pypiProject('PyYAML'),
    reqeusts: pypiProject('reqeusts', { releases: { '0.1': daysAgo(3) } }),
  },
});

const byName = async (names: string[], ecosystem: 'npm' | 'pypi' = 'npm') => {
  const report = await check(server, names, { ecosystem });
  expect(validateAgainst('dependencyAudit', report)).toBeNull();
  return Object.fromEntries(report.dependencies.map((d) => [d.name, d]));
};

describe('each signal fires when it should', () => {
  it("not-found, with the name it probably meant; the design card's in-toto-attestation", async () => {
    const d = await byName(['exprss', 'in-toto-attestation']);
    expect(d.exprss).toMatchObject({ verdict: 'hallucinated', findings: [{ id: 'not-found', severity: 'critical', suggestion: 'express' }] });
    expect(d.exprss?.findings[0]?.message).toBe(
      '`exprss` does not exist on the npm registry: a hallucinated name, free for anyone to register. Did you mean `express`?',
    );
    expect(d['in-toto-attestation']).toMatchObject({ verdict: 'hallucinated', findings: [{ id: 'not-found', severity: 'critical' }] });
  });

  it('security-holding is malicious; unpublished is hallucinated', async () => {
    const d = await byName(['crossenv', 'electorn']);
    expect(d.crossenv).toMatchObject({ verdict: 'malicious', findings: [{ id: 'security-holding', severity: 'critical', suggestion: 'cross-env' }] });
    expect(d.electorn).toMatchObject({ verdict: 'hallucinated', findings: [{ id: 'unpublished', severity: 'critical', suggestion: 'electron' }] });
  });

  it('typosquat of a popular name that exists', async () => {
    const d = await byName(['expres']);
    expect(d.expres?.verdict).toBe('suspicious');
    expect(d.expres?.findings.map((f) => [f.id, f.severity, f.suggestion])).toEqual([
      ['typosquat', 'high', 'express'],
      ['low-popularity', 'low', undefined],
    ]);
  });

  it('new-package, low-popularity, install-scripts, no-repository, deprecated', async () => {
    const d = await byName(['fresh-thing', 'lonely-lib', 'scripted', 'no-repo', 'old-api']);
    expect(d['fresh-thing']?.findings.map((f) => f.id)).toEqual(['new-package']);
    expect(d['fresh-thing']?.findings[0]?.message).toBe('`fresh-thing` was first published 5 days ago (under 30).');
    expect(d['lonely-lib']?.findings.map((f) => [f.id, f.evidence])).toEqual([['low-popularity', '12 downloads last month']]);
    expect(d.scripted?.findings.map((f) => [f.id, f.severity, f.evidence])).toEqual([['install-scripts', 'medium', 'postinstall']]);
    expect(d['no-repo']?.findings.map((f) => f.id)).toEqual(['no-repository']);
    expect(d['old-api']?.findings.map((f) => [f.id, f.evidence])).toEqual([['deprecated', 'use new-api']]);
    for (const name of ['fresh-thing', 'lonely-lib', 'scripted', 'no-repo', 'old-api']) expect(d[name]?.verdict).toBe('warn');
  });

  it('PyPI: not-found, typosquat against the PyPI list, normalised names', async () => {
    const d = await byName(['requestz', 'reqeusts', 'requests', 'PyYAML', 'py_yaml'], 'pypi');
    expect(d.requestz).toMatchObject({ verdict: 'hallucinated', findings: [{ id: 'not-found', suggestion: 'requests' }] });
    expect(d.reqeusts?.findings.map((f) => f.id)).toEqual(['typosquat', 'new-package']);
    expect(d.requests).toMatchObject({ verdict: 'ok', findings: [] });
    // PyYAML is the distribution `import yaml` comes from: its own name is popular, not a typo.
    expect(d.PyYAML).toMatchObject({ verdict: 'ok', findings: [] });
    expect(d.py_yaml).toMatchObject({ verdict: 'hallucinated' });
  });
});

describe('and stays quiet when it should not', () => {
  it('the popular package itself, an old popular package with scripts-free manifests', async () => {
    const d = await byName(['express', 'old-thing', 'loved-lib', 'quiet-scripts']);
    for (const name of ['express', 'old-thing', 'loved-lib', 'quiet-scripts']) expect(d[name], name).toMatchObject({ verdict: 'ok', findings: [] });
  });

  it('a brand-new legitimate scoped package is new, not a typosquat or a hallucination', async () => {
    const d = await byName(['@acme-corp/brand-new-sdk']);
    expect(d['@acme-corp/brand-new-sdk']?.findings.map((f) => f.id)).toEqual(['new-package']);
    expect(d['@acme-corp/brand-new-sdk']?.verdict).toBe('warn');
  });

  it('missing metadata is unknown for that signal, never a finding', async () => {
    const thin = await registry({ npm: { 'old-thing': packument('old-thing') }, abbreviatedOnly: true });
    const report = await check(thin, ['old-thing'], { settings: { registries: { npmDownloads: null, pypi: thin.url, go: thin.url, crates: thin.url } } });
    expect(report.dependencies[0]).toMatchObject({ verdict: 'ok', findings: [], unknownSignals: ['new-package', 'low-popularity'] });
  });
});

describe('signals a thin registry cannot give (issue 8, item 17)', () => {
  /** A packument as the npm mirror serves it: no time.created, only per-version times (which may be when the mirror copied them). */
  const mirrored = (name: string, versionTime: string): object => {
    const p = packument(name) as { time: Record<string, string> };
    return { ...p, time: { '1.0.0': versionTime } };
  };

  it('the earliest version time can show a package is old, never that it is new', () => {
    const old = parsePackument('aged', mirrored('aged', daysAgo(400)));
    expect(old).toMatchObject({ createdAtOrBefore: daysAgo(400) });
    expect(old?.created).toBeUndefined();
    const settings = depsSettings(undefined, { configFile: null, configSource: 'none', trustRepoConfig: false });
    const judge = (info: NonNullable<typeof old>) =>
      evaluate({
        ecosystem: 'npm',
        name: info.name,
        lookup: { status: 'found', info: { ...info, monthlyDownloads: 50_000 } },
        typo: undefined,
        settings,
        now: new Date(NOW),
      });
    expect(judge(old as NonNullable<typeof old>).unknownSignals).not.toContain('new-package');
    const recent = parsePackument('copied', mirrored('copied', daysAgo(3)));
    const verdict = judge(recent as NonNullable<typeof recent>);
    expect(verdict.unknownSignals).toContain('new-package');
    expect(verdict.findings.map((f) => f.id)).not.toContain('new-package');
  });

  it('--require-signals makes a package whose signal could not be evaluated unknown, with the reason; the table names it', async () => {
    const thin = await registry({ npm: { 'old-thing': packument('old-thing') }, abbreviatedOnly: true });
    const settings = { registries: { npmDownloads: null, pypi: thin.url, go: thin.url, crates: thin.url } };
    const plain = await check(thin, ['old-thing'], { settings });
    expect(renderDepsTable(plain, plainStyle)).toContain('new-package (1): npm:old-thing');
    const required = await check(thin, ['old-thing'], { settings: { ...settings, requireSignals: ['new-package'] } });
    expect(required.dependencies[0]).toMatchObject({
      verdict: 'unknown',
      error: 'could not evaluate new-package (no creation date), which --require-signals asks for',
    });
    expect(auditDecision(required, false)).toBe('undecided');
  });

  it('--require-signals with an id it cannot require is a usage error', async () => {
    const run = await runCli(['deps', 'check', 'express', '--require-signals', 'new-package,typo']);
    expect(run).toMatchObject({
      code: 2,
      stderr:
        'aiprov: --require-signals new-package,typo: expected a comma-separated list of new-package, low-popularity, install-scripts, no-repository, deprecated\n',
    });
  });
});

describe('suppressions', () => {
  it('a live suppression covers its findings and is shown; an expired one is reported and no longer applies', async () => {
    const report = await check(server, ['expres', 'lonely-lib'], {
      settings: {
        suppressions: [
          { package: 'expres', signals: ['typosquat'], reason: 'our own fork, reviewed', expires: '2027-01-01' },
          { package: 'lonely-lib', reason: 'internal tool', expires: '2026-01-01' },
        ],
      },
    });
    const d = Object.fromEntries(report.dependencies.map((x) => [x.name, x]));
    expect(d.expres?.findings.find((f) => f.id === 'typosquat')?.suppressed).toEqual({ reason: 'our own fork, reviewed', expires: '2027-01-01' });
    expect(d.expres?.verdict).toBe('warn');
    expect(d['lonely-lib']?.findings.map((f) => [f.id, f.suppressed])).toEqual([
      ['low-popularity', undefined],
      ['expired-suppression', undefined],
    ]);
    expect(d['lonely-lib']?.findings[1]?.message).toBe('The suppression of `lonely-lib` (internal tool) expired on 2026-01-01: its findings count again.');
    expect(report.summary.suppressed).toBe(1);
    expect(report.summary.failing).toBe(0);
  });
});

describe('install scripts and deprecation belong to versions', () => {
  const doc = {
    'name': 'evolving',
    'dist-tags': { latest: '2.0.0' },
    'versions': {
      '1.0.0': { name: 'evolving', version: '1.0.0', repository: 'git+https://github.com/x/evolving.git', deprecated: 'upgrade to 2' },
      '2.0.0': { name: 'evolving', version: '2.0.0', repository: 'git+https://github.com/x/evolving.git', scripts: { postinstall: 'node steal.js' } },
    },
    'time': { created: '2019-01-01T00:00:00.000Z' },
  };
  const info = parsePackument('evolving', doc);
  const judge = (versions?: string[]) =>
    evaluate({
      ecosystem: 'npm',
      name: 'evolving',
      lookup: { status: 'found', info: { ...(info as NonNullable<typeof info>), monthlyDownloads: 50_000 } },
      typo: undefined,
      settings: depsSettings(undefined, { configFile: null, configSource: 'none', trustRepoConfig: false }),
      now: new Date(NOW),
      ...(versions ? { versions } : {}),
    }).findings.map((f) => [f.id, f.message]);

  it('a lockfile pinning the clean old version: deprecated, no install script', () => {
    expect(judge(['1.0.0'])).toEqual([['deprecated', '`evolving@1.0.0` is deprecated: upgrade to 2']]);
  });

  it('pinning the new version, or pinning nothing (latest): the install script', () => {
    expect(judge(['2.0.0'])).toEqual([['install-scripts', '`evolving@2.0.0` runs postinstall scripts on install.']]);
    expect(judge()).toEqual([['install-scripts', '`evolving@2.0.0` runs postinstall scripts on install.']]);
    expect(judge(['^1.0.0'])).toEqual([['install-scripts', '`evolving@2.0.0` runs postinstall scripts on install.']]);
  });

  it('both pinned: both findings', () => {
    expect(judge(['1.0.0', '2.0.0']).map(([id]) => id)).toEqual(['install-scripts', 'deprecated']);
  });
});
