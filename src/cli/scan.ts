import type { Command } from 'commander';
import { openScan } from '../authorship/scan.js';
import { contextFor, notice, print, readGlobals, type ExitCode, type GlobalOptions, type RawGlobals, type Register } from './globals.js';

export const registerScan: Register = (program, exit, io) => {
  program
    .command('scan')
    .description("commit-level AI authorship over a revision range (default: all of HEAD's history)")
    .argument('[range]', 'revision or range, e.g. v1.0..HEAD')
    .option('--all', "every ref (branches, tags, remotes) instead of HEAD, but other tools' bookkeeping refs")
    .option('--include-bookkeeping', "with --all, also the refs where tools keep their own records (Entire's entire/checkpoints/v1)")
    .option(
      '--coverage',
      'also how complete and consistent the authorship records are: commits with line records, by signatures alone, records that disagree with their commit',
    )
    .action(async (range: string | undefined, opts: { all?: boolean; includeBookkeeping?: boolean; coverage?: boolean }, command: Command) => {
      const options = readGlobals(command.optsWithGlobals<RawGlobals>(), 'scanReport', 'scan', io);
      exit(await runScan(options, range, opts.all === true, opts.includeBookkeeping === true, opts.coverage === true));
    });
};

/** Scans and prints as it reads; 0, since a scan has no findings to fail on. */
async function runScan(options: GlobalOptions, range: string | undefined, all: boolean, includeBookkeeping: boolean, coverage: boolean): Promise<ExitCode> {
  const context = await contextFor(options);
  const session = await openScan({
    context,
    ...(range !== undefined ? { range } : {}),
    all,
    includeBookkeeping,
    ...(coverage ? { coverage: context.git } : {}),
  });
  for (const warning of session.warnings) notice(options, `warning: ${warning.message}`);
  const reported = session.warnings.length;
  await print(options, 'scanReport', session);
  // Bad notes are found as their commits are reached.
  for (const warning of session.warnings.slice(reported)) notice(options, `warning: ${warning.message}`);
  return 0;
}
