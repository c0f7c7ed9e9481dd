import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { packument } from '../../fixtures/registry-server.js';
import { auditDecision } from '../../src/deps/audit.js';
import { dependencyRows } from '../../src/dashboard/dependencies.js';
import type { DependencyReport } from '../../src/deps/types.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { renderDepsTable } from '../../src/render/deps-render.js';
import { plainStyle } from '../../src/render/style.js';
import { check, registry, settingsFor } from './helpers.js';
import { runCli } from '../cli/run-cli.js';

const npm = await registry({ npm: { 'left-pad': packument('left-pad') } });

/** A "PyPI" that takes each connection and drops it at once: no answer, counted. */
const dropped = { connections: 0 };
const sockets = new Set<Socket>();
const black = createServer((socket) => {
  dropped.connections++;
  sockets.add(socket);
  socket.destroy();
});
await new Promise<void>((resolve) => black.listen(0, '127.0.0.1', resolve));
afterAll(
  () =>
    new Promise<void>((resolve) =>
      black.close(() => {
        resolve();
      }),
    ),
);
const PYPI = `http://127.0.0.1:${(black.address() as AddressInfo).port}`;
const REGISTRIES = { pypi: PYPI, go: `${npm.url}/go`, crates: `${npm.url}/crates`, npmDownloads: npm.url };
const NAMES = Array.from({ length: 60 }, (_, i) => `project-${i}`);

describe('a registry that does not answer', () => {
  it('is said once ("PyPI unreachable: 60 names not checked"), stops being asked after three look-ups in a row, and still cannot decide', async () => {
    const report = await check(npm, NAMES, { ecosystem: 'pypi', settings: { ...settingsFor(npm), registries: REGISTRIES, retries: 0, concurrency: 4 } });
    expect(validateAgainst('dependencyAudit', report)).toBeNull();
    expect(report.summary).toMatchObject({ dependencies: 60, unknown: 60, skipped: 0 });
    expect(report.dependencies.every((d) => d.verdict === 'unknown' && (d.error ?? '').length > 0)).toBe(true);
    expect(report.warnings.map((w) => w.code)).toEqual(['REGISTRY_UNREACHABLE']);
    expect(report.warnings[0]?.message).toMatch(
      new RegExp(`^PyPI \\(${PYPI.replace(/[.]/g, '\\.')}\\) unreachable: 60 names not checked \\(.*\\); the JSON report lists them; --skip pypi`),
    );
    // Three in a row trip it; at most the look-ups already in flight (concurrency 4) follow.
    expect(dropped.connections).toBeGreaterThanOrEqual(3);
    expect(dropped.connections).toBeLessThanOrEqual(3 + 4);
    expect(auditDecision(report, false)).toBe('undecided');
    // The table: one line for the 60 names, not 60 rows.
    const table = renderDepsTable(report, plainStyle);
    expect(table).toMatch(/\nNot checked \(no answer; --format json lists each name with its reason\)\npypi: 60 names \(project-0, .* and 48 more\): /);
    expect(table.split('\n').filter((l) => l.includes('project-')).length).toBe(1);
    // The dashboard counts them apart from suspects, and its file is the report's name, not a local path.
    const rows = dependencyRows(
      {
        ...report,
        dependencies: [...report.dependencies, { ...(report.dependencies[0] as DependencyReport), name: 'reqeusts', verdict: 'suspicious' as const }],
      },
      'deps.json',
    );
    expect([rows.file, rows.total, rows.suspect, rows.unchecked]).toEqual(['deps.json', 61, 1, 60]);
  });

  it('deps.skip / --skip leaves an ecosystem out: listed and counted apart, never asked, not a reason to be undecided', async () => {
    dropped.connections = 0;
    const settings = { ...settingsFor(npm), registries: REGISTRIES, skip: ['pypi' as const] };
    const report = await check(npm, ['requests', 'flask'], { ecosystem: 'pypi', settings });
    expect(validateAgainst('dependencyAudit', report)).toBeNull();
    expect(dropped.connections).toBe(0);
    expect(report.summary).toMatchObject({ dependencies: 2, unknown: 0, skipped: 2 });
    expect(report.dependencies.map((d) => [d.name, d.verdict, d.skipped])).toEqual([
      ['flask', 'unknown', true],
      ['requests', 'unknown', true],
    ]);
    expect(report.warnings.map((w) => w.message)).toEqual(['pypi skipped (deps.skip or --skip): 2 names not looked up']);
    expect(auditDecision(report, false)).toBe('pass');
    expect(renderDepsTable(report, plainStyle)).toMatch(/2 skipped \(deps\.skip\)/);
    // A skipped ecosystem does not hide another's findings: npm is still asked.
    const mixed = await check(npm, ['left-pad', 'lefft-pad-zzz'], { settings });
    const typo = await runCli(['deps', 'check', '--skip', 'pypy', 'left-pad']);
    expect(typo).toMatchObject({ code: 2, stderr: "aiprov: option '--skip <ecosystem>' argument 'pypy' is invalid. expected one of npm, pypi, go, cargo\n" });
    expect(mixed.dependencies.map((d) => [d.name, d.verdict])).toEqual(
      [
        ['left-pad', 'ok'],
        ['lefft-pad-zzz', 'hallucinated'],
      ].sort(),
    );
  });
});
