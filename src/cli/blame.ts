import type { Command } from 'commander';
import { blameTree } from '../blame/blame.js';
import { Progress, progressOption } from './progress.js';
import { UsageError } from '../kernel/errors.js';
import { DETECTION_FLAGS, isDetectionLevel } from '../git/blame.js';
import { collect, contextFor, notice, positiveInteger, print, readGlobals, type RawGlobals, type Register } from './globals.js';
import { resolvePath } from './io.js';
import { sinceRevision } from './since.js';
import { blameCache, cacheOptions, type CacheFlags } from './cache.js';

interface BlameFlags extends CacheFlags {
  rev?: string;
  since?: string;
  include?: string[];
  exclude?: string[];
  includeAll?: boolean;
  detect: string;
  jobs?: string;
  depth: string;
  allowShallow?: boolean;
  coverage?: boolean;
  contributors?: boolean;
}

export const registerBlame: Register = (program, exit, io) => {
  const blame = program
    .command('blame')
    .description('line-level AI attribution of the tree at a revision, by file, directory, agent and model')
    .argument('[paths...]', 'files or directories to attribute (default: the whole tree)')
    .option('--rev <rev>', 'revision to attribute', 'HEAD')
    .option('--since <rev|date>', 'count only lines introduced after this revision (a date: the newest commit before it)')
    .option('--include <glob>', 'only files matching this glob (repeatable)', collect)
    .option('--exclude <glob>', 'leave out files matching this glob (repeatable)', collect)
    .option('--include-all', 'also count binary, generated and vendored files')
    .option('--detect <level>', `move and copy detection: ${Object.keys(DETECTION_FLAGS).join(', ')}`, 'copies')
    .option('--jobs <n>', 'concurrent git blame processes (default: number of CPUs)')
    .option('--depth <n>', 'directory depth of the roll-up', '1')
    .option('--allow-shallow', 'count on a shallow clone without --since (lines older than its boundary go to the boundary commit)')
    .option('--contributors', 'also count AI lines by agent and model together (byContributor), as attest --blame-report needs them')
    .option('--coverage', 'also how complete and consistent the records of the blamed commits are, and which AI lines came from line records');
  cacheOptions(blame).action(async (paths: string[], flags: BlameFlags, command: Command) => {
    const options = readGlobals(command.optsWithGlobals<RawGlobals>(), 'blameReport', 'blame', io);
    if (!isDetectionLevel(flags.detect)) throw new UsageError(`--detect ${flags.detect}: expected one of ${Object.keys(DETECTION_FLAGS).join(', ')}`);
    const jobs = flags.jobs === undefined ? undefined : positiveInteger('--jobs', flags.jobs);
    const progress = Progress.for(options.quiet, 'blamed files:', options.io.stderr);
    const context = await contextFor(options);
    const since = flags.since === undefined ? undefined : await sinceRevision(context.git, flags.since, flags.rev ?? 'HEAD');
    const report = await blameTree({
      context,
      ...progressOption(progress),
      ...(flags.rev !== undefined ? { rev: flags.rev } : {}),
      ...(since !== undefined ? { since } : {}),
      // Like git, paths are relative to where the command runs, unless --repo says where the repository is.
      paths: paths.map((p) => (options.repoGiven ? p : resolvePath(io, p))),
      ...(flags.include ? { include: flags.include } : {}),
      ...(flags.exclude ? { exclude: flags.exclude } : {}),
      includeAll: flags.includeAll === true,
      detection: flags.detect,
      ...(jobs !== undefined ? { jobs } : {}),
      depth: positiveInteger('--depth', flags.depth),
      allowShallow: flags.allowShallow === true,
      ...(flags.coverage === true ? { coverage: context.git } : {}),
      ...(flags.contributors === true ? { contributors: true } : {}),
      ...(await blameCache(options, flags, context)),
    }).finally(() => {
      progress?.done();
    });
    for (const warning of report.warnings) notice(options, `warning: ${warning.message}`);
    await print(options, 'blameReport', report);
    exit(0);
  });
};
