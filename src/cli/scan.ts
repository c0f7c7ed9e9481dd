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
    .action(async (range: string | undefined, opts: { all?: boolean; includeBookkeeping?: boolean }, command: Command) => {
      exit(
        await runScan(readGlobals(command.optsWithGlobals<RawGlobals>(), 'scanReport', 'scan', io), range, opts.all === true, opts.includeBookkeeping === true),
      );
    });
};

/** Scans and prints as it reads; 0, since a scan has no findings to fail on. */
async function runScan(options: GlobalOptions, range: string | undefined, all: boolean, includeBookkeeping: boolean): Promise<ExitCode> {
  const session = await openScan({ context: await contextFor(options), ...(range !== undefined ? { range } : {}), all, includeBookkeeping });
  for (const warning of session.warnings) notice(options, `warning: ${warning.message}`);
  const reported = session.warnings.length;
  await print(options, 'scanReport', session);
  // Bad notes are found as their commits are reached.
  for (const warning of session.warnings.slice(reported)) notice(options, `warning: ${warning.message}`);
  return 0;
}
