import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AGENT_CASES, buildAgentsRepo } from '../../fixtures/agent-cases.js';
import { git, initRepo, linearRepo } from '../../fixtures/repos.js';
import { scanHistory } from '../../src/authorship/scan.js';
import { generateBom } from '../../src/bom/bom.js';
import { bomProblems } from '../../src/bom/validate.js';
import { buildSampleRepository } from '../../src/demo/sample-repository.js';
import type { DemoReport } from '../../src/demo/demo.js';
import { rendererFor } from '../../src/render/renderers.js';
import { makeStyle } from '../../src/render/style.js';
import type { DepsReport } from '../../src/deps/audit.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { VERSION } from '../../src/kernel/version.js';
import { ctx, tempDir } from '../helpers.js';
import { runCli, spawnCli, type CliResult } from './run-cli.js';

let repo: string;

beforeAll(async () => {
  repo = await tempDir();
  await buildAgentsRepo(repo);
});

describe('aiprov scan (built bin)', () => {
  it('--format json prints exactly the library report, valid against its schema', async () => {
    const result = await runCli(['scan', '--repo', repo, '--format', 'json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const printed = JSON.parse(result.stdout) as unknown;
    expect(validateAgainst('scanReport', printed)).toBeNull();
    expect(printed).toEqual(JSON.parse(JSON.stringify(await scanHistory({ context: await ctx(repo) }))));
    // Byte-for-byte the same on a second run.
    expect((await runCli(['scan', '--repo', repo, '--format', 'json'])).stdout).toBe(result.stdout);
  });

  // Scanned twice, not three times: through a real pipe from the bin (where a process that exits before its stdout drains
  // loses the end), and in process to --output; that the JSON is the library's report is the test above's, on a smaller history.
  it('a report of several megabytes comes out whole, through a real stdout pipe and through --output', async () => {
    const big = await tempDir();
    await linearRepo(big, 4000);
    const printed = await spawnCli(['scan', '--repo', big, '--format', 'json']);
    expect(printed.stdout.length).toBeGreaterThan(1_000_000);
    const report = JSON.parse(printed.stdout) as { commits: unknown[]; summary: { commits: number } };
    expect([report.commits.length, report.summary.commits]).toEqual([4000, 4000]);
    const file = path.join(await tempDir(), 'big.json');
    expect((await runCli(['scan', '--repo', big, '--format', 'json', '--output', file])).code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(printed.stdout);
  });

  it('the default table summarises by agent and lists AI commits, without colour when not a terminal', async () => {
    const result = await runCli(['scan'], { cwd: repo });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('\x1b[');
    expect(result.stdout).toContain(`${AGENT_CASES.length} commits: ${AGENT_CASES.filter((c) => c.ai).length} with AI signatures, 3 automation`);
    expect(result.stdout).toMatch(/^claude-code +10 +8 +2 +claude-3-opus \(1\), claude-fable-5 \(1\), claude-opus-4\.6 \(1\)$/m);
    expect(result.stdout).toContain('Automation (not AI): dependabot 1, github-actions 1, renovate 1');
    expect(result.stdout).toContain('aider: Add retry to fetch');
    expect(result.stdout).not.toContain('Write the changelog');
  });

  it('--format markdown renders tables', async () => {
    const result = await runCli(['scan', '--repo', repo, '--format', 'markdown']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('| claude-code | 10 | 8 | 2 | claude-3-opus (1), claude-fable-5 (1), claude-opus-4.6 (1) |');
    expect(result.stdout).toContain('| Commit | Date | Agents | Confidence | Subject |');
  });

  it('--output writes the file atomically and leaves no temporary file', async () => {
    const out = await tempDir();
    const file = path.join(out, 'scan.json');
    await writeFile(file, 'previous content');
    const result = await runCli(['scan', '--repo', repo, '--format', 'json', '--output', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(validateAgainst('scanReport', JSON.parse(await readFile(file, 'utf8')))).toBeNull();
    expect(await readdir(out)).toEqual(['scan.json']);
  });

  it('a failing scan leaves an existing output file untouched and no partial file', async () => {
    const out = await tempDir();
    const file = path.join(out, 'scan.json');
    await writeFile(file, 'previous content');
    const result = await runCli(['scan', 'nope', '--repo', repo, '--format', 'json', '--output', file]);
    expect(result.code).toBe(2);
    expect(await readFile(file, 'utf8')).toBe('previous content');
    expect(await readdir(out)).toEqual(['scan.json']);
  });

  it('an output directory that does not exist is one line and exit 2', async () => {
    const out = await tempDir();
    const result = await runCli(['scan', '--repo', repo, '--format', 'json', '--output', path.join(out, 'missing', 'scan.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`aiprov: cannot write ${path.join(out, 'missing', 'scan.json')}: ENOENT\n`);
  });

  it('an empty repository scans clean with a warning on stderr', async () => {
    const dir = await tempDir();
    initRepo(dir);
    const result = await runCli(['scan', '--repo', dir, '--format', 'json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('aiprov: warning: HEAD (refs/heads/main) has no commits yet: nothing to scan\n');
    expect((JSON.parse(result.stdout) as { summary: { commits: number } }).summary.commits).toBe(0);
    const quiet = await runCli(['scan', '--repo', dir, '--quiet']);
    expect(quiet.stderr).toBe('');
  });

  it('a shallow clone says on stderr how much history is missing', async () => {
    const origin = await tempDir();
    await linearRepo(origin, 5);
    const clone = path.join(await tempDir(), 'c');
    git(origin, 'clone', '--quiet', '--depth', '2', `file://${origin}`, clone);
    const result = await runCli(['scan', '--repo', clone]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^aiprov: warning: shallow clone: history stops at 1 commit \([0-9a-f]{12}\); 2 commits in range were read and everything older is missing; run `git fetch --unshallow` to scan it\n$/,
    );
    expect(result.stdout).toContain(', shallow)');
  });
});

describe('bad input: one line on stderr, exit 2, no stack', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['not a repository', () => ['scan', '--repo', '/'], /^aiprov: \/ is not a git repository\n$/],
    ['no such directory', () => ['scan', '--repo', '/nonexistent/x'], /^aiprov: \/nonexistent\/x: no such directory\n$/],
    [
      'range that begins with a dash',
      () => ['scan', '--repo', repo, '--', '--output=/tmp/x'],
      /^aiprov: range '--output=\/tmp\/x' begins with '-': refused, it would be read as an option\n$/,
    ],
    ['unknown revision', () => ['scan', 'v9.9..HEAD', '--repo', repo], /^aiprov: unknown revision or range 'v9\.9\.\.HEAD'\n$/],
    [
      'unsupported format',
      () => ['scan', '--repo', repo, '--format', 'sarif'],
      /^aiprov: scan does not support --format sarif \(it supports table, json, markdown\)\n$/,
    ],
    ['unknown format', () => ['scan', '--repo', repo, '--format', 'xml'], /^aiprov: --format xml: expected one of table, json, sarif, markdown, html\n$/],
    ['unknown option', () => ['scan', '--frobnicate'], /^aiprov: unknown option '--frobnicate'\n$/],
    ['unknown command', () => ['frobnicate'], /^aiprov: unknown command 'frobnicate'\n$/],
    ['missing config file', () => ['scan', '--repo', repo, '--config', '/nonexistent.yml'], /^aiprov: \/nonexistent\.yml: no such file\n$/],
  ];
  it.each(cases)('%s', async (_name, args, stderr) => {
    const result = await runCli(args());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(stderr);
    expect(result.stdout).toBe('');
  });

  it('--debug adds the stack', async () => {
    const result = await runCli(['scan', '--repo', '/', '--debug']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('aiprov: / is not a git repository');
    expect(result.stderr).toMatch(/\n {4}at /);
  });

  it('a broken config names the file and line', async () => {
    const dir = await tempDir();
    await linearRepo(dir, 1);
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, '.aiprov.yml'), 'signatures:\n  - id: x\n    agent: [\n');
    const result = await runCli(['scan'], { cwd: path.join(dir, 'sub') });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^aiprov: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.aiprov\\.yml:\\d+: .+\\n$`));
  });
});

// Each demo test runs the whole pipeline (scan, blame, audit, BOM, attestations, the gate, the dashboard, the image) once, in process;
// the determinism of the sample and of its BOM is checked through the builder and the BOM generator, not by running the demo again.
/**
 * The demo, run once for the tests below (the whole pipeline: scan, blame, audit, BOM, attestations, the gate, the dashboard,
 * the image): from a directory holding a previous demo's sample, with a file left inside it, to ./aiprov-demo by default,
 * its JSON through --output.
 */
async function runDemoOnce(): Promise<{ cwd: string; dir: string; result: CliResult; json: string }> {
  const cwd = await tempDir();
  const dir = path.join(cwd, 'aiprov-demo');
  await buildSampleRepository(dir);
  await writeFile(path.join(dir, 'left-over.txt'), 'from the previous demo\n');
  const result = await runCli(['demo', '--format', 'json', '--output', path.join(cwd, 'demo.json')], { cwd });
  return { cwd, dir, result, json: await readFile(path.join(cwd, 'demo.json'), 'utf8').catch(() => '') };
}

describe('aiprov --version and demo', () => {
  let demoRun: ReturnType<typeof runDemoOnce>;
  beforeAll(async () => {
    demoRun = runDemoOnce();
    await demoRun;
  });

  it('prints the version', async () => {
    const result = await runCli(['--version']);
    expect(result).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('demo builds the sample repository and scans it', async () => {
    const { dir, result } = await demoRun;
    expect(result).toMatchObject({ code: 0, stdout: '' });
    const page = path.join(dir, 'aiprov-dashboard.html');
    expect(result.stderr).toMatch(
      new RegExp(
        `^aiprov: sample repository built in ${dir}\naiprov: dashboard written to ${page}: open it in a browser \\(aiprov report --html makes it for any repository\\)\n`,
      ),
    );
    // With Debian's docker-registry (CI installs it), the image part: pushed, attested, read back and verified.
    expect(result.stderr).toMatch(
      /\naiprov: image 127\.0\.0\.1:\d+\/aiprov-demo\/app@sha256:[0-9a-f]{64}: authorship attested, attached \(referrers tag sha256-[0-9a-f]{64}\) and read back from the registry: verified, 10 checks passed\n$/,
    );
    // The dashboard holds its data: valid, the same lines as the demo's blame, and the gate's two checks of the pull request.
    const embedded = /<script type="application\/json" id="aiprov-data">(.*?)<\/script>/s.exec(await readFile(page, 'utf8'))?.[1] ?? '';
    const dashboard = JSON.parse(embedded) as {
      totals: { lines: number; aiLines: number };
      gate: { runs: number; changes: number; failed: number };
      dependencies: { total: number };
    };
    expect(validateAgainst('dashboard', dashboard)).toBeNull();
    const demo = JSON.parse((await demoRun).json) as {
      repository: string;
      scan: { summary: Record<string, unknown>; repository: { head: string } };
      blame: { totals: { lines: number; aiLines: number } };
    };
    expect(validateAgainst('demoReport', demo)).toBeNull();
    expect(demo.repository).toBe(dir);
    expect(dashboard.totals).toMatchObject({ lines: demo.blame.totals.lines, aiLines: demo.blame.totals.aiLines });
    expect(dashboard.gate).toMatchObject({ runs: 2, changes: 1, failed: 1 });
    expect(dashboard.dependencies.total).toBe(1);
    const deps = (
      demo as unknown as {
        deps: { summary: { byVerdict: Record<string, number> }; dependencies: { name: string; verdict: string; introducedBy?: { agents: string[] } }[] };
      }
    ).deps;
    expect(deps.summary.byVerdict).toMatchObject({ ok: 1, hallucinated: 1, unknown: 0 });
    expect(deps.dependencies.find((d) => d.name === 'express-search-helpers-pro')).toMatchObject({
      verdict: 'hallucinated',
      introducedBy: { agents: ['cursor'] },
    });
    const report = demo.scan;
    expect(report.summary).toEqual({
      commits: 12,
      aiCommits: 6,
      automationCommits: 2,
      reviewSuggestionCommits: 1,
      noSignatureCommits: 3,
      unattestedCommits: 0,
      byAgent: {
        'aider': { commits: 1, declared: 1, inferred: 0, models: { 'anthropic/claude-sonnet-4.5': 1 } },
        'claude-code': { commits: 1, declared: 1, inferred: 0, models: { 'claude-opus-4.6': 1 } },
        'codex': { commits: 1, declared: 1, inferred: 0, models: { 'gpt-5-codex': 1 } },
        'copilot': { commits: 1, declared: 1, inferred: 0, models: {} },
        'cursor': { commits: 1, declared: 1, inferred: 0, models: { 'gpt-5': 1 } },
        'gemini-cli': { commits: 1, declared: 1, inferred: 0, models: { 'gemini-2.5-pro': 1 } },
      },
      byAutomation: { 'dependabot': 1, 'github-actions': 1 },
    });
    // Deterministic: the same sample has the same commit ids everywhere (a second one, from the builder alone).
    const again = await buildSampleRepository(path.join(await tempDir(), 'aiprov-demo'));
    const againContext = await ctx(again);
    expect(await againContext.git.resolveCommit('HEAD')).toBe(report.repository.head);
    expect(demo.blame.totals.aiLines).toBeGreaterThan(0);
    // A work tree is checked out for the user to explore.
    expect((await readdir(dir)).sort()).toEqual([
      '.git',
      'CHANGELOG.md',
      'DEPLOY.md',
      'README.md',
      'aiprov-attestations',
      'aiprov-bom.cdx.json',
      'aiprov-dashboard.html',
      'package-lock.json',
      'package.json',
      'src',
    ]);
    // The AI-BOM: valid CycloneDX, the same bytes for the same sample, and not an untracked file in git status.
    const bom = (demo as unknown as { bom: { file: string; models: number; agents: number; libraries: number; summary: string } }).bom;
    expect(bom).toMatchObject({ file: path.join(dir, 'aiprov-bom.cdx.json'), models: 6, agents: 6, libraries: 2 });
    expect(bom.summary).toMatch(
      / were written by AI agents \(\d+ lines of \d+; 6 models, 6 agents; 6 AI commits of 12\); 1 hallucinated package among 2 dependencies$/,
    );
    const text = await readFile(bom.file, 'utf8');
    expect(await bomProblems(text, '1.6')).toEqual([]);
    // The same BOM, byte for byte, from the second sample with the same audit (said of that sample).
    const audit = (demo as unknown as { deps: DepsReport }).deps;
    const moved = { ...audit, repository: audit.repository ? { ...audit.repository, root: again } : null };
    expect((await generateBom({ context: againContext, deps: moved, reproducible: true })).text).toBe(text);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })).toBe('');
    // The demo attests HEAD with an ephemeral key and verifies it; a tampered copy is refused by its signature.
    const attestations = (
      demo as unknown as {
        attestations: {
          publicKey: string;
          bundles: { predicate: string; verified: boolean; checks: number; file: string }[];
          tampered: { verified: boolean; failedCheck: string };
        };
      }
    ).attestations;
    expect(attestations.bundles.map((b) => [b.predicate, b.verified, b.checks])).toEqual([
      ['authorship', true, 10],
      ['deps', true, 10],
      ['bom', true, 10],
    ]);
    expect(attestations.tampered).toMatchObject({ verified: false, failedCheck: 'signature' });
    // The pull request through the gate: refused (a typosquat, an unreviewed AI change to login), a signed review, still refused for the typosquat; verify accepts the review and refuses main's hallucinated package.
    const gate = (
      demo as unknown as {
        gate: {
          before: { decision: string; escalations: string[] };
          after: { decision: string; escalations: string[]; reasons: string[] };
          verify: { review: { verified: boolean }; deps: { verified: boolean; detail: string } };
        };
      }
    ).gate;
    expect(gate.before).toMatchObject({ decision: 'fail', escalations: ['dependency-manifests package.json:1', 'auth src/auth/login.ts:2'] });
    expect(gate.after).toMatchObject({
      decision: 'fail',
      escalations: ['dependency-manifests package.json:1'],
      reasons: [
        '1 introduced dependency flagged at high or above: npm:expres (suspicious)',
        '1 AI-written hunk under dependency-manifests without a human review',
      ],
    });
    expect(gate.verify.review.verified).toBe(true);
    expect(gate.verify.deps).toEqual({ verified: false, detail: 'policy: the built-in policy: 1 dependency is hallucinated: npm:express-search-helpers-pro' });
    // What the demo prints to try next works: the bundles are in the notes, verified with the demo's public key.
    const fromNotes = await runCli(['verify', '--repo', dir, '--from-notes', '--type', 'bom', '--key', attestations.publicKey]);
    expect(fromNotes.code).toBe(0);
  });

  it('demo writes under ./aiprov-demo by default, replaces a previous demo there, and leaves anything else alone; its table says how each commit was detected, what it left alone on purpose, and what to try next (issue 8, item 25)', async () => {
    const { dir, json } = await demoRun;
    expect((await readdir(dir)).includes('left-over.txt')).toBe(false);
    expect((await readdir(dir)).includes('aiprov-dashboard.html')).toBe(true);
    // The table of the same run, by the renderer the CLI prints it with.
    let text = '';
    const render = rendererFor('demoReport', 'table');
    await render?.(
      JSON.parse(json) as DemoReport,
      {
        write: (t) => {
          text += t.toString();
          return undefined;
        },
        commit: () => Promise.resolve(),
        abort: () => Promise.resolve(),
      },
      makeStyle(false, {}),
    );
    expect(text).toMatch(/\nWritten\n {2}.*aiprov-demo {3}the sample repository/);
    expect(text).toMatch(/^aiprov scan {2}/);
    // Every file written is listed, the dashboard too; the heading of the commits table counts its rows (6 AI commits and one applied suggestion).
    expect(text).toContain(`\n  ${path.join(dir, 'aiprov-dashboard.html')}   the dashboard of it all (open it in a browser)\n`);
    const listed = /\nCommits with AI signatures or applied AI review suggestions \((\d+)\)\n((?:[0-9a-f]{12} [^\n]*\n)+)/.exec(text);
    expect(listed?.[1]).toBe('7');
    expect(listed?.[2]?.trimEnd().split('\n')).toHaveLength(7);
    expect(text).toMatch(/\naiprov blame /);
    expect(text).toMatch(/ claude-code \(claude-opus-4\.6\) +trailer\+marker +declared +Add login endpoint\n/);
    expect(text).toMatch(/ codex \(gpt-5-codex\) +note +declared /);
    expect(text).toMatch(/ copilot +identity +declared /);
    expect(text).toMatch(/\nNot flagged, on purpose\n[0-9a-f]{12} {2}Claude Dubois: a person named Claude/);
    expect(text).toMatch(/\nhallucinated +npm:express-search-helpers-pro +critical not-found +package-lock\.json:\d+ +added by cursor in [0-9a-f]{10}\n/);
    expect(text).toMatch(
      /\nAttestations\n.*\n {2}verified {2}authorship 10 checks passed .*\n {2}verified {2}deps .*\n {2}verified {2}bom .*\n {2}refused {3}a copy claiming 0 AI lines: signature check failed/,
    );
    expect(text).toMatch(/\nThe gate on pull request pr\/checkout\naiprov check main\.\.pr\/checkout: FAIL\n/);
    expect(text).toContain(`\nNext\n  npx aiprov scan --repo ${dir} --format markdown\n`);
    expect(text).toMatch(/\n {2}npx --no aiprov scan --repo PATH\/TO\/YOUR\/REPOSITORY +# your own repository/);
    const other = await tempDir();
    await mkdir(path.join(other, 'aiprov-demo'));
    await writeFile(path.join(other, 'aiprov-demo', 'mine.txt'), 'keep me\n');
    const refused = await runCli(['demo'], { cwd: other });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/aiprov-demo is not empty and not a previous demo/);
    expect(await readFile(path.join(other, 'aiprov-demo', 'mine.txt'), 'utf8')).toBe('keep me\n');
  });

  it('demo refuses a directory that is not empty', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'keep.txt'), 'mine');
    const result = await runCli(['demo', '--dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`aiprov: ${dir} is not empty: the demo builds its sample repository only in an empty or new directory\n`);
    expect(await readdir(dir)).toEqual(['keep.txt']);
  });
});
