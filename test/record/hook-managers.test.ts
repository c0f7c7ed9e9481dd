/**
 * The hook examples (examples/hooks/) with the real hook managers: Debian's
 * pre-commit, lefthook 2.2.1 and husky 9 from npm. For each: a person's commit
 * passes untouched, an agent's is recorded (trailer and note), amend and
 * rebase keep the note, a push takes the notes with it, and a failing aiprov
 * never blocks a commit. aiprov is
 * installed in each fixture as the examples say (a devDependency, here a link
 * to this clone, installed offline) and run by `npx --no`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initRepo } from '../../fixtures/repos.js';
import { tempDir } from '../helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'node_modules', '.bin');
// The managers and npx start Node from PATH: the project's Node 24 first, as `npm test` has it.
const PATH = `${BIN}:${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`;

interface Fixture {
  dir: string;
  env: NodeJS.ProcessEnv;
}

async function fixture(): Promise<Fixture> {
  const dir = path.join(await tempDir(), 'app');
  mkdirSync(dir);
  initRepo(dir);
  const home = path.join(dir, '..', 'home');
  mkdirSync(home);
  const env: NodeJS.ProcessEnv = {
    PATH,
    HOME: home,
    PRE_COMMIT_HOME: path.join(home, 'pre-commit'),
    GIT_AUTHOR_NAME: 'Dana Human',
    GIT_AUTHOR_EMAIL: 'dana@example.com',
    GIT_COMMITTER_NAME: 'Dana Human',
    GIT_COMMITTER_EMAIL: 'dana@example.com',
    npm_config_update_notifier: 'false',
    npm_config_cache: path.join(ROOT, 'node_modules', '.cache', 'hook-managers-npm'),
  };
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, devDependencies: { aiprov: `file:${ROOT}` } }));
  writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n');
  execFileSync('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, env, stdio: 'ignore' });
  return { dir, env };
}

function run(f: Fixture, args: string[], extra: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('git', args, { cwd: f.dir, env: { ...f.env, ...extra }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const git = (f: Fixture, ...args: string[]): string => {
  const r = run(f, args);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const note = (f: Fixture, rev: string): string => run(f, ['notes', '--ref=aiprov', 'show', rev]).stdout;

/** The scenario every manager must pass. */
function scenario(f: Fixture, { showsHookOutput = true } = {}): void {
  writeFileSync(path.join(f.dir, 'a.txt'), 'one\n');
  git(f, 'add', '-A');
  // A person's commit: passes, message untouched, nothing recorded.
  const human = run(f, ['commit', '-q', '-m', 'Add a']);
  expect(human.status, human.stderr).toBe(0);
  expect(git(f, 'log', '-1', '--format=%B').trim()).toBe('Add a');
  expect(note(f, 'HEAD')).toBe('');

  // An agent's commit: the trailer is added and the note recorded.
  writeFileSync(path.join(f.dir, 'b.txt'), 'two\nthree\n');
  git(f, 'add', '-A');
  const agent = run(f, ['commit', '-q', '-m', 'Add b'], { AIPROV_AGENT: 'claude-code' });
  expect(agent.status, agent.stderr).toBe(0);
  expect(git(f, 'log', '-1', '--format=%B')).toMatch(/^Add b\n\nAssisted-by: Claude\n/);
  expect(note(f, 'HEAD')).toContain('"claude-code"');

  // Amend (by the person, no agent variable): the note moves to the new commit.
  const before = git(f, 'rev-parse', 'HEAD').trim();
  writeFileSync(path.join(f.dir, 'c.txt'), 'four\n');
  git(f, 'add', '-A');
  const amend = run(f, ['commit', '-q', '--amend', '--no-edit']);
  expect(amend.status, amend.stderr).toBe(0);
  expect(git(f, 'rev-parse', 'HEAD').trim()).not.toBe(before);
  expect(note(f, 'HEAD')).toContain('"claude-code"');

  // Rebase onto a new base: the note follows the rewritten commit.
  git(f, 'branch', 'topic');
  git(f, 'reset', '-q', '--hard', 'HEAD~1');
  writeFileSync(path.join(f.dir, 'd.txt'), 'five\n');
  git(f, 'add', '-A');
  // Set-up, not under test: committed with no hooks at all (each hook run through npx costs most of a second).
  expect(run(f, ['-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'Add d']).status).toBe(0);
  git(f, 'checkout', '-q', 'topic');
  const rebase = run(f, ['rebase', '-q', 'main']);
  expect(rebase.status, rebase.stderr).toBe(0);
  expect(git(f, 'log', '-1', '--format=%s').trim()).toBe('Add b');
  expect(note(f, 'HEAD')).toContain('"claude-code"');

  // Pushing the branch pushes the notes with it (pre-push), to the same remote.
  const remote = path.join(f.dir, '..', 'remote.git');
  execFileSync('git', ['init', '-q', '--bare', remote]);
  git(f, 'remote', 'add', 'origin', remote);
  const push = run(f, ['push', '-q', 'origin', 'topic']);
  expect(push.status, push.stderr).toBe(0);
  expect(execFileSync('git', ['--git-dir', remote, 'notes', '--ref=aiprov', 'show', 'topic'], { encoding: 'utf8' })).toContain('"claude-code"');

  // A failing aiprov (a broken .aiprov.yml) never blocks a commit, an agent's included.
  writeFileSync(path.join(f.dir, '.aiprov.yml'), 'version: [not, valid\n');
  git(f, 'add', '-A');
  const broken = run(f, ['commit', '-q', '-m', 'Break the config'], { AIPROV_AGENT: 'claude-code' });
  expect(broken.status, broken.stderr).toBe(0);
  expect(git(f, 'log', '-1', '--format=%s').trim()).toBe('Break the config');
  // pre-commit shows a hook's output only when the hook fails, and aiprov's does not.
  if (showsHookOutput) expect(broken.stderr).toMatch(/aiprov: warning: the prepare-commit-msg hook failed \(.*\.aiprov\.yml/);
}

// Each case is an npm install and a dozen commits through a real hook manager, each hook a Node process: 8 s on a
// quiet machine, past the default 30 s on a loaded one, which says nothing about the hooks.
describe('the hook examples with the real hook managers', { timeout: 120_000 }, () => {
  it('husky 9: .husky/prepare-commit-msg, post-commit, post-rewrite and pre-push (stdin reaches aiprov)', async () => {
    const f = await fixture();
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'husky', 'bin.js')], { cwd: f.dir, env: f.env, stdio: 'ignore' });
    expect(git(f, 'config', 'core.hooksPath').trim()).toBe('.husky/_');
    for (const hook of ['prepare-commit-msg', 'post-commit', 'post-rewrite', 'pre-push'])
      cpSync(path.join(ROOT, 'examples', 'hooks', 'husky', hook), path.join(f.dir, '.husky', hook));
    scenario(f);
  });

  it('lefthook 2.2.1: lefthook.yml, post-rewrite and pre-push with use_stdin', async () => {
    const f = await fixture();
    cpSync(path.join(ROOT, 'examples', 'hooks', 'lefthook.yml'), path.join(f.dir, 'lefthook.yml'));
    execFileSync(path.join(BIN, 'lefthook'), ['install'], { cwd: f.dir, env: f.env, stdio: 'ignore' });
    scenario(f);
  });

  it("pre-commit (Debian's): prepare-commit-msg, post-commit and pre-push, notes through rewrites by git's notes.rewriteRef", async () => {
    const f = await fixture();
    cpSync(path.join(ROOT, 'examples', 'hooks', '.pre-commit-config.yaml'), path.join(f.dir, '.pre-commit-config.yaml'));
    execFileSync(
      process.env.AIPROV_PRE_COMMIT ?? 'pre-commit',
      ['install', '--hook-type', 'prepare-commit-msg', '--hook-type', 'post-commit', '--hook-type', 'pre-push'],
      {
        cwd: f.dir,
        env: f.env,
        stdio: 'ignore',
      },
    );
    git(f, 'config', '--add', 'notes.rewriteRef', 'refs/notes/aiprov');
    scenario(f, { showsHookOutput: false });
  });
});
