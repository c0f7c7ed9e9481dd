import path from 'node:path';
import type { Command } from 'commander';
import { DirectoryCache } from '../kernel/cache-store.js';
import type { BlameCache } from '../blame/groups-cache.js';
import type { Context } from '../context/context.js';
import { UsageError } from '../kernel/errors.js';
import { contextFor, notice, readGlobals, type GlobalOptions, type RawGlobals, type Register } from './globals.js';
import { resolvePath } from './io.js';

/**
 * Where the cache is when neither --blame-cache nor AIPROV_BLAME_CACHE says: inside the repository's git directory
 * (the one its worktrees share), which a clone never carries.
 */
const DEFAULT_DIR = path.join('aiprov', 'cache');
const DEFAULT_MAX_MB = 1024;

export interface CacheFlags {
  /** False with --no-blame-cache. */
  blameCache: boolean | string;
}

/** The flags of commands that blame through the cache. */
export function cacheOptions(command: Command): Command {
  return command
    .option(
      '--blame-cache <dir>',
      "where git blame's answers are kept between runs (default: $AIPROV_BLAME_CACHE, else aiprov/cache in the git directory; AIPROV_BLAME_CACHE=off: none)",
    )
    .option('--no-blame-cache', 'blame every file afresh, and keep nothing');
}

/** The cache directory and its size limit, from the flags, then the environment, then the repository. */
export async function cacheDirectory(options: GlobalOptions, given: string | undefined, commonDir: () => Promise<string>): Promise<DirectoryCache> {
  const env = options.io.env;
  // AIPROV_BLAME_CACHE=off turns the cache off for the commands that use it; `aiprov cache` then names the default.
  const dir = given ?? (env.AIPROV_BLAME_CACHE === 'off' ? undefined : env.AIPROV_BLAME_CACHE);
  const location = dir !== undefined && dir !== '' ? resolvePath(options.io, dir) : path.join(await commonDir(), DEFAULT_DIR);
  const raw = env.AIPROV_BLAME_CACHE_MAX_MB;
  const mb = raw === undefined || raw === '' ? DEFAULT_MAX_MB : Number(raw);
  if (!Number.isFinite(mb) || mb <= 0) throw new UsageError(`AIPROV_BLAME_CACHE_MAX_MB=${raw}: expected a positive number of megabytes`);
  return new DirectoryCache(location, mb * 1024 * 1024, (message) => {
    notice(options, `warning: ${message}`);
  });
}

/** The blame cache a command passes to the library (its analyser keeps git-ai's record index there too), or none with --no-blame-cache. */
export async function blameCache(options: GlobalOptions, flags: CacheFlags, context: Pick<Context, 'git' | 'analyser'>): Promise<{ cache?: BlameCache }> {
  const given = typeof flags.blameCache === 'string' ? flags.blameCache : undefined;
  if (flags.blameCache === false || (given === undefined && options.io.env.AIPROV_BLAME_CACHE === 'off')) return {};
  const store = await cacheDirectory(options, given, () => context.git.commonDir());
  const cache: BlameCache = {
    store,
    onWarning: (message) => {
      notice(options, `warning: ${message}`);
    },
  };
  // The scans and blames of this command find git-ai's records through an index kept by notes tip in the same cache.
  context.analyser.keepIndexesIn(cache);
  return { cache };
}

export const registerCache: Register = (program, exit, io) => {
  const cache = program
    .command('cache')
    .description("the blame cache (git blame's answers kept between runs): where it is, how large, and clearing it; the registry cache is --cache-dir's");
  /** The cache a subcommand names, and how large it is, for `info` and `clear`. */
  const subcommand = (name: string, description: string, act: (store: DirectoryCache, options: GlobalOptions) => Promise<void>): void => {
    cache
      .command(name)
      .description(description)
      .option('--blame-cache <dir>', 'the cache directory (default: $AIPROV_BLAME_CACHE, else aiprov/cache in the git directory)')
      .action(async (flags: { blameCache?: string }, command: Command) => {
        const options = readGlobals(command.optsWithGlobals<RawGlobals>(), null, 'cache', io);
        await act(await cacheDirectory(options, flags.blameCache, async () => (await contextFor(options, false)).git.commonDir()), options);
        exit(0);
      });
  };
  const size = ({ entries, bytes }: { entries: number; bytes: number }): string => `${entries} entries, ${(bytes / 1024 / 1024).toFixed(1)} MB`;
  subcommand('info', 'where the cache is, its entries and their size', async (store) => {
    io.stdout.write(`${store.location}\n${size(await store.usage())}\n`);
  });
  subcommand('clear', 'remove every entry (results are computed again when next needed)', async (store, options) => {
    const before = await store.usage();
    await store.clear();
    notice(options, `cleared ${store.location}: ${size(before)}`);
  });
};
