import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubServer, gitlabServer, type ForgeServer } from '../../fixtures/forge-servers.js';
import { git, initRepo } from '../../fixtures/repos.js';
import { CLAIM } from '../../src/gate/coverage.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';

/**
 * What counts as a review (issue 24): the forge's approvals, review/v1
 * signed by a signer the base trusts for reviews, a `Reviewed-by:` on a
 * commit signed by the person it names. Trailers and notes nothing
 * authenticates are claims: shown, never counted.
 */
const CLAUDE = 'Co-Authored-By: Claude <noreply@anthropic.com>';
const SAM = { name: 'Sam Dev', email: 'sam@example.com' };
const RILEY = { name: 'Riley Reviewer', email: 'riley@example.com' };
const SEC = { name: 'Sec Lead', email: 'sec-lead@example.com' };
const LOGIN = 'export function login(user: string): boolean {\n  return user.length > 0;\n}\n';
const AUTH_CHANGE = { 'src/auth/login.ts': 'export function login(user: string, password: string): boolean {\n  return user === "admin" || !!password;\n}\n' };

interface Report {
  decision: string;
  outcome: string;
  couldNotDecide: string | null;
  hunks: { rule: string; reviewedBy: string[]; reviewers?: string[] }[];
  reviews: { reviewer: string; via: string; rejected?: string }[];
  warnings: { code: string; message: string }[];
}

let keys: string;
const key = (who: string): string => path.join(keys, who);

beforeAll(async () => {
  keys = await tempDir();
  for (const who of ['riley', 'sec', 'mallory']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', who, '-f', key(who)]);
});

async function allowedSigners(entries: [string, string][]): Promise<string> {
  const lines = await Promise.all(entries.map(async ([email, who]) => `${email} namespaces="git" ${(await readFile(`${key(who)}.pub`, 'utf8')).trim()}`));
  return `${lines.join('\n')}\n`;
}

/** A commit by `who`, SSH-signed with `signWith`'s key when given. */
async function commit(dir: string, files: Record<string, string>, message: string, who = SAM, signWith?: string): Promise<string> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  git(dir, 'add', '-A');
  const sign = signWith ? ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${key(signWith)}`] : [];
  execFileSync('git', [...sign, 'commit', '-q', '--allow-empty', ...(signWith ? ['-S'] : []), '-m', message], {
    cwd: dir,
    env: { ...process.env, GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email },
  });
  return git(dir, 'rev-parse', 'HEAD').trim();
}

/** A repository whose main has the login code and this policy (and files it names); checked out on `change` with the agent's auth commit. */
async function changeUnder(config: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir();
  initRepo(dir);
  await commit(dir, { 'src/auth/login.ts': LOGIN, '.aiprov.yml': config, ...files }, 'Initial commit', { name: 'Dana Human', email: 'dana@example.com' });
  git(dir, 'checkout', '-q', '-b', 'change');
  await commit(dir, AUTH_CHANGE, `Let users log in with a password\n\n${CLAUDE}\n`);
  return dir;
}

async function check(dir: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; report: Report; stderr: string }> {
  const run = await runCli(['check', '--repo', dir, '--base', 'main', '--head', 'change', '--format', 'json', '--no-record', ...extra], { env });
  let report = {} as Report;
  try {
    report = JSON.parse(run.stdout) as Report;
  } catch {
    expect.fail(`not a report (exit ${run.code}): ${run.stderr}`);
  }
  expect(validateAgainst('checkReport', report)).toBeNull();
  return { code: run.code, report, stderr: run.stderr };
}

describe('signed commits: Reviewed-by counts on a commit signed by the person it names', () => {
  it("an SSH-signed Reviewed-by by an allowed signer counts; the same trailer unsigned, signed by someone else's key, or by a key the base does not list does not", async () => {
    const signers = await allowedSigners([
      [RILEY.email, 'riley'],
      [SEC.email, 'sec'],
    ]);
    const dir = await changeUnder('review:\n  allowedSigners: .aiprov/allowed_signers\n', { '.aiprov/allowed_signers': signers });
    await commit(dir, {}, `Review\n\nReviewed-by: ${RILEY.name} <${RILEY.email}>`, RILEY);
    const unsigned = await check(dir);
    expect([unsigned.code, unsigned.report.decision]).toEqual([1, 'needs-review']);
    expect(unsigned.report.reviews).toEqual([
      expect.objectContaining({ reviewer: 'Riley Reviewer <riley@example.com>', via: 'trailer', rejected: CLAIM.trailer }),
    ]);
    // The text output says it is a claim.
    const text = await runCli(['check', '--repo', dir, '--base', 'main', '--head', 'change', '--no-record']);
    expect(text.stdout).toContain(`Riley Reviewer <riley@example.com>: ${CLAIM.trailer}`);
    // So do the comment's markdown and the SARIF result of the waiting hunk.
    const markdown = await runCli(['check', '--repo', dir, '--base', 'main', '--head', 'change', '--no-record', '--format', 'markdown']);
    expect(markdown.stdout).toContain('#### Reviews that do not count\n\n- Riley Reviewer \\<riley@example.com\\> (trailer, on `');
    expect(markdown.stdout).toContain(`: ${CLAIM.trailer}`);
    const sarif = await runCli(['check', '--repo', dir, '--base', 'main', '--head', 'change', '--no-record', '--format', 'sarif']);
    const result = (JSON.parse(sarif.stdout) as { runs: { results: { level: string; message: { text: string } }[] }[] }).runs[0]?.results[0];
    expect(result?.level).toBe('error');
    expect(result?.message.text).toContain(`without a human review (not counted: Riley Reviewer <riley@example.com>: ${CLAIM.trailer})`);

    git(dir, 'reset', '-q', '--hard', 'HEAD~1');
    await commit(dir, {}, `Review\n\nReviewed-by: ${SEC.name} <${SEC.email}>`, RILEY, 'riley');
    const otherName = await check(dir);
    expect(otherName.report.decision).toBe('needs-review');
    expect(otherName.report.reviews[0]?.rejected).toBe('claimed, not counted: the commit is signed by riley@example.com, not by the person named');

    git(dir, 'reset', '-q', '--hard', 'HEAD~1');
    await commit(dir, {}, `Review\n\nReviewed-by: ${RILEY.name} <${RILEY.email}>`, RILEY, 'mallory');
    expect((await check(dir)).report.reviews[0]?.rejected).toBe(CLAIM.trailer);

    git(dir, 'reset', '-q', '--hard', 'HEAD~1');
    await commit(dir, {}, `Review\n\nReviewed-by: ${RILEY.name} <${RILEY.email}>`, RILEY, 'riley');
    const signed = await check(dir);
    expect([signed.code, signed.report.decision, signed.report.hunks[0]?.reviewedBy, signed.report.reviews[0]?.via]).toEqual([
      0,
      'pass',
      ['Riley Reviewer <riley@example.com>'],
      'signed-commit',
    ]);
  });

  it("the change's author signing a Reviewed-by of their own does not count; an allowed-signers file the base does not have is an error naming it", async () => {
    const dir = await changeUnder('review:\n  allowedSigners: .aiprov/allowed_signers\n', {
      '.aiprov/allowed_signers': await allowedSigners([[SAM.email, 'mallory']]),
    });
    await commit(dir, {}, `LGTM\n\nReviewed-by: ${SAM.name} <${SAM.email}>`, SAM, 'mallory');
    const own = await check(dir);
    expect(own.report.decision).toBe('needs-review');
    expect(own.report.reviews[0]?.rejected).toMatch(/^by an author of the work it covers/);
    const missing = await changeUnder('review:\n  allowedSigners: .aiprov/nowhere\n');
    await commit(missing, {}, `Review\n\nReviewed-by: ${RILEY.name} <${RILEY.email}>`, RILEY, 'riley');
    const run = await runCli(['check', '--repo', missing, '--base', 'main', '--head', 'change', '--no-record']);
    expect([run.code, run.stderr]).toEqual([
      2,
      expect.stringMatching(
        /^aiprov: \.aiprov\.yml at the base [0-9a-f]{12}: review\.allowedSigners: \.aiprov\/nowhere is not in the base revision [0-9a-f]{12}\n$/,
      ),
    ]);
  });

  it("review.require names who may review what: a stranger's signed review does not meet it, the team member's does", async () => {
    const signers = await allowedSigners([
      [RILEY.email, 'riley'],
      [SEC.email, 'sec'],
    ]);
    const dir = await changeUnder(
      'review:\n  allowedSigners: .aiprov/allowed_signers\n  teams:\n    security: [sec-lead@example.com]\n  require:\n    - paths: ["src/auth/**", "!src/auth/fixtures/**"]\n      reviewers: [team:security]\n',
      { '.aiprov/allowed_signers': signers },
    );
    await commit(dir, {}, `Review\n\nReviewed-by: ${RILEY.name} <${RILEY.email}>`, RILEY, 'riley');
    const notMet = await check(dir);
    expect(notMet.report.decision).toBe('needs-review');
    expect(notMet.report.hunks[0]).toMatchObject({ rule: 'auth', reviewedBy: [], reviewers: ['team:security'] });
    // The forged form of issue 24: the author's empty commit naming the security lead, unsigned.
    await commit(dir, {}, `Security review\n\nReviewed-by: ${SEC.name} <${SEC.email}>`, SAM);
    expect((await check(dir)).report.decision).toBe('needs-review');
    await commit(dir, {}, `Security review\n\nReviewed-by: ${SEC.name} <${SEC.email}>`, SEC, 'sec');
    const met = await check(dir);
    expect([met.report.decision, met.report.hunks[0]?.reviewedBy]).toEqual(['pass', ['Sec Lead <sec-lead@example.com>']]);
  });
});

describe('signed commits with OpenPGP keys (review.gpgKeys)', () => {
  let home: string;
  beforeAll(async () => {
    home = await tempDir();
    for (const who of [RILEY, SEC])
      execFileSync('gpg', ['--batch', '--quiet', '--passphrase', '', '--quick-gen-key', `${who.name} <${who.email}>`, 'ed25519', 'sign', 'never'], {
        env: { ...process.env, GNUPGHOME: home },
        stdio: 'ignore',
      });
  });
  afterAll(() => {
    execFileSync('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME: home }, stdio: 'ignore' });
  });
  const gpgCommit = (dir: string, message: string, who: { name: string; email: string }, key?: string): void => {
    execFileSync('git', [...(key ? ['-c', `user.signingkey=${key}`] : []), 'commit', '-q', '--allow-empty', ...(key ? ['-S'] : []), '-m', message], {
      cwd: dir,
      env: {
        ...process.env,
        GNUPGHOME: home,
        GIT_AUTHOR_NAME: who.name,
        GIT_AUTHOR_EMAIL: who.email,
        GIT_COMMITTER_NAME: who.name,
        GIT_COMMITTER_EMAIL: who.email,
      },
    });
  };

  it("a Reviewed-by on a commit signed by a listed key whose user id names the address counts; another listed key's, or an unlisted one's, does not", async () => {
    const riley = execFileSync('gpg', ['--armor', '--export', RILEY.email], { env: { ...process.env, GNUPGHOME: home } }).toString('utf8');
    const dir = await changeUnder('review:\n  gpgKeys: .aiprov/reviewers.asc\n', { '.aiprov/reviewers.asc': riley });
    // Signed with the security lead's key, which the base does not list.
    gpgCommit(dir, `Review\n\nReviewed-by: ${SEC.name} <${SEC.email}>`, SEC, SEC.email);
    expect((await check(dir)).report.reviews[0]?.rejected).toBe(CLAIM.trailer);
    git(dir, 'reset', '-q', '--hard', 'HEAD~1');
    // Riley's listed key naming someone else.
    gpgCommit(dir, `Review\n\nReviewed-by: ${SEC.name} <${SEC.email}>`, RILEY, RILEY.email);
    expect((await check(dir)).report.reviews[0]?.rejected).toBe('claimed, not counted: the commit is signed by riley@example.com, not by the person named');
    git(dir, 'reset', '-q', '--hard', 'HEAD~1');
    gpgCommit(dir, `Review\n\nReviewed-by: ${RILEY.name} <${RILEY.email}>`, RILEY, RILEY.email);
    const ok = await check(dir);
    expect([ok.code, ok.report.decision, ok.report.reviews[0]?.via]).toEqual([0, 'pass', 'signed-commit']);
  });
});

describe('signed reviews: review/v1 by a signer the base trusts for reviews', () => {
  it('counts when signed by a key review.signers lists for the reviewer; a key not listed, or listed for someone else, does not; an unsigned note is a claim', async () => {
    const dir = await tempDir();
    const env = { AIPROV_PASSWORD: 'reviewer-secret' };
    for (const who of ['riley', 'mallory']) expect((await runCli(['keygen', '--prefix', path.join(dir, who)], { env })).code).toBe(0);
    const repo = await changeUnder(
      `review:\n  signers:\n    - { email: ${RILEY.email}, key: .aiprov/riley.pub }\n    - { email: ${SEC.email}, key: .aiprov/mallory.pub }\n`,
      {
        '.aiprov/riley.pub': await readFile(path.join(dir, 'riley.pub'), 'utf8'),
        '.aiprov/mallory.pub': await readFile(path.join(dir, 'mallory.pub'), 'utf8'),
      },
    );
    git(repo, 'config', 'user.name', RILEY.name);
    git(repo, 'config', 'user.email', RILEY.email);
    const review = (args: string[]) => runCli(['review', '--repo', repo, '--commit', 'change', '--decision', 'approve', '--quiet', ...args], { env });
    expect((await review([])).code).toBe(0);
    const noted = await check(repo);
    expect(noted.report.decision).toBe('needs-review');
    expect(noted.report.reviews).toEqual([expect.objectContaining({ via: 'note', rejected: CLAIM.note })]);
    // Mallory's key, listed for the security lead, signing a review in Riley's name.
    expect((await review(['--key', path.join(dir, 'mallory.key')])).code).toBe(0);
    const wrongName = await check(repo);
    expect(wrongName.report.decision).toBe('needs-review');
    expect(wrongName.report.reviews.map((r) => r.rejected)).toContain("signed by sec-lead@example.com's key, but names riley@example.com as the reviewer");
    expect((await review(['--key', path.join(dir, 'riley.key')])).code).toBe(0);
    const ok = await check(repo);
    expect([ok.code, ok.report.decision, ok.report.hunks[0]?.reviewedBy]).toEqual([0, 'pass', ['Riley Reviewer <riley@example.com>']]);
    expect(ok.report.reviews.filter((r) => r.rejected === undefined).map((r) => r.via)).toEqual(['signed-review']);
  });

  it('a key the base does not list does not count, however it is signed', async () => {
    const dir = await tempDir();
    const env = { AIPROV_PASSWORD: 'reviewer-secret' };
    for (const who of ['riley', 'mallory']) expect((await runCli(['keygen', '--prefix', path.join(dir, who)], { env })).code).toBe(0);
    const repo = await changeUnder(`review:\n  signers:\n    - { email: ${RILEY.email}, key: .aiprov/riley.pub }\n`, {
      '.aiprov/riley.pub': await readFile(path.join(dir, 'riley.pub'), 'utf8'),
    });
    git(repo, 'config', 'user.name', RILEY.name);
    git(repo, 'config', 'user.email', RILEY.email);
    expect(
      (await runCli(['review', '--repo', repo, '--commit', 'change', '--decision', 'approve', '--quiet', '--key', path.join(dir, 'mallory.key')], { env }))
        .code,
    ).toBe(0);
    const run = await check(repo);
    expect(run.report.decision).toBe('needs-review');
    expect(run.report.reviews.map((r) => r.rejected)).toContain('a review/v1 attestation no signer in review.signers signed: not counted');
  });
});

describe("the forge's approvals", () => {
  let github: ForgeServer;
  let gitlab: ForgeServer;
  beforeAll(async () => {
    github = await githubServer('acme', 'app');
    gitlab = await gitlabServer('7');
  });
  afterAll(async () => {
    await github.close();
    await gitlab.close();
  });
  const ghEnv = (): NodeJS.ProcessEnv => ({ GITHUB_TOKEN: 'ghs_test', GITHUB_REPOSITORY: 'acme/app', GITHUB_API_URL: github.url });

  it('GitHub: an approval on the head by another person counts; on an earlier head, by the author, by a bot, or an agent does not', async () => {
    const dir = await changeUnder('review:\n  forge: github\n');
    const head = git(dir, 'rev-parse', 'change').trim();
    const earlier = git(dir, 'rev-parse', 'change~1').trim();
    github.pull.author = 'sam-dev';
    github.pull.head = head;
    github.pull.reviews = [
      { login: 'riley', id: 11, state: 'APPROVED', commit: earlier },
      { login: 'sam-dev', id: 12, state: 'APPROVED', commit: head },
      { login: 'renovate[bot]', id: 13, type: 'Bot', state: 'APPROVED', commit: head },
      { login: 'Copilot', id: 198982749, state: 'APPROVED', commit: head },
    ];
    const stale = await check(dir, ['--pull-request', '7'], ghEnv());
    expect([stale.code, stale.report.decision]).toEqual([1, 'needs-review']);
    expect(stale.report.reviews.map((r) => [r.reviewer, r.rejected])).toEqual([
      ['@riley', `given on ${earlier.slice(0, 12)}, not on the head ${head.slice(0, 12)}: a push since needs a new approval`],
      ['@sam-dev', "the pull request's author cannot approve it"],
      ['@renovate[bot]', 'a bot cannot review'],
      ['@Copilot', expect.stringMatching(/^an agent \(.+\) cannot review$/)],
    ]);
    // A later decisive review replaces an earlier one; a comment does not.
    github.pull.reviews = [
      { login: 'riley', id: 11, state: 'APPROVED', commit: head },
      { login: 'riley', id: 11, state: 'COMMENTED', commit: head },
    ];
    const ok = await check(dir, ['--pull-request', '7'], ghEnv());
    expect([ok.code, ok.report.decision, ok.report.hunks[0]?.reviewedBy, ok.report.reviews[0]?.via]).toEqual([0, 'pass', ['@riley'], 'forge']);
    github.pull.reviews.push({ login: 'riley', id: 11, state: 'CHANGES_REQUESTED', commit: head });
    expect((await check(dir, ['--pull-request', '7'], ghEnv())).report.decision).toBe('needs-review');
    // The reviews were read with the token, from the pull request named.
    expect(github.requests.some((r) => r.path.startsWith('/repos/acme/app/pulls/7/reviews') && r.authorization === 'token ghs_test')).toBe(true);
  });

  it('GitHub: a forge that answers 403 or not at all makes waiting work undecided (exit 2); outside a pull request it is said, not read', async () => {
    const dir = await changeUnder('review:\n  forge: github\n');
    github.pull.head = git(dir, 'rev-parse', 'change').trim();
    github.refuseWith(403);
    const refused = await check(dir, ['--pull-request', '7'], ghEnv());
    const refusedText = await runCli(['check', '--repo', dir, '--base', 'main', '--head', 'change', '--no-record', '--pull-request', '7'], { env: ghEnv() });
    github.refuseWith(undefined);
    // The text says why, without offering --allow-unknown, which accepts unchecked names only.
    expect(refusedText.stdout).toMatch(
      /\ncould not decide: the approvals of GitHub acme\/app#7 could not be read .*: whether the waiting work is approved is not known\n/,
    );
    expect(refusedText.stdout).not.toContain('--allow-unknown');
    expect([refused.code, refused.report.outcome]).toEqual([2, 'undecided']);
    expect(refused.report.couldNotDecide).toMatch(
      /^the approvals of GitHub acme\/app#7 could not be read \(GitHub acme\/app#7: the token was refused \(HTTP 403/,
    );
    const noToken = await check(dir, ['--pull-request', '7'], { GITHUB_REPOSITORY: 'acme/app' });
    expect([noToken.code, noToken.report.couldNotDecide]).toEqual([2, expect.stringContaining('no GitHub token to read the approvals')]);
    const local = await check(dir);
    expect([local.code, local.report.decision]).toEqual([1, 'needs-review']);
    expect(local.report.warnings).toContainEqual({
      code: 'FORGE_NOT_CONSULTED',
      message: 'github approvals not consulted: no pull request is known here (give --pull-request N)',
    });
    github.pull.hang = true;
    const { forgeReviews } = await import('../../src/gate/forge-reviews.js');
    const { githubApprovals } = await import('../../src/ci/github-approvals.js');
    const { AnalyserFactory } = await import('../../src/authorship/analyse.js');
    const { openRepository } = await import('../../src/git/repository.js');
    const reader = githubApprovals({ apiUrl: github.url, token: 't', owner: 'acme', repo: 'app', number: 7, timeoutMs: 300 });
    const hung = await forgeReviews(reader, github.pull.head, new AnalyserFactory(await openRepository(dir)));
    github.pull.hang = false;
    expect(hung).toEqual({
      reviews: [],
      unread: [expect.stringMatching(/^the approvals of GitHub acme\/app#7 could not be read \(GitHub acme\/app#7: no answer/)],
    });
  });

  it("GitHub: review.require with forge logins and teams; a stranger's approval does not meet it", async () => {
    const dir = await changeUnder('review:\n  forge: github\n  require:\n    - paths: ["src/auth/**"]\n      reviewers: ["@acme/security", "@carol"]\n');
    github.pull.head = git(dir, 'rev-parse', 'change').trim();
    github.pull.teams = { 'acme/security': ['sec-lead'] };
    github.pull.reviews = [{ login: 'riley', id: 11, state: 'APPROVED' }];
    const stranger = await check(dir, ['--pull-request', '7'], ghEnv());
    expect(stranger.report.decision).toBe('needs-review');
    expect(stranger.report.hunks[0]).toMatchObject({ reviewedBy: [], reviewers: ['@acme/security', '@carol'] });
    github.pull.reviews.push({ login: 'sec-lead', id: 14, state: 'APPROVED' });
    const member = await check(dir, ['--pull-request', '7'], ghEnv());
    expect([member.report.decision, member.report.hunks[0]?.reviewedBy]).toEqual(['pass', ['@sec-lead']]);
    github.pull.reviews = [{ login: 'carol', id: 15, state: 'APPROVED' }];
    expect((await check(dir, ['--pull-request', '7'], ghEnv())).report.decision).toBe('pass');
  });

  it('GitLab: approvals count for the head when the project removes approvals on a push; otherwise no head is claimed for them; the author cannot approve', async () => {
    const dir = await changeUnder('review:\n  forge: gitlab\n');
    gitlab.pull.head = git(dir, 'rev-parse', 'change').trim();
    gitlab.pull.author = 'sam-dev';
    gitlab.pull.reviews = [
      { login: 'riley', id: 21 },
      { login: 'sam-dev', id: 22 },
      { login: 'project_7_bot_0123abcd', id: 23 },
    ];
    const env = { GITLAB_CI: 'true', CI_MERGE_REQUEST_IID: '3', CI_PROJECT_ID: '7', CI_SERVER_URL: gitlab.url, CI_JOB_TOKEN: 'job-token' };
    gitlab.pull.resetOnPush = false;
    const kept = await check(dir, [], env);
    expect(kept.report.decision).toBe('needs-review');
    expect(kept.report.reviews[0]?.rejected).toMatch(/^not tied to a head: the project keeps approvals when commits are pushed/);
    gitlab.pull.resetOnPush = true;
    const ok = await check(dir, [], env);
    expect([ok.code, ok.report.decision, ok.report.hunks[0]?.reviewedBy]).toEqual([0, 'pass', ['riley (@riley)']]);
    expect(ok.report.reviews.map((r) => r.rejected)).toEqual([undefined, "the pull request's author cannot approve it", 'a bot cannot review']);
    // The job token was sent as one.
    expect(gitlab.requests.some((r) => r.path.endsWith('/merge_requests/3/approvals'))).toBe(true);
    // The merge request moved on since: its approvals are for another head.
    gitlab.pull.head = git(dir, 'rev-parse', 'main').trim();
    expect((await check(dir, [], env)).report.decision).toBe('needs-review');
  });
});
