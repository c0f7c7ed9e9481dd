import type { Command } from 'commander';
import { blameCache, cacheOptions, type CacheFlags } from './cache.js';
import { Option } from 'commander';
import { generateBom } from '../bom/bom.js';
import { SPEC_VERSIONS, type SpecVersion } from '../bom/validate.js';
import { readAttestations, readDepsReport, readSbom } from '../bom/inputs.js';
import { auditRepository } from '../deps/audit.js';
import { UsageError } from '../kernel/errors.js';
import { Progress, progressOption } from './progress.js';
import { contextFor, notice, positiveInteger, readGlobals, writeWhole, type RawGlobals, type Register } from './globals.js';
import { resolvePath } from './io.js';
import { sinceRevision } from './since.js';

interface BomFlags extends CacheFlags {
  rev: string;
  since?: string;
  spec: SpecVersion;
  deps?: boolean;
  depsReport?: string;
  attestations?: string;
  merge?: string;
  reproducible?: boolean;
  offline?: boolean;
  cacheDir?: string;
  jobs?: string;
}

export const registerBom: Register = (program, exit, io) => {
  cacheOptions(
    program
      .command('bom')
      .description(
        'the AI-BOM (CycloneDX, or SPDX 3.0.1 with --format spdx3): the models and agents that wrote the code, how much and where, and (with --deps) the dependencies they brought in',
      )
      .option('--rev <rev>', 'revision described', 'HEAD')
      .option('--since <rev|date>', 'only commits after this revision (a date: the newest commit before it), and the lines they introduced')
      .addOption(new Option('--spec <version>', 'CycloneDX spec version (--format cyclonedx)').choices([...SPEC_VERSIONS]).default('1.6'))
      .option('--deps', 'audit the dependencies now and include them (needs the registry, or --offline with a warm cache)')
      .option('--deps-report <file>', 'include the dependencies of an audit already run (aiprov deps audit --format json) on the same commit')
      .option('--offline', 'with --deps: answer from the registry cache only')
      .option('--cache-dir <dir>', 'with --deps: registry cache directory (default: ~/.cache/aiprov/registry)')
      .option(
        '--merge <sbom>',
        'enrich this CycloneDX JSON SBOM (cdxgen, syft, npm sbom, cyclonedx-npm) with the AI provenance instead of writing a second document',
      )
      .option('--attestations <dir>', 'reference each attestation bundle in this directory, with its SHA-256')
      .option('--reproducible', 'no timestamp and a serial number derived from the content: the same state gives the same bytes')
      .option('--jobs <n>', 'concurrent git blame processes (default: number of CPUs)'),
  ).action(async (flags: BomFlags, command: Command) => {
    const raw = command.optsWithGlobals<RawGlobals>();
    const format = bomFormat(raw.format, command);
    const options = readGlobals({ ...raw, format: 'table' }, null, 'bom', io);
    if (flags.deps === true && flags.depsReport !== undefined) throw new UsageError('--deps and --deps-report both give the dependencies: choose one');
    if (flags.offline === true && flags.deps !== true) throw new UsageError('--offline applies to --deps only');
    if (flags.cacheDir !== undefined && flags.deps !== true) throw new UsageError('--cache-dir applies to --deps only');
    const jobs = flags.jobs === undefined ? undefined : positiveInteger('--jobs', flags.jobs);
    const context = await contextFor(options);
    const since = flags.since === undefined ? undefined : await sinceRevision(context.git, flags.since, flags.rev);
    const [merge, deps, attestations] = await Promise.all([
      flags.merge !== undefined ? readSbom(resolvePath(io, flags.merge)).then((sbom) => ({ sbom, file: flags.merge ?? '' })) : undefined,
      flags.depsReport !== undefined
        ? readDepsReport(resolvePath(io, flags.depsReport))
        : flags.deps === true
          ? auditRepository({
              context,
              offline: flags.offline === true,
              ...(flags.cacheDir !== undefined ? { cacheDir: resolvePath(io, flags.cacheDir) } : {}),
            })
          : undefined,
      flags.attestations !== undefined ? readAttestations(resolvePath(io, flags.attestations)) : undefined,
    ]);
    const progress = Progress.for(options.quiet, 'blamed files:', options.io.stderr);
    const result = await generateBom({
      ...(await blameCache(options, flags, context)),
      context,
      rev: flags.rev,
      ...(since !== undefined ? { since } : {}),
      spec: flags.spec,
      ...(deps ? { deps } : {}),
      ...(attestations ? { attestations } : {}),
      ...(merge ? { merge } : {}),
      reproducible: flags.reproducible === true,
      format,
      ...(jobs !== undefined ? { jobs } : {}),
      ...progressOption(progress),
    }).finally(() => {
      progress?.done();
    });
    for (const warning of [...(deps?.warnings ?? []), ...result.warnings]) notice(options, `warning: ${warning.message}`);
    await writeWhole(io, options.output, result.text);
    notice(options, result.summary);
    exit(0);
  });
};

/** `--format`: CycloneDX JSON (`cyclonedx`, or `json` as before) or SPDX 3.0.1 JSON-LD (`spdx3`); `--spec` is CycloneDX's. */
function bomFormat(format: string | undefined, command: Command): 'cyclonedx' | 'spdx3' {
  if (format === undefined || format === 'json' || format === 'cyclonedx') return 'cyclonedx';
  if (format !== 'spdx3') throw new UsageError(`bom writes cyclonedx (CycloneDX JSON, the default) or spdx3 (SPDX 3.0.1 JSON-LD), not --format ${format}`);
  if (command.getOptionValueSource('spec') === 'cli') throw new UsageError('--spec is the CycloneDX version; --format spdx3 writes SPDX 3.0.1');
  return 'spdx3';
}
