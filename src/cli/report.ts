import path from 'node:path';
import type { Command } from 'commander';
import { blameCache, cacheOptions, type CacheFlags } from './cache.js';
import { readDepsReport, readSbom } from '../bom/inputs.js';
import { collectDashboard } from '../dashboard/collect.js';
import { UsageError } from '../kernel/errors.js';
import { Progress, progressOption } from './progress.js';
import { attributeFindings } from '../findings/findings.js';
import { readSarifFile } from '../findings/sarif.js';
import { collect, contextFor, notice, positiveInteger, print, readGlobals, type RawGlobals, type Register } from './globals.js';
import { resolvePath, type CliIo } from './io.js';
import { readOrgReport } from '../inventory/org-report.js';
import { systemClock } from '../kernel/clock.js';
import { openStore } from '../store/open.js';
import { sinceTime } from './since.js';

interface ReportFlags extends CacheFlags {
  html?: boolean;
  store?: string | true;
  repoLink?: string;
  rev: string;
  since?: string;
  depsReport?: string;
  bom?: string;
  sarif?: string[];
  jobs?: string;
  allowShallow?: boolean;
}

/** Where `report --html` writes when no --output is given: a page is not for a terminal. */
export const DEFAULT_DASHBOARD_FILE = 'aiprov-report.html';
/** And the organisation's page (`--store`). */
export const DEFAULT_ORG_FILE = 'aiprov-org-report.html';

export const registerReport: Register = (program, exit, io) => {
  cacheOptions(
    program
      .command('report')
      .description(
        "the security dashboard: AI share over time and by agent, where agents wrote in risky code without review, the gate's record, dependency findings",
      )
      .option('--html', `one self-contained HTML page (written to --output, default ${DEFAULT_DASHBOARD_FILE}); same as --format html`)
      .option('--rev <rev>', 'revision whose tree and history are shown', 'HEAD')
      .option('--since <date|rev>', "leave out commits, lines and checks before this date (YYYY-MM-DD, or ISO 8601 with a time) or this revision's commit time")
      .option('--deps-report <file>', 'show the findings of a dependency audit of the same repository (aiprov deps audit --format json)')
      .option('--bom <file>', 'summarise this CycloneDX AI-BOM (aiprov bom)')
      .option('--sarif <file>', "a code scanner's SARIF log of the revision: its findings by who wrote their lines, with densities (repeatable)", collect)
      .option('--jobs <n>', 'concurrent git blame processes (default: number of CPUs)')
      .option('--allow-shallow', 'build it on a shallow clone (lines older than its boundary are counted as written by the boundary commit)')
      .option(
        '--store [url|file]',
        `the organisation's page instead, from this store alone (aiprov collect; with no value, $AIPROV_STORE; written to --output, default ${DEFAULT_ORG_FILE}, with --html)`,
      )
      .option(
        '--repo-link <template>',
        "with --store: link each repository to its own page, a URL with the repository's name (or URL) in its placeholder: https://ci.example.com/{name}/aiprov-report.html",
      ),
  ).action(async (flags: ReportFlags, command: Command) => {
    const raw = command.optsWithGlobals<RawGlobals>();
    if (flags.html === true && raw.format !== undefined && raw.format !== 'html')
      throw new UsageError(`--html and --format ${raw.format} ask for two formats: choose one`);
    const html = flags.html === true || raw.format === 'html';
    if (flags.store !== undefined) {
      await orgReport(flags, raw, html, io);
      exit(0);
      return;
    }
    if (flags.repoLink !== undefined) throw new UsageError("--repo-link applies to the organisation's page (--store)");
    const options = readGlobals({ ...raw, ...(html ? { format: 'html', output: raw.output ?? DEFAULT_DASHBOARD_FILE } : {}) }, 'dashboard', 'report', io);
    const jobs = flags.jobs === undefined ? undefined : positiveInteger('--jobs', flags.jobs);
    const context = await contextFor(options);
    const since = flags.since === undefined ? undefined : await sinceTime(context.git, flags.since);
    const [deps, bom] = await Promise.all([
      flags.depsReport !== undefined
        ? readDepsReport(resolvePath(io, flags.depsReport)).then((report) => ({ report, file: path.basename(flags.depsReport ?? '') }))
        : undefined,
      flags.bom !== undefined ? readSbom(resolvePath(io, flags.bom)).then((sbom) => ({ sbom, file: path.basename(flags.bom ?? '') })) : undefined,
    ]);
    const sarif = await Promise.all((flags.sarif ?? []).map((f) => readSarifFile(resolvePath(io, f), f)));
    const progress = Progress.for(options.quiet, 'blamed files:', options.io.stderr);
    const cache = await blameCache(options, flags, context);
    const findings =
      sarif.length > 0
        ? (await attributeFindings({ context, inputs: sarif, rev: flags.rev, ...(jobs !== undefined ? { jobs } : {}), ...cache })).report
        : undefined;
    const data = await collectDashboard({
      ...cache,
      context,
      rev: flags.rev,
      now: context.clock.now(),
      ...(since ? { since } : {}),
      ...(context.config.risk ? { risk: context.config.risk } : {}),
      ...(context.config.review ? { review: context.config.review } : {}),
      policySource: context.configFile ?? 'the built-in rules',
      ...(deps ? { deps } : {}),
      ...(bom ? { bom } : {}),
      ...(findings ? { findings } : {}),
      ...(jobs !== undefined ? { jobs } : {}),
      ...(flags.allowShallow === true ? { allowShallow: true } : {}),
      ...progressOption(progress),
    }).finally(() => {
      progress?.done();
    });
    for (const warning of data.warnings) notice(options, `warning: ${warning.message}`);
    await print(options, 'dashboard', data);
    if (html && options.output !== undefined) notice(options, `dashboard written to ${options.output}`);
    exit(0);
  });
};

/** `report --store`: the organisation's page from the store alone; no repository is opened. */
async function orgReport(flags: ReportFlags, raw: RawGlobals, html: boolean, io: CliIo): Promise<void> {
  for (const [flag, given] of [
    ['--since', flags.since],
    ['--deps-report', flags.depsReport],
    ['--bom', flags.bom],
    ['--sarif', flags.sarif],
    ['--jobs', flags.jobs],
    ['--allow-shallow', flags.allowShallow],
    ['--rev', flags.rev === 'HEAD' ? undefined : flags.rev],
    ['--repo', raw.repo],
  ] as const)
    if (given !== undefined) throw new UsageError(`${flag} is about one repository; the organisation's page (--store) is built from the store alone`);
  const options = readGlobals({ ...raw, ...(html ? { format: 'html', output: raw.output ?? DEFAULT_ORG_FILE } : {}) }, 'orgReport', 'report --store', io);
  const now = systemClock.now();
  const target = flags.store === true ? io.env.AIPROV_STORE : flags.store;
  if (target === undefined || target === '') throw new UsageError('--store names no store, and AIPROV_STORE is not set');
  const store = await openStore({ target, cwd: io.cwd, now, mustExist: true });
  try {
    const report = await readOrgReport({ store, now, ...(flags.repoLink !== undefined ? { repoLink: flags.repoLink } : {}) });
    await print(options, 'orgReport', report);
    if (html && options.output !== undefined) notice(options, `organisation page written to ${options.output}`);
  } finally {
    await store.close();
  }
}
