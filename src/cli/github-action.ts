import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { upsertComment } from '../ci/comment-thread.js';
import { readForgeRun, threadForRun, type ForgeRun } from '../ci/forge-run.js';
import { pushChecks, syncForCheck } from '../ci/notes-sync.js';
import { remoteSync, tokenAuth } from '../git/remote.js';
import { openRepository } from '../git/repository.js';
import { isAiprovError } from '../kernel/errors.js';
import { processIo, type CliIo } from './io.js';
import { main } from './main.js';

/**
 * The GitHub Action (action.yml, `runs.using: node24`): the code of the
 * action's own ref runs, never a package fetched by name. It fetches what the
 * gate needs (the base branch, the history back to it, the notes: reviews,
 * authorship, checks), runs the command, sets the step's outputs, and for
 * `check`: on a pull request posts or updates one comment with the markdown
 * (the step summary gets it too); on a push to the default branch records the
 * decision and pushes refs/notes/aiprov-checks, which the dashboard reads.
 */
export async function runGithubAction(given: CliIo = processIo()): Promise<number> {
  const inputs = readInputs();
  // The runner starts a JavaScript action in the workspace; GITHUB_WORKSPACE says so when something else started it.
  const workspace = given.env.GITHUB_WORKSPACE;
  let io: CliIo = workspace !== undefined && workspace !== '' ? { ...given, cwd: workspace } : given;
  const run = (await readForgeRun(io.env)) ?? { forge: 'github' };
  // The decision is recorded as a notes commit: a runner has no git identity, so the Actions bot's is used when none is configured.
  if (!(await hasIdentity(io))) io = { ...io, env: { ...io.env, ...BOT_IDENTITY } };
  const sync = remoteSync(io.cwd, io.env, inputs.token !== '' ? tokenAuth(inputs.token) : undefined);
  const isCheck = inputs.command[0] === 'check';
  if (inputs.fetch)
    await core.group('aiprov: fetch the base, its history and the notes', () =>
      syncForCheck(sync, 'origin', run, (line) => {
        core.info(line);
      }),
    );

  const files = reportFiles(io);
  // An earlier step's reports in the same job must never stand for this one's (a check that stops early writes none).
  await Promise.all([rm(files.json, { force: true }), rm(files.markdown, { force: true })]);
  const argv = [...inputs.command, ...inputs.args, ...(isCheck ? checkArguments(inputs.args, run, files) : [])];
  core.info(`aiprov ${argv.map((a) => JSON.stringify(a)).join(' ')}`);
  // The check reads the pull request's approvals with the action's token (pull-requests: read).
  const checkIo = inputs.token !== '' ? { ...io, env: { ...io.env, AIPROV_GITHUB_TOKEN: inputs.token } } : io;
  const code = await main(argv, checkIo);
  core.setOutput('exit-code', String(code));
  if (!isCheck) return finish(code, inputs.command);

  const report = await readCheckReport(files.json);
  const markdown = await readFile(files.markdown, 'utf8').catch(() => undefined);
  if (report) {
    core.setOutput('outcome', report.outcome);
    core.setOutput('report', files.json);
    core.setOutput('waiting', String(report.metrics.waiting));
    core.setOutput('escalations', String(report.metrics.escalations));
    core.setOutput('ai-lines', String(report.change.aiLines));
    core.setOutput('lines', String(report.change.lines));
  }
  if (markdown !== undefined) {
    core.setOutput('markdown', markdown);
    core.setOutput('markdown-file', files.markdown);
  }
  if (run.change && inputs.comment && markdown !== undefined) await comment(run, io, inputs, markdown);
  if (run.push?.defaultBranch === true && inputs.pushChecks && !inputs.args.includes('--no-record') && report) {
    try {
      await core.group('aiprov: push the recorded decision (refs/notes/aiprov-checks)', () =>
        pushChecks(sync, 'origin', (line) => {
          core.info(line);
        }),
      );
      core.setOutput('recorded', 'true');
    } catch (error) {
      core.setFailed(`aiprov: the decision was made but could not be pushed to refs/notes/aiprov-checks: ${message(error)} (the job needs contents: write)`);
      return code === 0 ? 2 : code;
    }
  }
  return finish(code, inputs.command);
}

const BOT_IDENTITY = {
  GIT_AUTHOR_NAME: 'github-actions[bot]',
  GIT_AUTHOR_EMAIL: '41898282+github-actions[bot]@users.noreply.github.com',
  GIT_COMMITTER_NAME: 'github-actions[bot]',
  GIT_COMMITTER_EMAIL: '41898282+github-actions[bot]@users.noreply.github.com',
};

async function hasIdentity(io: CliIo): Promise<boolean> {
  if (io.env.GIT_COMMITTER_EMAIL !== undefined && io.env.GIT_COMMITTER_EMAIL !== '') return true;
  try {
    const repo = await openRepository(io.cwd, io.env);
    return (await repo.configValues('user.email')).length > 0;
  } catch {
    return false;
  }
}

interface ActionInputs {
  command: string[];
  args: string[];
  token: string;
  fetch: boolean;
  comment: boolean;
  pushChecks: boolean;
  commentAuthor: string;
}

function readInputs(): ActionInputs {
  const command = core.getInput('command').trim().split(/\s+/).filter(Boolean);
  return {
    command: command.length > 0 ? command : ['check'],
    // One argument per line: spaces inside an argument are kept, nothing is evaluated by a shell.
    args: core.getMultilineInput('args'),
    token: core.getInput('token'),
    fetch: flag('fetch'),
    comment: flag('comment'),
    pushChecks: flag('push-checks'),
    commentAuthor: core.getInput('comment-author') || 'github-actions[bot]',
  };
}

/** A true/false input; one not given at all (a runner that did not fill in action.yml's defaults) is true, as those defaults are. */
function flag(name: string): boolean {
  return core.getInput(name) === '' ? true : core.getBooleanInput(name);
}

function reportFiles(io: CliIo): { json: string; markdown: string } {
  const dir = io.env.RUNNER_TEMP !== undefined && io.env.RUNNER_TEMP !== '' ? io.env.RUNNER_TEMP : os.tmpdir();
  return { json: path.join(dir, 'aiprov-check.json'), markdown: path.join(dir, 'aiprov-check.md') };
}

/** What check needs from the run: the pushed range on a push (GitHub gives before and after), and the report in JSON and markdown. */
function checkArguments(args: readonly string[], run: ForgeRun, files: { json: string; markdown: string }): string[] {
  const extra: string[] = [];
  if (run.push && !args.includes('--base') && run.push.before !== '') extra.push('--base', run.push.before, '--head', run.push.after);
  extra.push('--save', `json=${files.json}`, '--save', `markdown=${files.markdown}`);
  return extra;
}

async function comment(run: ForgeRun, io: CliIo, inputs: ActionInputs, markdown: string): Promise<void> {
  try {
    const env = inputs.token !== '' ? { ...io.env, AIPROV_GITHUB_TOKEN: inputs.token } : io.env;
    const posted = await upsertComment(threadForRun(run, env, inputs.commentAuthor), markdown);
    core.info(`aiprov: comment ${posted.action}${posted.url !== undefined ? `: ${posted.url}` : ''}`);
    core.setOutput('comment-id', String(posted.id));
  } catch (error) {
    // The gate's verdict stands without its comment (a fork's pull request gets a read-only token): said, not fatal.
    core.warning(`aiprov: the comment could not be posted: ${message(error)}`);
  }
}

async function readCheckReport(file: string): Promise<CheckSummary | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as CheckSummary);
}

interface CheckSummary {
  outcome: string;
  metrics: { waiting: number; escalations: number };
  change: { aiLines: number; lines: number };
}

function finish(code: number, command: readonly string[]): number {
  if (code !== 0)
    core.setFailed(`aiprov ${command.join(' ')} exited ${code} (${code === 1 ? 'findings, or a change waiting for review' : 'could not decide'})`);
  return code;
}

const message = (error: unknown): string => (isAiprovError(error) || error instanceof Error ? error.message : String(error));
