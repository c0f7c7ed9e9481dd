import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../kernel/errors.js';
import { auditDecision, auditRepository, checkNames, type DepsReport } from '../deps/audit.js';
import type { DepsSettings } from '../deps/settings.js';
import { ECOSYSTEMS, type Ecosystem, type SignalId } from '../deps/types.js';
import type { Severity } from '../policy/severity.js';
import { exitCodeFor } from './exit.js';
import { Progress, progressOption } from './progress.js';
import { collect, contextFor, notice, print, readGlobals, settingsFor, type ExitCode, type GlobalOptions, type RawGlobals, type Register } from './globals.js';
import { resolvePath } from './io.js';

interface CommonFlags {
  failOn?: Severity;
  requireSignals?: string;
  offline?: boolean;
  allowUnknown?: boolean;
  cacheDir?: string;
  skip?: Ecosystem[];
  exclude?: string[];
}

const common = (command: Command): Command =>
  command
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (default: high, or deps.failOn)').choices([
        'critical',
        'high',
        'medium',
        'low',
      ]),
    )
    .option('--offline', 'answer from the registry cache only')
    .option('--allow-unknown', 'exit 0 even when some names could not be checked')
    .option(
      '--require-signals <ids>',
      `make a package unknown, not ok, when one of these signals could not be evaluated (comma-separated: ${REQUIRABLE.join(', ')})`,
    )
    .option('--cache-dir <dir>', 'registry cache directory (default: ~/.cache/aiprov/registry)')
    .option('--exclude <glob>', 'leave these files out (repeatable; adds to deps.exclude): chat transcripts, fixtures, vendored docs', collect)
    .addOption(
      new Option(
        '--skip <ecosystem>',
        `leave an ecosystem out: its names are listed, not looked up (${ECOSYSTEMS.join(', ')}; repeatable; replaces deps.skip)`,
      ).argParser((value: string, previous: Ecosystem[] | undefined) => {
        if (!(ECOSYSTEMS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${ECOSYSTEMS.join(', ')}`);
        return [...(previous ?? []), value as Ecosystem];
      }),
    );

export const registerDeps: Register = (program, exit, io) => {
  const deps = program.command('deps').description('hallucinated, typosquatted and risky packages');
  common(deps.command('audit').description('check every dependency name in the repository (manifests, lockfiles, install commands) against its registry'))
    .option('--no-history', 'do not look for the commit that introduced each name')
    .action(async (flags: CommonFlags & { history: boolean }, command: Command) => {
      const options = readGlobals(command.optsWithGlobals<RawGlobals>(), 'dependencyAudit', 'deps audit', io);
      const progress = Progress.for(options.quiet, 'checked', options.io.stderr);
      const report = await auditRepository({
        context: await contextFor(options),
        ...progressOption(progress),
        settings: overrides(flags),
        offline: flags.offline === true,
        history: flags.history,
        ...(flags.cacheDir !== undefined ? { cacheDir: resolvePath(options.io, flags.cacheDir) } : {}),
      }).finally(() => {
        progress?.done();
      });
      exit(...(await finish(options, report, flags)));
    });
  common(deps.command('check').description('check package names from anywhere, or the install commands in a text').argument('[names...]'))
    .addOption(new Option('--ecosystem <ecosystem>', 'registry the names belong to').choices([...ECOSYSTEMS]).default('npm'))
    .option('--from-text <file>', 'also check the packages named by install commands in this text (a chat answer, a README)')
    .action(async (names: string[], flags: CommonFlags & { ecosystem: Ecosystem; fromText?: string }, command: Command) => {
      const options = readGlobals(command.optsWithGlobals<RawGlobals>(), 'dependencyAudit', 'deps check', io);
      if (names.length === 0 && flags.fromText === undefined)
        throw new UsageError('no package names to check (give names, or --from-text FILE with install commands in it)');
      const progress = Progress.for(options.quiet, 'checked', options.io.stderr);
      const report = await checkNames({
        context: await settingsFor(options),
        ...progressOption(progress),
        names,
        ecosystem: flags.ecosystem,
        ...(flags.fromText !== undefined ? { fromText: flags.fromText } : {}),
        settings: overrides(flags),
        offline: flags.offline === true,
        ...(flags.cacheDir !== undefined ? { cacheDir: resolvePath(options.io, flags.cacheDir) } : {}),
      }).finally(() => {
        progress?.done();
      });
      exit(...(await finish(options, report, flags)));
    });
};

const REQUIRABLE: readonly SignalId[] = ['new-package', 'low-popularity', 'install-scripts', 'no-repository', 'deprecated'];

function overrides(flags: CommonFlags): Partial<DepsSettings> {
  const out: Partial<DepsSettings> = flags.failOn ? { failOn: flags.failOn } : {};
  if (flags.skip !== undefined) out.skip = [...new Set(flags.skip)];
  if (flags.exclude !== undefined) out.exclude = flags.exclude;
  if (flags.requireSignals !== undefined) {
    const ids = flags.requireSignals
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const bad = ids.find((id) => !REQUIRABLE.includes(id as SignalId));
    if (bad !== undefined || ids.length === 0)
      throw new UsageError(`--require-signals ${flags.requireSignals}: expected a comma-separated list of ${REQUIRABLE.join(', ')}`);
    out.requireSignals = ids as SignalId[];
  }
  return out;
}

/** Prints the report; the exit code is the policy layer's decision on it, with the reason when it could not decide. */
async function finish(options: GlobalOptions, report: DepsReport, flags: CommonFlags): Promise<[ExitCode, string?]> {
  for (const w of report.warnings) notice(options, `warning: ${w.message}`);
  const decided: DepsReport = flags.allowUnknown === true ? { ...report, allowUnknown: true } : report;
  await print(options, 'dependencyAudit', decided);
  const outcome = auditDecision(decided, flags.allowUnknown === true);
  return outcome === 'undecided' ? [exitCodeFor(outcome), undecidedReason(decided)] : [exitCodeFor(outcome)];
}

/** One line: how many names (and files) could not be checked, the first reason, and how to accept them. */
function undecidedReason(report: DepsReport): string {
  const unknown = report.dependencies.filter((d) => d.verdict === 'unknown' && d.local === undefined && d.skipped !== true);
  const first = unknown[0];
  const names =
    unknown.length > 0
      ? `${unknown.length} name${unknown.length === 1 ? '' : 's'} could not be checked (${first?.ecosystem ?? ''}:${first?.name ?? ''}: ${first?.error ?? 'no answer'})`
      : '';
  const files = report.summary.unreadFiles > 0 ? `${report.summary.unreadFiles} file${report.summary.unreadFiles === 1 ? '' : 's'} could not be read` : '';
  return `could not decide: ${[names, files].filter((p) => p !== '').join('; ')}; --allow-unknown accepts what could not be checked`;
}
