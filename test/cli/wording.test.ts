import { describe, expect, it } from 'vitest';
import { commitAt, git, initRepo, linearRepo } from '../../fixtures/repos.js';
import { importHistory } from '../../src/git/fast-import.js';
import { renderDepsMarkdown, renderDepsTable } from '../../src/render/deps-render.js';
import { plainStyle } from '../../src/render/style.js';
import type { DepsReport } from '../../src/deps/audit.js';
import { tempDir } from '../helpers.js';
import { runCli } from './run-cli.js';

describe('wording (issue 8, item 26)', () => {
  it('one dependency is "1 dependency"', () => {
    const report = {
      schema: 'https://aiprov.dev/dependency-audit/v1',
      tool: { name: 'aiprov', version: '0' },
      repository: null,
      checkedAt: '2026-01-01T00:00:00.000Z',
      failOn: 'high',
      dependencies: [{ ecosystem: 'npm', name: 'express', spec: '', sources: [], verdict: 'ok', findings: [], unknownSignals: [] }],
      summary: {
        dependencies: 1,
        byVerdict: { ok: 1, warn: 0, suspicious: 0, hallucinated: 0, malicious: 0, unknown: 0 },
        findings: { critical: 0, high: 0, medium: 0, low: 0 },
        suppressed: 0,
        unknown: 0,
        notLookedUp: 0,
        skipped: 0,
        unreadFiles: 0,
        failing: 0,
      },
      warnings: [],
    } satisfies DepsReport;
    expect(renderDepsTable(report, plainStyle)).toContain('\n1 dependency: 0 malicious');
    expect(renderDepsMarkdown(report)).toContain('\n1 dependency: 0 malicious');
    expect(renderDepsTable({ ...report, summary: { ...report.summary, dependencies: 2 } }, plainStyle)).toContain('\n2 dependencies: ');
  });

  it('unchecked names say "accepted with --allow-unknown" when it was given, and unread files are counted', () => {
    const report = {
      schema: 'https://aiprov.dev/dependency-audit/v1',
      tool: { name: 'aiprov', version: '0' },
      repository: null,
      checkedAt: '2026-01-01T00:00:00.000Z',
      failOn: 'high',
      dependencies: [],
      summary: {
        dependencies: 0,
        byVerdict: { ok: 0, warn: 0, suspicious: 0, hallucinated: 0, malicious: 0, unknown: 1 },
        findings: { critical: 0, high: 0, medium: 0, low: 0 },
        suppressed: 0,
        unknown: 1,
        notLookedUp: 0,
        skipped: 0,
        unreadFiles: 2,
        failing: 0,
      },
      warnings: [],
    } satisfies DepsReport;
    expect(renderDepsTable(report, plainStyle)).toContain(
      '1 could not be checked and 2 files could not be read: that is not "clean" (--allow-unknown to accept it).',
    );
    expect(renderDepsTable({ ...report, allowUnknown: true }, plainStyle)).toContain(
      '1 could not be checked and 2 files could not be read: accepted with --allow-unknown.',
    );
  });

  it('hooks uninstall says "not set" for a notes.rewriteRef that never was', async () => {
    const dir = await tempDir();
    initRepo(dir);
    const result = await runCli(['hooks', 'uninstall', '--repo', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('notes.rewriteRef refs/notes/aiprov: not set');
    expect(result.stdout).not.toContain(': kept');
  });

  it('scan --all says "all refs", not "range --all"', async () => {
    const dir = await tempDir();
    initRepo(dir);
    await importHistory(dir, [commitAt(0, 'One\n')]);
    const table = await runCli(['scan', '--all', '--repo', dir]);
    expect(table.stdout.split('\n')[0]).toMatch(/^aiprov scan {2}\S+ {2}all refs {2}\(HEAD main @ [0-9a-f]{12}\)$/);
    const markdown = await runCli(['scan', '--all', '--repo', dir, '--format', 'markdown']);
    expect(markdown.stdout).toContain('\nAll refs of `');
    expect(markdown.stdout).not.toContain('--all');
  });

  it('a shallow clone with one commit in range says "1 commit in range was read"', async () => {
    const origin = await tempDir();
    await linearRepo(origin, 3);
    const clone = await tempDir();
    git(clone, 'clone', '--quiet', '--depth', '1', `file://${origin}`, '.');
    const result = await runCli(['scan', '--repo', clone, '--format', 'json', '--quiet']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { warnings: { code: string; message: string }[] };
    expect(report.warnings.find((w) => w.code === 'SHALLOW')?.message).toContain('1 commit in range was read');
  });
});
