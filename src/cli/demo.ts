import type { Command } from 'commander';
import { buildSampleRepository } from '../demo/run.js';
import { notice, readGlobals, type RawGlobals } from './context.js';
import { runScan } from './scan.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('build a sample repository with commits from several agents, people and bots, and scan it (offline)')
    .option('--dir <dir>', 'build the sample here (new or empty directory) instead of a temporary one')
    .action(async (opts: { dir?: string }, command: Command) => {
      const globals = readGlobals(command.optsWithGlobals<RawGlobals>(), ['table', 'json', 'markdown'], 'demo');
      const dir = await buildSampleRepository(opts.dir);
      notice(globals, `sample repository built in ${dir}`);
      await runScan({ ...globals, repo: dir }, undefined, false);
    });
}
