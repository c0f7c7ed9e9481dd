import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { readDepsReport } from '../bom/inputs.js';
import { openContext, type Context } from '../context/context.js';
import { collectRepository, type CollectOptions, type CollectResult } from '../inventory/collect.js';
import { collectMany } from '../inventory/many.js';
import { UsageError } from '../kernel/errors.js';
import { readRegularFile } from '../kernel/files.js';
import { systemClock } from '../kernel/clock.js';
import { collectReport } from '../render/collect-render.js';
import { DEFAULT_STORE_FILE, openStore } from '../store/open.js';
import type { SqlDatabase } from '../store/database.js';
import { contextFor, notice, positiveInteger, print, readGlobals, type GlobalOptions, type RawGlobals, type Register } from './globals.js';
import { environmentOf, resolvePath } from './io.js';

interface CollectFlags {
  store?: string;
  rev: string;
  repoUrl?: string;
  defaultBranch?: string;
  depsReport?: string;
  full?: boolean;
  repos?: string;
  jobs?: string;
  allowShallow?: boolean;
}

/** Repository lists are small text files; a bigger one is a mistake (a binary, a log), refused by name. */
const REPOS_FILE_CAP = 4 * 1024 * 1024;

export const registerCollect: Register = (program, exit, io) => {
  program
    .command('collect')
    .description("add this repository's AI footprint (or, with --repos, many repositories') to the organisation's store, incrementally")
    .option('--store <url|file>', `a PostgreSQL URL (postgres://…) or a SQLite file (default: $AIPROV_STORE, else ${DEFAULT_STORE_FILE})`)
    .option('--rev <rev>', 'the revision collected: in CI, the default branch just pushed', 'HEAD')
    .option('--repo-url <url>', "the repository's identity in the store (default: its origin remote's URL, credentials removed)")
    .option('--default-branch <name>', 'the default branch recorded (default: the branch checked out)')
    .option('--deps-report <file>', "store this dependency audit's findings (aiprov deps audit --format json) for the repository")
    .option('--full', 'read and write the repository again even when its head and notes are what the store last saw')
    .option('--repos <file>', 'collect every repository directory listed in this file (one per line, # comments; relative to the file)')
    .option('--jobs <n>', 'with --repos: repositories collected at once (default 1); otherwise: concurrent git blame processes')
    .option('--allow-shallow', 'collect a shallow clone anyway (lines older than its boundary go to the boundary commit)')
    .action(async (flags: CollectFlags, command: Command) => {
      const options = readGlobals(command.optsWithGlobals<RawGlobals>(), 'collectReport', 'collect', io);
      if (flags.repos !== undefined && (flags.repoUrl !== undefined || flags.depsReport !== undefined || options.repoGiven))
        throw new UsageError('--repos collects many repositories: --repo, --repo-url and --deps-report name one');
      const jobs = flags.jobs === undefined ? undefined : positiveInteger('--jobs', flags.jobs);
      const target = flags.store ?? io.env.AIPROV_STORE ?? DEFAULT_STORE_FILE;
      const store = await openStore({ target, cwd: io.cwd, now: systemClock.now(), connections: (flags.repos !== undefined ? (jobs ?? 1) : 1) + 1 });
      try {
        const results =
          flags.repos !== undefined
            ? await collectListed(options, flags, store, jobs ?? 1)
            : [await collectOne(await contextFor(options), flags, store, jobs, io.cwd)];
        for (const r of results) if (!('error' in r)) for (const w of r.warnings) notice(options, `warning: ${r.repository.name}: ${w.message}`);
        await print(options, 'collectReport', collectReport(store.location, results));
        exit(results.some((r) => 'error' in r) ? 2 : 0, results.some((r) => 'error' in r) ? 'some repositories could not be collected' : undefined);
      } finally {
        await store.close();
      }
    });
};

async function collectOne(context: Context, flags: CollectFlags, store: SqlDatabase, jobs: number | undefined, cwd: string): Promise<CollectResult> {
  const deps =
    flags.depsReport !== undefined ? { report: await readDepsReport(path.resolve(cwd, flags.depsReport)), file: path.basename(flags.depsReport) } : undefined;
  const options: CollectOptions = {
    context,
    store,
    rev: flags.rev,
    repository: {
      ...(flags.repoUrl !== undefined ? { url: flags.repoUrl } : {}),
      ...(flags.defaultBranch !== undefined ? { defaultBranch: flags.defaultBranch } : {}),
    },
    ...(context.config.risk ? { risk: context.config.risk } : {}),
    ...(context.config.review ? { review: context.config.review } : {}),
    policySource: context.configFile ?? 'the built-in rules',
    ...(deps ? { deps } : {}),
    ...(flags.full === true ? { full: true } : {}),
    ...(flags.allowShallow === true ? { allowShallow: true } : {}),
    ...(jobs !== undefined ? { jobs } : {}),
  };
  return collectRepository(options);
}

async function collectListed(options: GlobalOptions, flags: CollectFlags, store: SqlDatabase, jobs: number) {
  const list = resolvePath(options.io, flags.repos ?? '');
  const read = await readRegularFile(list, REPOS_FILE_CAP);
  if (!read.ok) throw new UsageError(`--repos ${flags.repos ?? ''}: ${read.problem}`, { code: 'BAD_PATH' });
  const dirs = read.bytes
    .toString('utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => path.resolve(path.dirname(list), l));
  if (dirs.length === 0) throw new UsageError(`--repos ${flags.repos ?? ''}: lists no repository`);
  // Blame's processes are shared out between the repositories collected at once.
  const blameJobs = Math.max(1, Math.floor(os.availableParallelism() / jobs));
  return collectMany(dirs, jobs, async (dir) => {
    const context = await openContext({
      repo: dir,
      env: environmentOf(options.io),
      trustRepoConfig: options.trustRepoConfig,
      ...(options.config !== undefined ? { config: options.config } : {}),
    });
    return collectOne(
      context,
      { rev: flags.rev, ...(flags.full === true ? { full: true } : {}), ...(flags.allowShallow === true ? { allowShallow: true } : {}) },
      store,
      blameJobs,
      options.io.cwd,
    );
  });
}
