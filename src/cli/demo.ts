import path from 'node:path';
import type { Command } from 'commander';
import { runDemo } from '../demo/demo.js';
import { notice, print, readGlobals, type RawGlobals, type Register } from './globals.js';

export const registerDemo: Register = (program, exit) => {
  program
    .command('demo')
    .description('build a sample repository with commits from several agents, people and bots, then scan and blame it (offline)')
    .option('--dir <dir>', 'build the sample here (a new or empty directory) instead of ./aiprov-demo')
    .action(async (opts: { dir?: string }, command: Command) => {
      const options = readGlobals(command.optsWithGlobals<RawGlobals>(), 'demoReport', 'demo');
      // Everything under ./aiprov-demo/ by default (a previous demo there is replaced; anything else is left alone), or under --dir.
      const dir = opts.dir ?? path.join(process.cwd(), 'aiprov-demo');
      const report = await runDemo({ dir, replacePrevious: opts.dir === undefined, ...(options.config !== undefined ? { config: options.config } : {}) });
      notice(options, `sample repository built in ${report.repository}`);
      // Scan and blame go to one place: stdout, or --output as one document.
      await print(options, 'demoReport', report);
      exit(0);
    });
};
