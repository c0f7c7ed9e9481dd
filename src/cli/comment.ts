import type { Command } from 'commander';
import { upsertComment } from '../ci/comment-thread.js';
import { readForgeRun, threadForRun } from '../ci/forge-run.js';
import { UsageError } from '../kernel/errors.js';
import { readRegularFile } from '../kernel/files.js';
import { notice, readGlobals, type RawGlobals, type Register } from './globals.js';
import { resolvePath } from './io.js';

const MARKDOWN_CAP = 16 * 1024 * 1024;

/**
 * `aiprov comment FILE`: puts a markdown report (`check --save markdown=FILE`)
 * on the pull request (GitHub Actions) or merge request (GitLab CI) the job
 * runs for, as one comment updated in place on every run.
 */
export const registerComment: Register = (program, exit, io) => {
  program
    .command('comment')
    .description("post a markdown report on the job's pull or merge request as one comment, updated in place on later runs (GitHub Actions, GitLab CI)")
    .argument('<file>', 'the markdown to post (check --save markdown=FILE)')
    .option(
      '--author <login>',
      'GitHub: the login that posts, whose earlier comment is updated (a personal or app token posts as another)',
      'github-actions[bot]',
    )
    .action(async (file: string, flags: { author: string }, command: Command) => {
      const options = readGlobals({ ...command.optsWithGlobals<RawGlobals>(), output: undefined }, null, 'comment', io);
      const env = io.env;
      const run = await readForgeRun(env);
      if (!run) throw new UsageError('comment runs in a GitHub Actions job or a GitLab CI pipeline (neither GITHUB_ACTIONS nor GITLAB_CI is set)');
      const read = await readRegularFile(resolvePath(io, file), MARKDOWN_CAP);
      if (!read.ok) throw new UsageError(`${file}: ${read.problem}`);
      const thread = threadForRun(run, env, flags.author);
      const posted = await upsertComment(thread, read.bytes.toString('utf8'));
      notice(options, `comment ${posted.action} on ${thread.where}${posted.url !== undefined ? ` (${posted.url})` : ''}`);
      exit(0);
    });
};
