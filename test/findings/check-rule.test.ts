import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Log } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { commitFiles, git, initRepo } from '../../fixtures/repos.js';
import type { CheckReport } from '../../src/gate/check.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';
import { eslintSarif, flawfinderSarif } from './scanners.js';

const DANA = { name: 'Dana Human', email: 'dana@example.com' };
const SAM = { name: 'Sam Dev', email: 'sam@example.com' };
const CLAUDE = 'Co-Authored-By: Claude <noreply@anthropic.com>';

const COPY_BASE = '#include <string.h>\nvoid copy(char *d, const char *s) {\nstrcpy(d, s);\n}\n';
// Claude re-indents the strcpy line (the same finding, the same fingerprint) and adds a strcat (a new one) and a RegExp.
const COPY_HEAD = '#include <string.h>\nvoid copy(char *d, const char *s) {\n  strcpy(d, s);\n}\nvoid append(char *d, const char *s) {\n  strcat(d, s);\n}\n';
const SEARCH = "'use strict';\nmodule.exports = (pattern) => new RegExp(pattern);\n";

interface Change {
  dir: string;
  base: string;
  head: string;
  logs: { head: string; headEslint: string; base: string };
}

/** main with the person's C file (and the given policy), a branch where Claude changes it; each end scanned by flawfinder and ESLint. */
async function change(policy?: string, search = SEARCH, extra: Record<string, string> = {}): Promise<Change> {
  const dir = await tempDir();
  initRepo(dir);
  const base = await commitFiles(dir, { 'native/copy.c': COPY_BASE, ...(policy ? { '.aiprov.yml': policy } : {}) }, 'Copy\n', DANA);
  git(dir, 'checkout', '-q', '-b', 'feature');
  const head = await commitFiles(dir, { 'native/copy.c': COPY_HEAD, 'src/search.js': search, ...extra }, `Append and search\n\n${CLAUDE}\n`, SAM);
  const work = await tempDir();
  const logs = { head: path.join(work, 'head.sarif'), headEslint: path.join(work, 'head-eslint.sarif'), base: path.join(work, 'base.sarif') };
  await writeFile(logs.head, flawfinderSarif(dir, 'native'));
  await writeFile(logs.headEslint, await eslintSarif(dir, ['src']));
  const baseTree = path.join(work, 'base');
  git(dir, 'worktree', 'add', '-q', '--detach', baseTree, base);
  await writeFile(logs.base, flawfinderSarif(baseTree, 'native'));
  return { dir, base, head, logs };
}

const check = async (c: Change, args: string[]): Promise<{ code: number; report: CheckReport; stderr: string }> => {
  const run = await runCli(['check', '--repo', c.dir, '--base', c.base, '--head', c.head, '--no-record', '--format', 'json', ...args]);
  return { code: run.code, stderr: run.stderr, report: (run.stdout === '' ? {} : JSON.parse(run.stdout)) as CheckReport };
};
const summary = (r: CheckReport) =>
  (r.scannerFindings?.findings ?? []).map((f) => [f.tool, f.ruleId, `${f.path}:${f.startLine}`, f.severity, f.action, f.agents]);

let plain: Change;
beforeAll(async () => {
  plain = await change();
});

describe('check: findings.new-in-ai-lines', () => {
  it("without the base's log, every finding on the change's AI-written lines is new: errors (high) wait for a review by default, warnings are reported", async () => {
    const run = await check(plain, ['--sarif', plain.logs.head, '--sarif', plain.logs.headEslint]);
    expect(run.code, run.stderr).toBe(1);
    expect(validateAgainst('checkReport', run.report)).toBeNull();
    expect(run.report.decision).toBe('needs-review');
    expect(summary(run.report)).toEqual([
      ['Flawfinder', 'FF1001', 'native/copy.c:3', 'high', 'escalate', ['claude-code']],
      ['Flawfinder', expect.stringMatching(/^FF10/), 'native/copy.c:6', 'high', 'escalate', ['claude-code']],
      ['ESLint', 'security/detect-non-literal-regexp', 'src/search.js:2', 'medium', 'report', ['claude-code']],
    ]);
    expect(run.report.reasons).toContain(
      `2 new scanner findings at high or above in AI-written lines without a human review (Flawfinder FF1001 at native/copy.c:3, Flawfinder ${run.report.scannerFindings?.findings[1]?.ruleId ?? ''} at native/copy.c:6)`,
    );
  });

  it("with the base's log, the re-indented strcpy keeps its fingerprint and is not new; the strcat is", async () => {
    const run = await check(plain, ['--sarif', plain.logs.head, '--base-sarif', plain.logs.base]);
    expect(run.code).toBe(1);
    expect(summary(run.report).map((s) => s[2])).toEqual(['native/copy.c:6']);
    expect(run.report.scannerFindings?.baseGiven).toBe(true);
  });

  it('a copy of a flagged line in another file is new, though the scanner gives it the same fingerprint', async () => {
    const copied = await change(undefined, SEARCH, { 'native/copy2.c': COPY_BASE.replace('copy(', 'copy2(') });
    const run = await check(copied, ['--sarif', copied.logs.head, '--base-sarif', copied.logs.base]);
    expect(summary(run.report).map((s) => s[2])).toEqual(['native/copy.c:6', 'native/copy2.c:3']);
  });

  it("the base's policy sets the thresholds: fail at high, escalate at medium", async () => {
    const strict = await change('findings:\n  newInAiLines:\n    escalate: medium\n    fail: high\n');
    const run = await check(strict, ['--sarif', strict.logs.head, '--sarif', strict.logs.headEslint, '--base-sarif', strict.logs.base]);
    expect(run.code).toBe(1);
    expect(run.report.decision).toBe('fail');
    expect(summary(run.report).map((s) => [s[2], s[4]])).toEqual([
      ['native/copy.c:6', 'fail'],
      ['src/search.js:2', 'escalate'],
    ]);
  });

  it("a suppression in the change's own lines is not believed", async () => {
    const suppressed = await change(
      'findings:\n  newInAiLines:\n    escalate: medium\n',
      "'use strict';\n// eslint-disable-next-line security/detect-non-literal-regexp\nmodule.exports = (pattern) => new RegExp(pattern);\n",
    );
    const run = await check(suppressed, ['--sarif', suppressed.logs.headEslint]);
    expect(run.report.scannerFindings?.findings).toEqual([
      expect.objectContaining({ path: 'src/search.js', startLine: 3, suppressed: true, suppressionIgnored: true, action: 'escalate' }),
    ]);
    expect(run.report.decision).toBe('needs-review');
  });

  it('a scanner that did not complete makes the check undecided (exit 2); a log of another revision is refused by name', async () => {
    const failed = JSON.parse(await (await import('node:fs/promises')).readFile(plain.logs.head, 'utf8')) as Log;
    (failed.runs[0] as Log['runs'][number]).invocations = [{ executionSuccessful: false }];
    const file = path.join(path.dirname(plain.logs.head), 'failed.sarif');
    await writeFile(file, JSON.stringify(failed));
    const run = await check(plain, ['--sarif', file]);
    expect(run.code).toBe(2);
    expect(run.report.outcome).toBe('undecided');
    expect(run.report.couldNotDecide).toContain('the scanner did not complete its run, so a finding may be missing');

    const other = structuredClone(failed);
    (other.runs[0] as Log['runs'][number]).invocations = [{ executionSuccessful: true }];
    (other.runs[0] as Log['runs'][number]).versionControlProvenance = [{ repositoryUri: 'https://example.com/x.git', revisionId: plain.base }];
    await writeFile(file, JSON.stringify(other));
    const refused = await runCli(['check', '--repo', plain.dir, '--base', plain.base, '--head', plain.head, '--no-record', '--sarif', file]);
    expect([refused.code, refused.stderr]).toEqual([
      2,
      `aiprov: the change's head is ${plain.head.slice(0, 12)} but ${file} describes revision ${plain.base} (versionControlProvenance)\n`,
    ]);
  });

  it('the table and the markdown say which findings wait', async () => {
    const table = await runCli(['check', '--repo', plain.dir, '--base', plain.base, '--head', plain.head, '--no-record', '--sarif', plain.logs.head]);
    expect(table.stdout).toMatch(/waiting\s+native\/copy\.c:3\s+Flawfinder FF1001\s+high\s+claude-code/);
    const md = await runCli([
      'check',
      '--repo',
      plain.dir,
      '--base',
      plain.base,
      '--head',
      plain.head,
      '--no-record',
      '--sarif',
      plain.logs.head,
      '--format',
      'markdown',
    ]);
    expect(md.stdout).toContain("#### Scanner findings in the change's AI-written lines");
    expect(md.stdout).toContain('- **waiting for review** `native/copy.c:3` Flawfinder FF1001 (high), by claude-code');
  });
});
