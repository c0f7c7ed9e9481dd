import type { Command } from 'commander';
import { buildSampleRepository } from '../demo/run.js';
import { blameTree } from '../blame/blame.js';
import { renderBlameTable } from '../report/blame-render.js';
import { contextFor, notice, readGlobals, styleFor, type RawGlobals } from './context.js';
import { runScan } from './scan.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('build a sample repository with commits from several agents, people and bots, then scan and blame it (offline)')
    .option('--dir <dir>', 'build the sample here (new or empty directory) instead of a temporary one')
    .action(async (opts: { dir?: string }, command: Command) => {
      const globals = readGlobals(command.optsWithGlobals<RawGlobals>(), ['table', 'json', 'markdown'], 'demo');
      const dir = await buildSampleRepository(opts.dir);
      notice(globals, `sample repository built in ${dir}`);
      await runScan({ ...globals, repo: dir }, undefined, false);
      if (globals.format === 'table') {
        // Then the line-level view: how much of the tree as it stands the agents wrote.
        process.stdout.write('\n');
        process.stdout.write(renderBlameTable(await blameTree({ context: await contextFor({ ...globals, repo: dir }) }), styleFor(globals)));
      }
    });
}
