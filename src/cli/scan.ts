import type { Command } from 'commander';
import { openScan } from '../authorship/scan.js';
import type { CommitReport } from '../authorship/types.js';
import { writeScanJson } from '../report/scan-json.js';
import { renderScanMarkdown } from '../report/scan-markdown.js';
import { renderScanTable } from '../report/scan-table.js';
import { isNotable, type ScanView } from '../report/scan-view.js';
import { contextFor, emit, notice, readGlobals, styleFor, withOutput, type GlobalOptions, type RawGlobals } from './context.js';

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('commit-level AI authorship over a revision range (default: all of HEAD\'s history)')
    .argument('[range]', 'revision or range, e.g. v1.0..HEAD')
    .option('--all', 'every ref (branches, tags, remotes) instead of HEAD')
    .action(async (range: string | undefined, opts: { all?: boolean }, command: Command) => {
      const options = readGlobals(command.optsWithGlobals<RawGlobals>(), ['table', 'json', 'markdown'], 'scan');
      await runScan(options, range, opts.all === true);
    });
}

/** Scans and prints; returns the exit code (0: the scan itself never has findings to fail on). */
export async function runScan(options: GlobalOptions, range: string | undefined, all: boolean): Promise<number> {
  const session = await openScan({ context: await contextFor(options), ...(range !== undefined ? { range } : {}), all });
  for (const warning of session.warnings) notice(options, `warning: ${warning.message}`);
  const reported = session.warnings.length;

  if (options.format === 'json') {
    await withOutput(options, (sink) => writeScanJson(session, sink));
  } else {
    const notable: CommitReport[] = [];
    for await (const commit of session.commits()) if (isNotable(commit)) notable.push(commit);
    const view: ScanView = { repository: session.repository, range: session.range, summary: session.summary.result(), warnings: session.warnings, notable };
    await emit(options, options.format === 'markdown' ? renderScanMarkdown(view) : renderScanTable(view, styleFor(options)));
  }
  for (const warning of session.warnings.slice(reported)) notice(options, `warning: ${warning.message}`);
  return 0;
}
