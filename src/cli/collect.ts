import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { blameCache, cacheOptions, type CacheFlags } from './cache.js';
import { readDepsReport } from '../bom/inputs.js';
import { attributeFindings } from '../findings/findings.js';
import { readSarifFile } from '../findings/sarif.js';
import { openContext, type Context } from '../context/context.js';
import { collectRepository, type CollectOptions, type CollectResult } from '../inventory/collect.js';
import { collectMany } from '../inventory/many.js';
import { UsageError } from '../kernel/errors.js';
import { readRegularFile } from '../kernel/files.js';
import { systemClock } from '../kernel/clock.js';
import { collectReport } from '../render/collect-render.js';
import { DEFAULT_STORE_FILE, openStore } from '../store/open.js';
import type { SqlDatabase } from '../store/database.js';
import {
  collect as collectValues,
  contextFor,
  notice,
  positiveInteger,
  print,
  readGlobals,
  type GlobalOptions,
  type RawGlobals,
  type Register,
} from './globals.js';
import { environmentOf, resolvePath, type CliIo } from './io.js';
import { readReviewTrust, readTrust, rootLoader, trustOptions, type TrustFlags } from './trust.js';
import type { ImageBundles, VerifiedSource } from '../inventory/verified.js';
import { findBundles, resolveImage } from '../oci/bundles.js';
import { formatReference } from '../oci/reference.js';
import { registryClient, registryOptions, type RegistryFlags } from './registry.js';
import { createHash } from 'node:crypto';
import { parseDuration } from '../verify/attestation.js';

interface CollectFlags extends TrustFlags, RegistryFlags, CacheFlags {
  verifiedOnly?: boolean;
  maxAge?: string;
  store?: string;
  rev: string;
  repoUrl?: string;
  defaultBranch?: string;
  depsReport?: string;
  full?: boolean;
  repos?: string;
  jobs?: string;
  allowShallow?: boolean;
  exclude?: string[];
  sarif?: string[];
}

/** Repository lists are small text files; a bigger one is a mistake (a binary, a log), refused by name. */
const REPOS_FILE_CAP = 4 * 1024 * 1024;

export const registerCollect: Register = (program, exit, io) => {
  cacheOptions(registryOptions(trustOptions(program.command('collect'))))
    .description("add this repository's AI footprint (or, with --repos, many repositories') to the organisation's store, incrementally")
    .option('--store <url|file>', `a PostgreSQL URL (postgres://…) or a SQLite file (default: $AIPROV_STORE, else ${DEFAULT_STORE_FILE})`)
    .option('--rev <rev>', 'the revision collected: in CI, the default branch just pushed', 'HEAD')
    .option('--repo-url <url>', "the repository's identity in the store (default: its origin remote's URL, credentials removed)")
    .option('--default-branch <name>', 'the default branch recorded (default: the branch checked out)')
    .option('--deps-report <file>', "store this dependency audit's findings (aiprov deps audit --format json) for the repository")
    .option('--sarif <file>', "store a code scanner's findings at the revision (SARIF 2.1.0), by who wrote their lines (repeatable)", collectValues)
    .option('--full', 'read and write the repository again even when its head and notes are what the store last saw')
    .option('--repos <file>', 'collect every repository directory listed in this file (one per line, # comments; relative to the file)')
    .option('--jobs <n>', 'with --repos: repositories collected at once (default 1); otherwise: concurrent git blame processes')
    .option('--allow-shallow', 'collect a shallow clone anyway (lines older than its boundary go to the boundary commit)')
    .option('--exclude <glob>', "leave out files matching this glob from the tree's figures, as blame does (repeatable)", collectValues)
    .option(
      '--verified-only',
      'count only what authorship, audit and review attestations in refs/notes/aiprov-attestations say, verified with the trust given (--key or a certificate identity)',
    )
    .option('--max-age <duration>', 'with --verified-only: an attestation signed longer ago is not counted (90d, 12h)')
    .option(
      '--image <ref>',
      'with --verified-only: the image built from the repository, whose attached authorship and audit attestations (referrers API, referrers tag, cosign .att) say the head',
    )
    .action(async (flags: CollectFlags, command: Command) => {
      const options = readGlobals(command.optsWithGlobals<RawGlobals>(), 'collectReport', 'collect', io);
      const verified = await verifiedTrust(io, flags);
      if (flags.repos !== undefined && (flags.repoUrl !== undefined || flags.depsReport !== undefined || flags.sarif !== undefined || options.repoGiven))
        throw new UsageError('--repos collects many repositories: --repo, --repo-url, --deps-report and --sarif name one');
      const jobs = flags.jobs === undefined ? undefined : positiveInteger('--jobs', flags.jobs);
      const target = flags.store ?? io.env.AIPROV_STORE ?? DEFAULT_STORE_FILE;
      const store = await openStore({ target, cwd: io.cwd, now: systemClock.now(), connections: (flags.repos !== undefined ? (jobs ?? 1) : 1) + 1 });
      try {
        const results =
          flags.repos !== undefined
            ? await collectListed(options, flags, store, jobs ?? 1, verified)
            : [await collectOne(await contextFor(options), flags, store, jobs, io.cwd, verified, options)];
        for (const r of results) if (!('error' in r)) for (const w of r.warnings) notice(options, `warning: ${r.repository.name}: ${w.message}`);
        await print(options, 'collectReport', collectReport(store.location, results));
        exit(results.some((r) => 'error' in r) ? 2 : 0, results.some((r) => 'error' in r) ? 'some repositories could not be collected' : undefined);
      } finally {
        await store.close();
      }
    });
};

async function collectOne(
  context: Context,
  flags: CollectFlags,
  store: SqlDatabase,
  jobs: number | undefined,
  cwd: string,
  verified: VerifiedSource | undefined,
  options: GlobalOptions,
): Promise<CollectResult> {
  const cache = verified ? {} : await blameCache(options, flags, context);
  const deps =
    flags.depsReport !== undefined ? { report: await readDepsReport(path.resolve(cwd, flags.depsReport)), file: path.basename(flags.depsReport) } : undefined;
  const sarif = await Promise.all((flags.sarif ?? []).map((f) => readSarifFile(path.resolve(cwd, f), f)));
  const findings =
    sarif.length > 0
      ? (await attributeFindings({ context, inputs: sarif, rev: flags.rev, ...(jobs !== undefined ? { jobs } : {}), ...cache })).report
      : undefined;
  const collect: CollectOptions = {
    ...cache,
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
    ...(findings ? { findings } : {}),
    ...(flags.full === true ? { full: true } : {}),
    ...(flags.allowShallow === true ? { allowShallow: true } : {}),
    ...(flags.exclude ? { exclude: flags.exclude } : {}),
    ...(jobs !== undefined ? { jobs } : {}),
    ...(verified ? { verified } : {}),
  };
  return collectRepository(collect);
}

async function collectListed(options: GlobalOptions, flags: CollectFlags, store: SqlDatabase, jobs: number, verified: VerifiedSource | undefined) {
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
      {
        rev: flags.rev,
        blameCache: flags.blameCache,
        ...(flags.full === true ? { full: true } : {}),
        ...(flags.allowShallow === true ? { allowShallow: true } : {}),
        ...(flags.exclude ? { exclude: flags.exclude } : {}),
      },
      store,
      blameJobs,
      options.io.cwd,
      verified,
      options,
    );
  });
}

/** With --verified-only, who is trusted (as `verify` takes it); without it, trust flags are a mistake, said. */
async function verifiedTrust(io: CliIo, flags: CollectFlags): Promise<VerifiedSource | undefined> {
  const given = [
    flags.image,
    flags.key,
    flags.certificateIdentity,
    flags.certificateIdentityRegexp,
    flags.certificateOidcIssuer,
    flags.trustedRoot,
    flags.reviewKey,
    flags.reviewIdentity,
    flags.maxAge,
  ];
  if (flags.verifiedOnly !== true) {
    if (given.some((g) => g !== undefined)) throw new UsageError('trust flags, --image and --max-age apply to --verified-only');
    return undefined;
  }
  if (flags.depsReport !== undefined) throw new UsageError('--verified-only counts the attested audit, not a file: drop --deps-report');
  if (flags.sarif !== undefined) throw new UsageError('--verified-only counts only what signed attestations say, and a SARIF log is not one: drop --sarif');
  if (flags.image !== undefined && flags.repos !== undefined) throw new UsageError('--image is the image of one repository: it cannot go with --repos');
  const maxAgeMs = flags.maxAge === undefined ? undefined : parseDuration(flags.maxAge);
  if (flags.maxAge !== undefined && maxAgeMs === undefined)
    throw new UsageError('expected a duration such as 90d, 12h, 30m or 1d12h', { field: 'maxAge', value: flags.maxAge });
  const roots = rootLoader(io, flags);
  return {
    trust: await readTrust(io, flags, roots),
    reviewTrust: await readReviewTrust(io, flags, undefined, roots),
    ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
    ...(flags.image !== undefined ? { image: await imageBundles(io, { ...flags, image: flags.image }) } : {}),
  };
}

/** The Sigstore bundles attached to the image, read from its registry as `verify --image` reads them. */
async function imageBundles(io: CliIo, flags: RegistryFlags & { image: string }): Promise<ImageBundles> {
  const registry = await registryClient(io, flags, 'pull');
  const digest = (await resolveImage(registry)).descriptor.digest;
  const searched = await findBundles(registry, digest);
  return {
    digest,
    reference: formatReference(registry.ref, digest),
    inputs: searched.found.map((f) => ({ source: f.source, sha256: createHash('sha256').update(f.bytes).digest('hex'), json: f.json })),
  };
}
