import { renderCheckMarkdown } from '../../src/render/check-markdown.js';
import type { CheckReport } from '../../src/gate/check.js';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { git, initRepo } from '../../fixtures/repos.js';
import { packument, startRegistry } from '../../fixtures/registry-server.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { parseConfig } from '../../src/config/load.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';
import { CLAIM } from '../../src/gate/coverage.js';

const CLAUDE = 'Co-Authored-By: Claude <noreply@anthropic.com>';
const SAM = { name: 'Sam Dev', email: 'sam@example.com' };

/** A commit by `who` (Sam, who drives the agent, by default) with these files written. */
async function commit(dir: string, files: Record<string, string>, message: string, who = SAM): Promise<string> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  git(dir, 'add', '-A');
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], {
    cwd: dir,
    env: { ...process.env, GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email },
  });
  return git(dir, 'rev-parse', 'HEAD').trim();
}

interface Report {
  decision: string;
  reasons: string[];
  hunks: { path: string; rule: string; tier: string; escalated: boolean; reviewedBy: string[]; agents: string[]; startLine: number; because: string }[];
  reviews: { reviewer: string; rejected?: string }[];
  secrets: { path: string; line: number; message: string; ai: boolean }[];
  change: { aiLines: number; lines: number; byAgent: Record<string, number> };
  policySource: string;
}

const LOGIN = 'export function login(user: string): boolean {\n  return user.length > 0;\n}\n';
const DANA = { name: 'Dana Human', email: 'dana@example.com' };

let repo: string;

beforeAll(async () => {
  repo = await tempDir();
  initRepo(repo);
  await commit(repo, { 'src/app.ts': 'export const app = 1;\n', 'src/auth/login.ts': LOGIN }, 'Initial commit', DANA);
});

/** A repository of its own whose main has the login code and this .aiprov.yml, checked out on a new branch. */
async function repoWithPolicy(config: string, branchName: string): Promise<string> {
  const dir = await tempDir();
  initRepo(dir);
  await commit(dir, { 'src/auth/login.ts': LOGIN, '.aiprov.yml': config }, 'Initial commit', DANA);
  git(dir, 'checkout', '-q', '-b', branchName);
  return dir;
}

/** A branch off main with the given commits; returns its name. */
async function branch(name: string, commits: [Record<string, string>, string, { name: string; email: string }?][]): Promise<string> {
  git(repo, 'checkout', '-q', '-B', name, 'main');
  for (const [files, message, who] of commits) await commit(repo, files, message, who);
  git(repo, 'checkout', '-q', 'main');
  return name;
}

const check = async (head: string, extra: string[] = []): Promise<{ code: number; report: Report; stdout: string; stderr: string }> => {
  const run = await runCli(['check', '--repo', repo, '--base', 'main', '--head', head, '--format', 'json', ...extra]);
  let report = {} as Report;
  try {
    report = JSON.parse(run.stdout) as Report;
  } catch {
    /* the failing assertion below shows stdout */
  }
  return { ...run, report };
};

const AUTH_CHANGE = {
  'src/auth/login.ts':
    'export function login(user: string, password: string): boolean {\n  if (user === "admin") return true;\n  return checkPassword(user, password);\n}\n',
};

describe('aiprov check: the review gate on a change', () => {
  it('an AI change to authentication code needs a review (exit 1), a human one does not; the report validates and says why', async () => {
    const ai = await branch('ai-auth', [
      [AUTH_CHANGE, `Let users log in with a password\n\n${CLAUDE}\n`],
      [{ 'src/util.ts': 'export const two = 2;\n' }, `Add util\n\n${CLAUDE}\n`],
    ]);
    const run = await check(ai);
    expect(run.code, run.stderr).toBe(1);
    expect(validateAgainst('checkReport', run.report)).toBeNull();
    expect(run.report.decision).toBe('needs-review');
    expect(run.report.hunks).toEqual([
      expect.objectContaining({
        path: 'src/auth/login.ts',
        rule: 'auth',
        tier: 'high',
        escalated: true,
        reviewedBy: [],
        agents: ['claude-code'],
        startLine: 1,
      }),
    ]);
    // Three lines of login.ts are new (its closing brace is the base's), and util.ts's one.
    expect(run.report.change).toMatchObject({ aiLines: 4, lines: 4, byAgent: { 'claude-code': 4 } });
    expect(run.report.reasons).toEqual(['1 AI-written hunk under auth without a human review']);
    expect((run.report as unknown as { metrics: object }).metrics).toEqual({
      escalations: 1,
      waiting: 1,
      findingsBySeverity: { critical: 0, high: 1, medium: 0, low: 0 },
      findingsByRule: { 'risk/auth': 1 },
    });
    const human = await branch('human-auth', [[AUTH_CHANGE, 'Let users log in with a password']]);
    const ok = await check(human);
    expect([ok.code, ok.report.decision, ok.report.hunks]).toEqual([0, 'pass', []]);
    const table = await runCli(['check', '--repo', repo, '--base', 'main', '--head', ai]);
    expect(table.stdout).toMatch(/NEEDS REVIEW\n[\s\S]*\nWAITING {3}high {5}auth {21}src\/auth\/login\.ts:1-3 {2}by claude-code\n/);
  });

  it('an unsigned Reviewed-by is a claim: shown, never counted; one from an agent, or from whoever drove the agent, is refused outright', async () => {
    const claimed = await branch('ai-auth-reviewed', [
      [AUTH_CHANGE, `Let users log in with a password\n\n${CLAUDE}\n`],
      [{}, 'Review\n\nReviewed-by: Riley Reviewer <riley@example.com>', { name: 'Riley Reviewer', email: 'riley@example.com' }],
    ]);
    const claim = await check(claimed);
    expect([claim.code, claim.report.decision, claim.report.hunks[0]?.reviewedBy]).toEqual([1, 'needs-review', []]);
    expect(claim.report.reviews).toEqual([expect.objectContaining({ reviewer: 'Riley Reviewer <riley@example.com>', rejected: CLAIM.trailer })]);
    const byAgent = await branch('ai-auth-self', [
      [AUTH_CHANGE, `Let users log in with a password\n\nReviewed-by: Claude <noreply@anthropic.com>\n${CLAUDE}\n`],
    ]);
    const agent = await check(byAgent);
    expect([agent.code, agent.report.decision]).toEqual([1, 'needs-review']);
    expect(agent.report.reviews).toEqual([
      expect.objectContaining({ reviewer: 'Claude <noreply@anthropic.com>', rejected: 'an agent (claude-code) cannot review' }),
    ]);
    const byAuthor = await branch('ai-auth-author', [
      [AUTH_CHANGE, `Let users log in with a password\n\n${CLAUDE}\n`],
      [{}, 'LGTM\n\nReviewed-by: Sam Dev <sam@example.com>'],
    ]);
    expect((await check(byAuthor)).report.decision).toBe('needs-review');
  });

  it("a change that edits .aiprov.yml to switch the rule off does not pass: the base's policy applies, and the edit itself needs review", async () => {
    const sneaky = await branch('disable-auth', [
      [{ '.aiprov.yml': 'risk:\n  disable: [auth]\n' }, 'Tidy config'],
      [AUTH_CHANGE, `Let users log in\n\n${CLAUDE}\n`],
    ]);
    const run = await check(sneaky);
    expect([run.code, run.report.decision]).toEqual([1, 'needs-review']);
    expect(run.report.policySource).toMatch(/^the defaults \(no \.aiprov\.yml at the base [0-9a-f]{12}\)$/);
    expect(run.report.hunks.map((h) => [h.rule, h.tier, h.agents]).sort()).toEqual([
      ['auth', 'high', ['claude-code']],
      ['gate-configuration', 'critical', []],
    ]);
  });

  it('a secret an agent added fails the change, reported redacted; a missing base is "could not decide" with the fix', async () => {
    const token = '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';
    const leak = await branch('leak', [[{ 'src/config.ts': `export const token = "${token}";\n` }, `Add config\n\n${CLAUDE}\n`]]);
    const run = await check(leak);
    expect([run.code, run.report.decision]).toEqual([1, 'fail']);
    expect(run.report.secrets).toEqual([expect.objectContaining({ path: 'src/config.ts', line: 1, ai: true })]);
    expect(run.stdout).not.toContain(token.slice(4));
    const missing = await runCli(['check', '--repo', repo, '--base', 'origin/main', '--head', leak]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^aiprov: base origin\/main is not in this clone, so the change cannot be measured \(a shallow checkout\? fetch the base: actions\/checkout with fetch-depth: 0/,
    );
    expect((await runCli(['check', '--repo', repo, '--head', leak], { env: { GITHUB_BASE_REF: '' } })).code).toBe(2);
    // A shallow clone with the base but not the history between: could not decide, with the fix.
    const shallow = path.join(await tempDir(), 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', 'ai-auth', `file://${repo}`, shallow]);
    execFileSync('git', ['fetch', '-q', '--depth', '1', 'origin', 'main:main'], { cwd: shallow });
    const cut = await runCli(['check', '--repo', shallow, '--base', 'main', '--head', 'HEAD']);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(
      /is cut at [0-9a-f]{12} \(a shallow clone\), so who wrote the change cannot be told: fetch it whole \(actions\/checkout with fetch-depth: 0/,
    );
  });

  it('introduced dependencies: a hallucinated name an agent added fails the change; a real one passes; a registry that does not answer is "could not decide" (exit 2)', async () => {
    const server = await startRegistry({
      npm: { express: packument('express', { versions: ['4.21.0', '5.1.0'], created: '2010-12-29T19:38:25.450Z' }) },
      downloads: { express: 200_000_000 },
    });
    const user = path.join(await tempDir(), 'user.npmrc');
    await writeFile(user, `registry=${server.npmUrl}\n`);
    const env = { npm_config_userconfig: user };
    const cache = ['--cache-dir', path.join(await tempDir(), 'cache')];
    try {
      git(repo, 'checkout', '-q', '-B', 'with-manifest', 'main');
      await commit(repo, { 'package.json': '{ "name": "app", "dependencies": { "express": "^5.1.0" } }\n' }, 'Add a manifest', {
        name: 'Dana Human',
        email: 'dana@example.com',
      });
      git(repo, 'checkout', '-q', 'main');
      git(repo, 'merge', '-q', '--ff-only', 'with-manifest');
      const slop = await branch('slop', [
        [
          { 'package.json': '{ "name": "app", "dependencies": { "express": "^5.1.0", "express-search-helpers-pro": "^1.0.0" } }\n' },
          `Add search\n\n${CLAUDE}\n`,
        ],
      ]);
      const run = await runCli(['check', '--repo', repo, '--base', 'main', '--head', slop, '--format', 'json', ...cache], { env });
      const report = JSON.parse(run.stdout) as Report & {
        dependencies: { introduced: number; failing: { name: string; verdict: string; ai: boolean; file: string }[] };
      };
      expect([run.code, report.decision, (report as unknown as { outcome: string }).outcome]).toEqual([1, 'fail', 'fail']);
      expect(report.dependencies.introduced).toBe(1);
      expect(report.dependencies.failing).toEqual([
        expect.objectContaining({ name: 'express-search-helpers-pro', verdict: 'hallucinated', ai: true, file: 'package.json' }),
      ]);
      // The manifest change by an agent is also a dependency-manifests escalation.
      expect(report.hunks.map((h) => h.rule)).toContain('dependency-manifests');
      const real = await branch('real-dep', [[{ 'src/app.ts': 'export const app = 2;\n' }, 'Tweak']]);
      expect((await runCli(['check', '--repo', repo, '--base', 'main', '--head', real, ...cache], { env })).code).toBe(0);
      await server.close();
      const down = await runCli(
        ['check', '--repo', repo, '--base', 'main', '--head', slop, '--format', 'json', '--cache-dir', path.join(await tempDir(), 'empty-cache')],
        { env },
      );
      const undecided = JSON.parse(down.stdout) as { couldNotDecide: string | null; decision: string; outcome: string };
      expect(down.code).toBe(2);
      expect(down.stderr).toMatch(/^aiprov: could not decide: 1 introduced name could not be looked up \(npm:express-search-helpers-pro\)[^\n]*\n$/);
      // The agent's manifest change also waits for a review; a review cannot settle a name nobody could check.
      expect([undecided.decision, undecided.outcome]).toEqual(['needs-review', 'undecided']);
      expect(validateAgainst('checkReport', undecided)).toBeNull();
      // The headers say what the exit code carries: could not decide, not needs review.
      const table = await runCli(
        ['check', '--repo', repo, '--base', 'main', '--head', slop, '--no-record', '--cache-dir', path.join(await tempDir(), 'empty-cache')],
        { env },
      );
      expect(table.code).toBe(2);
      expect(table.stdout).toMatch(/^aiprov check {2}[0-9a-f]{12}\.\.[0-9a-f]{12} {2}COULD NOT DECIDE\n/);
      expect(table.stdout).toMatch(/\n {2}could not decide: 1 introduced name could not be looked up/);
      expect(renderCheckMarkdown(undecided as unknown as CheckReport)).toMatch(/^### aiprov check: ⚪ could not decide\n/);
      expect(undecided.couldNotDecide).toMatch(/^1 introduced name could not be looked up \(npm:express-search-helpers-pro\)/);
    } finally {
      await server.close().catch(() => undefined);
    }
  });

  it("aiprov review records a person's review in notes (signed with --key): an approval within its scope lets the change pass, a rejection or an agent's does not", async () => {
    const head = git(repo, 'rev-parse', await branch('ai-auth-noted', [[AUTH_CHANGE, `Let users log in with a password\n\n${CLAUDE}\n`]])).trim();
    const as = (name: string, email: string) => {
      git(repo, 'config', 'user.name', name);
      git(repo, 'config', 'user.email', email);
    };
    const review = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['review', '--repo', repo, '--commit', head, ...args], { env });
    // The change's own author (Sam drove the agent) approving it: recorded, said not to count, and it does not.
    as('Sam Dev', 'sam@example.com');
    const own = await review(['--decision', 'approve']);
    expect(own.code).toBe(0);
    expect(own.stderr).toMatch(
      new RegExp(
        `\\naiprov: warning: you \\(sam@example\\.com\\) wrote commit ${head.slice(0, 12)}: aiprov check does not count a review by a change's own author; another person's review is needed\\n$`,
      ),
    );
    expect((await check(head)).report.decision).toBe('needs-review');
    as('Riley Reviewer', 'riley@example.com');
    const riley = await review(['--decision', 'reject']);
    expect(riley.stderr).not.toMatch(/does not count/);
    expect((await check(head)).report.decision).toBe('needs-review');
    expect((await review(['--decision', 'approve', '--scope', 'docs/**', '--quiet'])).code).toBe(0);
    expect((await check(head)).report.decision).toBe('needs-review');
    as('Claude', 'noreply@anthropic.com');
    expect((await review(['--decision', 'approve', '--quiet'])).code).toBe(0);
    const agentReview = await check(head);
    expect(agentReview.report.decision).toBe('needs-review');
    // Unsigned notes are claims whoever wrote them: none counts, each says why.
    expect(agentReview.report.reviews.map((r) => r.rejected)).toEqual([CLAIM.note, 'decision: rejected', CLAIM.note, 'an agent (claude-code) cannot review']);
    as('Riley Reviewer', 'riley@example.com');
    const dir = await tempDir();
    const env = { AIPROV_PASSWORD: 'reviewer-secret' };
    expect((await runCli(['keygen', '--prefix', path.join(dir, 'riley')], { env })).code).toBe(0);
    expect((await review(['--decision', 'approve', '--scope', 'src/auth/**', '--key', path.join(dir, 'riley.key'), '--quiet'], env)).code).toBe(0);
    // Signed, but this base names no review signers: still a claim to the gate (test/gate/review-evidence.test.ts has the base that trusts it).
    const signedUntrusted = await check(head);
    expect(signedUntrusted.report.decision).toBe('needs-review');
    // The signed review verifies as review/v1 from the notes.
    expect((await runCli(['verify', '--repo', repo, '--commit', head, '--from-notes', '--type', 'review', '--key', path.join(dir, 'riley.pub')])).code).toBe(0);
    expect((await review(['--decision', 'maybe'])).code).toBe(2);
  });

  it('review.require naming a team review.teams does not define is an error naming it', () => {
    expect(() => parseConfig('review:\n  require:\n    - { paths: [src/**], reviewers: [team:nobody] }\n', '.aiprov.yml')).toThrow(
      /^\.aiprov\.yml: review\.require\[0\]: no team 'nobody'/,
    );
    expect(() => parseConfig('review:\n  forge: bitbucket\n', '.aiprov.yml')).toThrow(/^\.aiprov\.yml/);
  });

  it("an in-house agent named in the base's .aiprov.yml signatures counts as an agent in the change", async () => {
    const own = await repoWithPolicy(
      'signatures:\n  - id: acme/coder-bot\n    agent: other\n    name: Acme Coder\n    identity: { email: coder-bot@acme.example, roles: [author] }\n',
      'bot',
    );
    await commit(own, AUTH_CHANGE, 'Let users log in with a password', { name: 'Acme Coder', email: 'coder-bot@acme.example' });
    const run = await runCli(['check', '--repo', own, '--base', 'main', '--head', 'bot', '--format', 'json', '--no-record']);
    const report = JSON.parse(run.stdout) as Report;
    expect([run.code, report.decision, report.hunks[0]?.agents]).toEqual([1, 'needs-review', ['other']]);
  });
});
