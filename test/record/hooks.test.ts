import { execFileSync } from 'node:child_process';
import { chmod, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_IDS } from '../../src/authorship/agents.js';
import { scanHistory } from '../../src/authorship/scan.js';
import { agentFromEnv, DEFAULT_AGENT_ENV, trailerFor, unknownAgentWarning } from '../../src/record/agent-env.js';
import { runHook } from '../../src/record/hook-run.js';
import { parseMessage } from '../../src/authorship/trailers.js';
import { SignatureEngine } from '../../src/authorship/engine.js';
import { BUILTIN_SIGNATURES } from '../../src/authorship/signatures.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { VERSION } from '../../src/kernel/version.js';
import { ctx, tempDir } from '../helpers.js';
import { runCli } from '../cli/run-cli.js';
import { HUMAN_ENV, IDENTITY, sh } from './git-shell.js';

async function newRepo(): Promise<string> {
  const dir = await tempDir();
  sh(dir, ['init', '--quiet', '--initial-branch=main', '.']);
  await writeFile(path.join(dir, 'README.md'), 'start\n');
  sh(dir, ['add', '.']);
  sh(dir, ['commit', '--quiet', '-m', 'Start']);
  return dir;
}

describe('aiprov hooks install / uninstall', () => {
  it('chains an existing hook (which runs first and keeps its verdict) and uninstall restores it byte for byte', async () => {
    const dir = await newRepo();
    const hooks = path.join(dir, '.git', 'hooks');
    const original = '#!/bin/sh\necho "user hook: $2" >> "$(git rev-parse --git-dir)/user-hook.log"\ncase "$(cat "$1")" in *BLOCK*) exit 1;; esac\n';
    await writeFile(path.join(hooks, 'prepare-commit-msg'), original);
    await chmod(path.join(hooks, 'prepare-commit-msg'), 0o750);
    const install = await runCli(['hooks', 'install', '--repo', dir, '--format', 'json']);
    expect(install.code).toBe(0);
    expect(validateAgainst('hooksResult', JSON.parse(install.stdout))).toBeNull();
    expect(JSON.parse(install.stdout)).toEqual({
      schema: 'https://aiprov.dev/hooks-result/v1',
      tool: { name: 'aiprov', version: VERSION },
      hooksDir: hooks,
      changes: [
        { hook: 'prepare-commit-msg', action: 'chained' },
        { hook: 'post-commit', action: 'installed' },
        { hook: 'post-rewrite', action: 'installed' },
        { hook: 'pre-push', action: 'installed' },
      ],
      rewriteRef: 'added',
      fetchRefspecs: [],
      warnings: [],
    });
    expect(sh(dir, ['config', '--get-all', 'notes.rewriteRef'])).toBe('refs/notes/aiprov\n');

    await writeFile(path.join(dir, 'a.txt'), 'a\n');
    sh(dir, ['add', '.']);
    sh(dir, ['commit', '--quiet', '-m', 'Human commit']);
    expect(await readFile(path.join(dir, '.git', 'user-hook.log'), 'utf8')).toBe('user hook: message\n');
    // The user's hook still blocks what it blocked before.
    await writeFile(path.join(dir, 'a.txt'), 'b\n');
    sh(dir, ['add', '.']);
    expect(() => sh(dir, ['commit', '--quiet', '-m', 'BLOCK me'])).toThrow();
    expect(sh(dir, ['log', '-1', '--format=%s'])).toBe('Human commit\n');

    // Installing twice changes nothing more.
    const again = JSON.parse((await runCli(['hooks', 'install', '--repo', dir, '--format', 'json'])).stdout) as {
      changes: { action: string }[];
      rewriteRef: string;
    };
    expect(again.changes.map((c) => c.action)).toEqual(['updated', 'updated', 'updated', 'updated']);
    expect(again.rewriteRef).toBe('present');

    const uninstall = await runCli(['hooks', 'uninstall', '--repo', dir, '--format', 'json']);
    expect(JSON.parse(uninstall.stdout)).toMatchObject({
      changes: [
        { hook: 'prepare-commit-msg', action: 'restored' },
        { hook: 'post-commit', action: 'removed' },
        { hook: 'post-rewrite', action: 'removed' },
        { hook: 'pre-push', action: 'removed' },
      ],
      rewriteRef: 'removed',
    });
    expect(await readFile(path.join(hooks, 'prepare-commit-msg'), 'utf8')).toBe(original);
    expect((await stat(path.join(hooks, 'prepare-commit-msg'))).mode & 0o777).toBe(0o750);
    expect((await readdir(hooks)).filter((f) => !f.endsWith('.sample')).sort()).toEqual(['prepare-commit-msg']);
    expect(() => sh(dir, ['config', '--get-all', 'notes.rewriteRef'])).toThrow();
  });

  it('adds the configured trailer and a note when an agent commits, and nothing when a person does', async () => {
    const dir = await newRepo();
    expect((await runCli(['hooks', 'install', '--repo', dir, '--trailer', 'co-authored-by'])).code).toBe(0);
    await writeFile(path.join(dir, 'a.txt'), 'a\n');
    sh(dir, ['add', '.']);
    sh(dir, ['commit', '--quiet', '-m', 'Agent commit'], { CLAUDECODE: '1', ANTHROPIC_MODEL: 'claude-opus-4-6' });
    expect(sh(dir, ['log', '-1', '--format=%B'])).toBe('Agent commit\n\nCo-authored-by: Claude <noreply@anthropic.com>\n\n');
    expect(JSON.parse(sh(dir, ['notes', '--ref=refs/notes/aiprov', 'show', 'HEAD']))).toMatchObject({
      records: [{ agent: 'claude-code', model: 'claude-opus-4-6' }],
    });
    await writeFile(path.join(dir, 'b.txt'), 'b\n');
    sh(dir, ['add', '.']);
    sh(dir, ['commit', '--quiet', '-m', 'Person commit']);
    expect(sh(dir, ['log', '-1', '--format=%B'])).toBe('Person commit\n\n');
    expect(() => sh(dir, ['notes', '--ref=refs/notes/aiprov', 'show', 'HEAD'])).toThrow();
    const scan = await scanHistory({ context: await ctx(dir) });
    expect(scan.commits.map((c) => [c.subject, c.detections.map((d) => `${d.agent}/${d.model ?? '-'}`)])).toEqual([
      ['Person commit', []],
      ['Agent commit', ['claude-code/claude-opus-4.6']],
      ['Start', []],
    ]);
  });

  it('hooks --help lists its commands', async () => {
    const help = await runCli(['hooks', '--help']);
    expect(help.stdout).toMatch(/\nCommands:\n {2}install \[options\] +install prepare-commit-msg[\s\S]*\n {2}uninstall +remove aiprov's hooks/);
  });

  it('never blocks or loses a commit when aiprov itself fails: it warns', async () => {
    const dir = await newRepo();
    expect((await runCli(['hooks', 'install', '--repo', dir])).code).toBe(0);
    // A config aiprov cannot read makes every aiprov hook fail.
    await writeFile(path.join(dir, '.aiprov.yml'), 'signatures: [\n');
    await writeFile(path.join(dir, 'a.txt'), 'a\n');
    sh(dir, ['add', 'a.txt']);
    const out = execFileSync('git', ['commit', '-m', 'Still committed'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...HUMAN_ENV, ...IDENTITY, CLAUDECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toContain('Still committed');
    expect(sh(dir, ['log', '-1', '--format=%s'])).toBe('Still committed\n');
    const stderr = execFileSync('sh', ['-c', 'git commit --allow-empty -m "Again" 2>&1 >/dev/null'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...HUMAN_ENV, ...IDENTITY, CLAUDECODE: '1' },
    });
    // aiprov says why (the config it could not read) and exits 0; the installed script's own guard is for an aiprov that cannot start.
    expect(stderr).toMatch(/aiprov: warning: the prepare-commit-msg hook failed \(.*\.aiprov\.yml.*\); the commit is unaffected/);
    expect(sh(dir, ['log', '-1', '--format=%s'])).toBe('Again\n');
  });

  it('refuses to chain when a previous chain is still there, touching nothing', async () => {
    const dir = await newRepo();
    const hooks = path.join(dir, '.git', 'hooks');
    await writeFile(path.join(hooks, 'post-commit'), '#!/bin/sh\n');
    await writeFile(path.join(hooks, 'post-commit.pre-aiprov'), '#!/bin/sh\n# older\n');
    const result = await runCli(['hooks', 'install', '--repo', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `aiprov: cannot chain ${path.join(hooks, 'post-commit')}: ${path.join(hooks, 'post-commit.pre-aiprov')} already exists; move one of them aside first (nothing was installed)\n`,
    );
    expect(await readFile(path.join(hooks, 'post-commit'), 'utf8')).toBe('#!/bin/sh\n');
  });
});

describe('trailers the hooks write are read back as the same agent', () => {
  const engine = new SignatureEngine(BUILTIN_SIGNATURES);
  const detect = (trailer: string): [string, string | undefined][] =>
    engine
      .match({
        sha: '0'.repeat(40),
        parents: [],
        author: { name: 'Dana', email: 'dana@example.com' },
        committer: { name: 'Dana', email: 'dana@example.com' },
        authoredAt: '2026-01-01T00:00:00Z',
        committedAt: '2026-01-01T00:00:00Z',
        message: `Subject\n\n${trailer}\n`,
      })
      .detections.map((d) => [d.agent, d.model]);

  it.each(AGENT_IDS.flatMap((agent) => (['assisted-by', 'co-authored-by'] as const).map((style) => [agent, style] as const)))('%s as %s', (agent, style) => {
    const trailer = trailerFor({ agent, variable: 'AIPROV_AGENT', model: 'model-x' }, style);
    expect(parseMessage(`S\n\n${trailer}\n`).trailers).toHaveLength(1);
    const found = detect(trailer);
    expect(found.map(([a]) => a)).toEqual([agent]);
    // The co-author identities that carry no model lose it; every other form keeps it.
    if (style === 'assisted-by' || agent === 'aider') expect(found[0]?.[1]).toBe('model-x');
  });

  it('reads agents from the environment: AIPROV_AGENT first, then the hints', () => {
    expect(agentFromEnv({ CLAUDECODE: '1', ANTHROPIC_MODEL: 'opus' }, DEFAULT_AGENT_ENV)).toEqual({
      agent: 'claude-code',
      model: 'opus',
      variable: 'CLAUDECODE',
    });
    expect(agentFromEnv({ CLAUDECODE: '0' }, DEFAULT_AGENT_ENV)).toBeUndefined();
    expect(agentFromEnv({ AIPROV_AGENT: 'other', AIPROV_AGENT_NAME: 'Acme', CLAUDECODE: '1' }, DEFAULT_AGENT_ENV)).toEqual({
      agent: 'other',
      name: 'Acme',
      variable: 'AIPROV_AGENT',
    });
    expect(agentFromEnv({ ACME_BOT: 'yes' }, [{ variable: 'ACME_BOT', agent: 'other' }])).toEqual({ agent: 'other', variable: 'ACME_BOT' });
    expect(agentFromEnv({}, DEFAULT_AGENT_ENV)).toBeUndefined();
  });

  it('an AIPROV_AGENT that names no agent is said once, at prepare-commit-msg, not ignored in silence; the hints still apply', async () => {
    const dir = await tempDir();
    sh(dir, ['init', '--quiet', '--initial-branch=main', '.']);
    const message = path.join(dir, 'MSG');
    await writeFile(message, 'A change\n');
    const run = async (vars: NodeJS.ProcessEnv) =>
      runHook({ context: await ctx(dir, { env: { vars } }), hook: 'prepare-commit-msg', args: [message], stdin: '' });
    expect(await run({ AIPROV_AGENT: 'claud-code' })).toMatch(
      /^warning: AIPROV_AGENT=claud-code is not an agent aiprov knows \(.*claude-code.*\): it is ignored$/,
    );
    expect(await readFile(message, 'utf8')).toBe('A change\n');
    const both = await run({ AIPROV_AGENT: 'claud-code', CLAUDECODE: '1' });
    expect(both?.split('\naiprov: ')).toEqual([
      expect.stringMatching(/^warning: AIPROV_AGENT=claud-code /) as unknown,
      expect.stringMatching(/^added ".*" \(CLAUDECODE is set\)$/) as unknown,
    ]);
    expect(unknownAgentWarning({ AIPROV_AGENT: 'codex' })).toBeUndefined();
    expect(unknownAgentWarning({})).toBeUndefined();
  });
});
