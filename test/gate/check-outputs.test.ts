import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { git, initRepo } from '../../fixtures/repos.js';
import type { CheckReport } from '../../src/gate/check.js';
import { BUILTIN_RULES } from '../../src/gate/rules.js';
import { MAX_RESULTS, renderCheckSarif } from '../../src/render/check-sarif.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';
import { validateSarif } from '../sarif-schema.js';

let repo: string;
let head: string;

beforeAll(async () => {
  repo = await tempDir();
  initRepo(repo);
  const write = async (file: string, text: string) => {
    await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
    await writeFile(path.join(repo, file), text);
  };
  await write('src/auth/login.ts', 'export const login = () => false;\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'Initial');
  git(repo, 'checkout', '-q', '-b', 'feature');
  await write('src/auth/login.ts', 'export const login = (u: string) => u === "admin";\n');
  await write('.github/workflows/ci.yml', 'on: push\njobs: {}\n');
  git(repo, 'add', '-A');
  execFileSync('git', ['commit', '-q', '-m', 'Faster login\n\nCo-Authored-By: Claude <noreply@anthropic.com>'], {
    cwd: repo,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Sam Dev',
      GIT_AUTHOR_EMAIL: 'sam@example.com',
      GIT_COMMITTER_NAME: 'Sam Dev',
      GIT_COMMITTER_EMAIL: 'sam@example.com',
    },
  });
  head = git(repo, 'rev-parse', 'HEAD').trim();
});

describe('aiprov check outputs', () => {
  it('SARIF 2.1.0, valid against the official schema, rules with rationale and control mappings as help; the markdown goes to the job summary; the decision is recorded in refs/notes/aiprov-checks', async () => {
    const summary = path.join(await tempDir(), 'summary.md');
    const run = await runCli(['check', '--repo', repo, '--base', 'main', '--head', head, '--format', 'sarif'], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(run.code).toBe(1);
    const sarif = JSON.parse(run.stdout) as {
      runs: {
        tool: { driver: { rules: { id: string; help: { text: string } }[] } };
        results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[];
      }[];
    };
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors?.slice(0, 3))).toBe(true);
    const results = sarif.runs[0]?.results ?? [];
    expect(results.map((r) => [r.ruleId, r.level, r.locations[0]?.physicalLocation.artifactLocation.uri])).toEqual([
      ['risk/ci-configuration', 'error', '.github/workflows/ci.yml'],
      ['risk/auth', 'error', 'src/auth/login.ts'],
    ]);
    const auth = sarif.runs[0]?.tool.driver.rules.find((r) => r.id === 'risk/auth');
    expect(auth?.help.text).toMatch(/Controls:\n- NIST SSDF: PW\.1\.1; PW\.7\.2\n- OWASP ASVS 5\.0: V6 Authentication/);
    expect(auth?.help.text).toContain('Project CodeGuard (the rule that should have guided the agent): core/codeguard-0-authentication-mfa');
    const markdown = await readFile(summary, 'utf8');
    expect(markdown).toMatch(/^### aiprov check: 🟡 needs review\n/);
    expect(markdown).toMatch(/\| \*\*waiting for review\*\* \| critical \| ci-configuration \| `\.github\/workflows\/ci\.yml:1-2` \| claude-code \|/);
    const recorded = git(repo, 'notes', '--ref=aiprov-checks', 'show', head)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { decision: string; escalations: number; waiting: number; byRule: Record<string, number> });
    expect(recorded).toEqual([expect.objectContaining({ decision: 'needs-review', escalations: 2, waiting: 2, byRule: { 'auth': 1, 'ci-configuration': 1 } })]);
    // Checked again, the decision is added, not replaced; --no-record leaves the note alone.
    await runCli(['check', '--repo', repo, '--base', 'main', '--head', head, '--format', 'markdown']);
    await runCli(['check', '--repo', repo, '--base', 'main', '--head', head, '--no-record']);
    expect(git(repo, 'notes', '--ref=aiprov-checks', 'show', head).trim().split('\n')).toHaveLength(2);
  });

  it('output options from the base: no job summary, and a markdown report that lists so many escalations and counts the rest', async () => {
    git(repo, 'checkout', '-q', 'main');
    await writeFile(path.join(repo, '.aiprov.yml'), 'output:\n  stepSummary: false\n  comment:\n    maxHunks: 1\n');
    git(repo, 'add', '.aiprov.yml');
    git(repo, 'commit', '-q', '-m', 'Configure aiprov');
    const summary = path.join(await tempDir(), 'summary.md');
    const run = await runCli(['check', '--repo', repo, '--base', 'main', '--head', head, '--format', 'markdown', '--no-record'], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Policy: \.aiprov\.yml at the base [0-9a-f]{12}\./);
    expect(run.stdout).toMatch(/\n…and 1 more escalations \(the JSON and SARIF reports list all of them\)\.\n/);
    await expect(readFile(summary, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('past 25,000 results the least severe are left out, and the log says how many', () => {
    const hunk = (i: number, escalated: boolean) => ({
      path: `src/f${i}.ts`,
      startLine: 1,
      endLine: 1,
      agents: ['claude-code'],
      commits: ['a'.repeat(40)],
      rule: 'auth',
      tier: 'high' as const,
      title: 'Authentication and authorisation',
      rationale: 'r',
      because: 'b',
      codeguard: [],
      escalated,
      reviewedBy: [],
    });
    const report = {
      schema: 'https://aiprov.dev/check-report/v1',
      tool: { name: 'aiprov', version: '0' },
      base: 'b'.repeat(40),
      head: 'c'.repeat(40),
      policySource: 'test',
      decision: 'needs-review',
      outcome: 'needs-review',
      reasons: [],
      change: { commits: 1, aiCommits: 1, lines: 1, aiLines: 1, aiShare: 1, byAgent: {} },
      secrets: [],
      dependencies: { introduced: 0, failing: [], unknown: [], failOn: 'high' },
      couldNotDecide: null,
      reviews: [],
      escalate: ['critical', 'high'],
      rules: [...BUILTIN_RULES],
      warnings: [],
      hunks: [...Array.from({ length: 10 }, (_, i) => hunk(i, false)), ...Array.from({ length: MAX_RESULTS }, (_, i) => hunk(i + 10, true))],
    } as unknown as CheckReport;
    const sarif = renderCheckSarif(report);
    const run = sarif.runs[0];
    expect(run?.results).toHaveLength(MAX_RESULTS);
    expect(run?.results?.every((r) => r.level === 'error')).toBe(true);
    expect(run?.properties).toMatchObject({ truncated: { leftOut: 10, of: MAX_RESULTS + 10 } });
    expect(run?.invocations?.[0]?.toolExecutionNotifications?.[0]?.message.text).toMatch(
      /^10 of 25010 results left out: GitHub code scanning keeps at most 25000 per run/,
    );
    expect(validateSarif(sarif)).toBe(true);
  });
});
