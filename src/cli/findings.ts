import type { Command } from 'commander';
import { blameCache, cacheOptions, type CacheFlags } from './cache.js';
import type { Log } from 'sarif';
import { attributeFindings } from '../findings/findings.js';
import { readSarifFile, type SarifInput } from '../findings/sarif.js';
import { UsageError } from '../kernel/errors.js';
import { DETECTION_FLAGS, isDetectionLevel } from '../git/blame.js';
import { collect, contextFor, notice, positiveInteger, print, readGlobals, writeWhole, type RawGlobals, type Register } from './globals.js';
import { resolvePath, type CliIo } from './io.js';
import { Progress, progressOption } from './progress.js';

interface FindingsFlags extends CacheFlags {
  sarif?: string[];
  rev?: string;
  sourceRoot?: string;
  include?: string[];
  exclude?: string[];
  detect: string;
  jobs?: string;
  allowShallow?: boolean;
  sarifOutput?: string;
  history?: string[];
}

export const registerFindings: Register = (program, exit, io) => {
  cacheOptions(
    program
      .command('findings')
      .description(
        "a code scanner's findings (SARIF 2.1.0) attributed to the agents, models and commits that wrote their lines, with densities per 1,000 lines",
      )
      .option('--sarif <file>', 'a SARIF 2.1.0 log from any scanner (repeatable: several tools, several runs)', collect)
      .option('--rev <rev>', 'the revision the logs are of, when they do not say (their versionControlProvenance); default HEAD')
      .option('--source-root <dir>', 'the directory the scanner ran in, which its absolute file URIs are under (default: the repository root)')
      .option('--include <glob>', 'for a log that lists no artifacts: only files matching this glob count as scanned (repeatable)', collect)
      .option('--exclude <glob>', 'for a log that lists no artifacts: files matching this glob do not count as scanned (repeatable)', collect)
      .option('--detect <level>', `move and copy detection of the blame: ${Object.keys(DETECTION_FLAGS).join(', ')}`, 'copies')
      .option('--jobs <n>', 'concurrent git blame processes (default: number of CPUs)')
      .option('--allow-shallow', 'attribute on a shallow clone (lines older than its boundary go to the boundary commit)')
      .option(
        '--history <[rev=]file>',
        "a log of an earlier revision (its versionControlProvenance's, or REV's): with them, how long findings took to fix, by who wrote them (repeatable)",
        collect,
      )
      .option(
        '--sarif-output <file>',
        "also write the logs with each result's attribution in its properties (properties.aiprov), nothing else changed, for upload",
      ),
  ).action(async (flags: FindingsFlags, command: Command) => {
    const options = readGlobals(command.optsWithGlobals<RawGlobals>(), 'findingsReport', 'findings', io);
    if (!flags.sarif || flags.sarif.length === 0) throw new UsageError('--sarif FILE is required: the log of a code scanner');
    if (!isDetectionLevel(flags.detect)) throw new UsageError(`--detect ${flags.detect}: expected one of ${Object.keys(DETECTION_FLAGS).join(', ')}`);
    const jobs = flags.jobs === undefined ? undefined : positiveInteger('--jobs', flags.jobs);
    const inputs: SarifInput[] = [];
    for (const file of flags.sarif) inputs.push(await readSarifFile(resolvePath(io, file), file));
    const history = await historyLogs(flags.history ?? [], io);
    const progress = Progress.for(options.quiet, 'blamed files:', options.io.stderr);
    const context = await contextFor(options);
    const { report, enriched } = await attributeFindings({
      ...(await blameCache(options, flags, context)),
      context,
      inputs,
      ...progressOption(progress),
      ...(flags.rev !== undefined ? { rev: flags.rev } : {}),
      ...(flags.sourceRoot !== undefined ? { sourceRoot: resolvePath(io, flags.sourceRoot) } : {}),
      ...(flags.include ? { include: flags.include } : {}),
      ...(flags.exclude ? { exclude: flags.exclude } : {}),
      detection: flags.detect,
      ...(jobs !== undefined ? { jobs } : {}),
      allowShallow: flags.allowShallow === true,
      ...(history.length > 0 ? { history } : {}),
    }).finally(() => progress?.done());
    for (const warning of report.warnings) notice(options, `warning: ${warning.message}`);
    if (flags.sarifOutput !== undefined) await writeWhole(io, flags.sarifOutput, `${JSON.stringify(combined(enriched), null, 2)}\n`);
    await print(options, 'findingsReport', report);
    exit(0);
  });
};

/** `--history [REV=]FILE`: a commit id before `=` names the log's revision; otherwise the log must name it. */
async function historyLogs(values: readonly string[], io: CliIo): Promise<{ input: SarifInput; rev?: string }[]> {
  const out: { input: SarifInput; rev?: string }[] = [];
  for (const value of values) {
    const m = /^([0-9a-fA-F]{7,64})=(.+)$/.exec(value);
    const file = m?.[2] ?? value;
    out.push({ input: await readSarifFile(resolvePath(io, file), file), ...(m?.[1] ? { rev: m[1] } : {}) });
  }
  return out;
}

/** One log: the input itself when there is one; else every input's runs in one log, in the order given. */
function combined(enriched: readonly SarifInput[]): Log {
  const [first] = enriched;
  if (enriched.length === 1 && first) return first.log;
  return { version: '2.1.0', $schema: first?.log.$schema ?? 'https://json.schemastore.org/sarif-2.1.0.json', runs: enriched.flatMap((e) => e.log.runs) };
}
