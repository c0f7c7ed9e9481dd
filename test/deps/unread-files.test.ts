/**
 * Issue 8, item 10: a manifest or text that could not be read whole is never
 * a silent "0 dependencies": it is a warning naming it, and the audit cannot
 * decide (exit 2) unless --allow-unknown. Caps are stated: 64 MiB for
 * lockfiles, 16 MiB for anything else.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packument } from '../../fixtures/registry-server.js';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { fixedClock } from '../../src/kernel/clock.js';
import { auditDecision, auditRepository } from '../../src/deps/audit.js';
import { LOCKFILE_CAP, TEXT_CAP } from '../../src/deps/extract/collect.js';
import { importHistory } from '../../src/git/fast-import.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { ctx, tempDir } from '../helpers.js';
import { check, NOW, npmConfigDir, registry, settingsFor } from './helpers.js';

const server = await registry({ npm: { 'express': packument('express'), 'cross-env': packument('cross-env') }, downloads: { express: 90_000_000 } });

async function auditOf(files: Record<string, string | Buffer>) {
  const dir = await tempDir();
  initRepo(dir);
  await importHistory(dir, [commitAt(0, 'Files\n', { files: { 'package.json': '{"name":"svc","dependencies":{"express":"^5"}}\n' } })]);
  execFileSync('git', ['reset', '--quiet', '--hard', 'main'], { cwd: dir });
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  execFileSync('git', ['add', '.'], { cwd: dir });
  const { env } = await npmConfigDir(server);
  return auditRepository({
    context: await ctx(dir, { clock: fixedClock(NOW), env: { vars: env } }),
    cacheDir: await tempDir('aiprov-cache-'),
    history: false,
    settings: settingsFor(server),
  });
}

describe('deps check --from-text', () => {
  it('reads a text of a few megabytes whole; refuses one over the cap, and what is not a regular file, naming it', async () => {
    const dir = await tempDir();
    const big = path.join(dir, 'answer.md');
    await writeFile(big, `${'padding line\n'.repeat(200_000)}\n\`\`\`sh\nnpm install crossenv\n\`\`\`\n`);
    const report = await check(server, [], { fromText: big });
    expect(report.dependencies.map((d) => d.name)).toEqual(['crossenv']);
    const huge = path.join(dir, 'huge.md');
    await writeFile(huge, Buffer.alloc(TEXT_CAP + 1, 0x20));
    await expect(check(server, [], { fromText: huge })).rejects.toThrow(`fromText ${huge}: is ${TEXT_CAP + 1} bytes, larger than the 16 MiB read for a text`);
    await expect(check(server, [], { fromText: dir })).rejects.toThrow(`fromText ${dir}: is not a regular file`);
  });
});

describe('files that could not be read whole', () => {
  it('a package.json over the cap is named, and the answer is "could not decide", not a clean 0', async () => {
    const huge = `{"name":"x","dependencies":{"crossenv":"1"},"pad":"${' '.repeat(TEXT_CAP)}"}`;
    const report = await auditOf({ 'tools/package.json': huge });
    expect(report.warnings).toContainEqual({
      code: 'FILE_NOT_READ',
      message: `tools/package.json is ${huge.length} bytes, larger than the 16 MiB read for such a file: its dependencies were not checked`,
    });
    expect(report.summary.unreadFiles).toBe(1);
    expect(validateAgainst('dependencyAudit', report)).toBeNull();
    expect(auditDecision(report, false)).toBe('undecided');
    expect(auditDecision(report, true)).toBe('pass');
    expect(LOCKFILE_CAP).toBeGreaterThanOrEqual(50 * 1024 * 1024);
  });

  it('a NUL byte in a README no longer hides its install command', async () => {
    const report = await auditOf({ 'README.md': '# svc\n<!-- \0 -->\n\n```sh\nnpm install crossenv\n```\n' });
    expect(report.dependencies.map((d) => d.name)).toContain('crossenv');
    expect(report.summary.unreadFiles).toBe(0);
  });

  it('an invalid notebook, a yarn.lock with garbage bytes and an invalid package.json are each a warning; the rest is still audited', async () => {
    const report = await auditOf({
      'analysis.ipynb': '{"cells": [',
      'yarn.lock': Buffer.from([0x23, 0x20, 0xff, 0xfe, 0x00, 0x0a]),
      'web/package.json': '{"dependencies": {',
    });
    const messages = report.warnings.filter((w) => w.code === 'FILE_NOT_READ').map((w) => w.message);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/^analysis\.ipynb is not a valid notebook/);
    expect(messages[1]).toMatch(/^web\/package\.json is not valid JSON/);
    expect(messages[2]).toBe('yarn.lock holds bytes that are not text (NUL or invalid UTF-8): its dependencies were not checked');
    expect(report.dependencies.map((d) => d.name)).toContain('express');
    expect(auditDecision(report, false)).toBe('undecided');
  });
});
