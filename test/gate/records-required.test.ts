import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commitFiles, initRepo } from '../../fixtures/repos.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';

const CLAUDE = 'Co-Authored-By: Claude <noreply@anthropic.com>';
const DANA = { name: 'Dana Human', email: 'dana@example.com' };
const git = (dir: string, ...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });

/** A commit by Dana, the person. */
const commit = (dir: string, files: Record<string, string>, message: string): Promise<string> => commitFiles(dir, files, message, DANA);

const POLICY = 'records:\n  require:\n    - paths: ["src/billing/**"]\n';

/** main with the base's policy (records required under src/billing/, no risk rule there), then a branch. */
async function repo(policy = POLICY): Promise<string> {
  const dir = await tempDir();
  initRepo(dir);
  await commit(dir, { 'src/billing/total.ts': 'export const total = 0;\n', '.aiprov.yml': policy }, 'Initial commit');
  git(dir, 'checkout', '-q', '-b', 'topic');
  return dir;
}

const check = async (dir: string) => {
  const run = await runCli(['check', '--repo', dir, '--base', 'main', '--head', 'topic', '--format', 'json', '--offline']);
  return {
    ...run,
    report: JSON.parse(run.stdout) as { decision: string; reasons: string[]; records?: { missing: { commit: string; agents: string[]; paths: string[] }[] } },
  };
};

describe('records.require: where the base wants line records, AI work without them waits for a person', () => {
  it('an AI commit under the path with no records: needs-review naming it; with line records: pass; elsewhere or by a person: pass', async () => {
    const dir = await repo();
    const bare = await commit(dir, { 'src/billing/total.ts': 'export const total = 1;\n' }, `Billing by the agent\n\n${CLAUDE}\n`);
    const first = await check(dir);
    expect(validateAgainst('checkReport', first.report)).toBeNull();
    expect([first.code, first.report.decision]).toEqual([1, 'needs-review']);
    expect(first.report.records).toEqual({ missing: [{ commit: bare, agents: ['claude-code'], paths: ['src/billing/total.ts'] }] });
    expect(first.report.reasons).toContain(
      `1 AI commit without line records where .aiprov.yml at the base ${git(dir, 'rev-parse', 'main').trim().slice(0, 12)} requires them (records.require): ${bare.slice(0, 12)} (claude-code) changed src/billing/total.ts`,
    );

    // The same commit with its line record: nothing waits.
    git(
      dir,
      'notes',
      '--ref=aiprov',
      'add',
      '-m',
      JSON.stringify({
        schema: 'https://aiprov.dev/authorship-note/v1',
        records: [
          {
            agent: 'claude-code',
            files: [{ path: 'src/billing/total.ts', ranges: [[1, 1]] }],
            tool: { name: 'aiprov', version: '0.1.0' },
            recordedAt: '2026-01-01T00:00:00Z',
          },
        ],
      }),
      bare,
    );
    const recorded = await check(dir);
    expect([recorded.code, recorded.report.decision, recorded.report.records]).toEqual([0, 'pass', { missing: [] }]);

    // A person's commit there, and an agent's elsewhere, need none.
    const other = await repo();
    await commit(other, { 'src/billing/total.ts': 'export const total = 2;\n' }, 'By hand');
    await commit(other, { 'src/ui.ts': 'export const ui = 1;\n' }, `UI by the agent\n\n${CLAUDE}\n`);
    expect((await check(other)).report.decision).toBe('pass');
  });

  it('an AI commit there whose note cannot be read whole: could not decide (exit 2), never pass and never merely waiting', async () => {
    const dir = await repo();
    const bare = await commit(dir, { 'src/billing/total.ts': 'export const total = 5;\n' }, `Billing by the agent\n\n${CLAUDE}\n`);
    git(dir, 'notes', '--ref=aiprov', 'add', '-m', '{"schema":"https://aiprov.dev/authorship-note/v1","records":[', bare);
    const run = await check(dir);
    expect(run.code).toBe(2);
    expect(validateAgainst('checkReport', run.report)).toBeNull();
    expect(run.report.records).toEqual({ missing: [], unread: [bare] });
    expect((run.report as unknown as { couldNotDecide: string }).couldNotDecide).toContain(
      `the notes of 1 AI commit where .aiprov.yml at the base ${git(dir, 'rev-parse', 'main').trim().slice(0, 12)} requires line records could not be read whole (${bare.slice(0, 12)}): whether they hold the records is not known`,
    );
  });

  it("the requirement is the base's: a change that drops it from .aiprov.yml is still held to it", async () => {
    const dir = await repo();
    await commit(dir, { '.aiprov.yml': 'version: 1\n', 'src/billing/total.ts': 'export const total = 3;\n' }, `Drop the rule\n\n${CLAUDE}\n`);
    const run = await check(dir);
    expect(run.report.decision).not.toBe('pass');
    expect(run.report.records?.missing).toHaveLength(1);
  });

  it('a bad glob in the base policy is a one-line config error naming it, exit 2', async () => {
    const dir = await repo('records:\n  require:\n    - paths: ["src/[z-a]"]\n');
    await commit(dir, { 'src/billing/total.ts': 'export const total = 4;\n' }, `Billing\n\n${CLAUDE}\n`);
    const run = await runCli(['check', '--repo', dir, '--base', 'main', '--head', 'topic', '--offline']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^aiprov: \.aiprov\.yml at the base [0-9a-f]{12}: records\.require\[0\]\.paths: .+\n$/);
  });
});
