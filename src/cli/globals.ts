import type { Command } from 'commander';
import { openContext, settingsContext, type Context, type SettingsContext } from '../context/context.js';
import { UsageError } from '../kernel/errors.js';
import { fileSink, stdoutSink, type OutputSink } from '../render/output.js';
import { printable } from '../render/printable.js';
import { FORMATS, formatsFor, rendererFor, type Format, type ReportData } from '../render/renderers.js';
import { makeStyle, plainStyle, type Style } from '../render/style.js';
import type { ReportKind } from '../kernel/schemas.js';
import { environmentOf, resolvePath, type CliIo } from './io.js';

export type { Format };
export type ExitCode = 0 | 1 | 2;
/**
 * What each command module exports: it adds its commands, whose actions report their exit code through `exit`, with the
 * reason for a 2 (could not decide), which main prints on stderr whatever the format.
 */
export type Register = (program: Command, exit: (code: ExitCode, reason?: string) => void, io: CliIo) => void;

/** The global options every command sees. */
export interface GlobalOptions {
  repo: string;
  /** Whether --repo was given: paths on the command line are then relative to the repository root. */
  repoGiven: boolean;
  format: Format;
  output?: string;
  config?: string;
  /** --trust-repo-config: the repository's .aiprov.yml and .npmrc may choose hosts and credentials. */
  trustRepoConfig: boolean;
  /** --recover-from: the refs records are recovered from (empty: none); every pull ref and noted commit when unset. */
  recoverFrom?: string[];
  quiet: boolean;
  debug: boolean;
  /** The run's streams, environment and working directory. */
  io: CliIo;
}

export interface RawGlobals {
  repo?: string;
  format?: string;
  output?: string;
  config?: string;
  trustRepoConfig?: boolean;
  recoverFrom?: string;
  quiet?: boolean;
  debug?: boolean;
}

/** Reads the global options; `--format` must be one the report kind has a renderer for. */
export function readGlobals(raw: RawGlobals, kind: ReportKind | null, command: string, io: CliIo): GlobalOptions {
  const format = (raw.format ?? 'table') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${raw.format ?? ''}: expected one of ${FORMATS.join(', ')}`);
  const supported = kind === null ? ['table'] : formatsFor(kind);
  if (!supported.includes(format)) throw new UsageError(`${command} does not support --format ${format} (it supports ${supported.join(', ')})`);
  if (raw.output === '') throw new UsageError('--output needs a file name');
  const options: GlobalOptions = {
    repo: raw.repo ?? '.',
    repoGiven: raw.repo !== undefined,
    format,
    trustRepoConfig: raw.trustRepoConfig === true,
    quiet: raw.quiet === true,
    debug: raw.debug === true,
    io,
  };
  // `-` is standard output, as for most tools (never a file named `-`).
  if (raw.output !== undefined && raw.output !== '-') options.output = resolvePath(io, raw.output);
  if (raw.config !== undefined) options.config = raw.config;
  if (raw.recoverFrom !== undefined) options.recoverFrom = recoverFrom(raw.recoverFrom);
  return options;
}

/** `--recover-from refs/remotes/origin/*,refs/pull/*\/head`, or `none`: ref patterns as for-each-ref takes them. */
function recoverFrom(value: string): string[] {
  if (value.trim() === 'none') return [];
  const patterns = value.split(',').map((p) => p.trim());
  for (const p of patterns)
    if (!/^refs\/[^\s\0]+$/.test(p) || p.includes('..'))
      throw new UsageError(
        `--recover-from ${JSON.stringify(p)}: expected ref patterns under refs/ (refs/remotes/origin/*, refs/pull/*/head), comma-separated, or none`,
      );
  return patterns;
}

/**
 * The context of one command, built once here from the global options: the
 * repository (`--repo`), its config (`--config`, or `.aiprov.yml`; none when
 * `readConfig` is false, for commands that do not use it), the process's
 * environment and the system clock.
 */
export function contextFor(options: GlobalOptions, readConfig = true): Promise<Context> {
  return openContext({
    repo: options.repo,
    env: environmentOf(options.io),
    ...configOption(options, readConfig),
    ...(options.recoverFrom ? { recoverFrom: options.recoverFrom } : {}),
  });
}

/** The same without a repository (`deps check`): a config only when `--config` names one. */
export function settingsFor(options: GlobalOptions): Promise<SettingsContext> {
  return settingsContext({ env: environmentOf(options.io), ...configOption(options, true) });
}

function configOption(options: GlobalOptions, readConfig: boolean): { config?: string | false; trustRepoConfig: boolean } {
  const trustRepoConfig = options.trustRepoConfig;
  if (!readConfig) return { config: false, trustRepoConfig };
  return options.config !== undefined ? { config: options.config, trustRepoConfig } : { trustRepoConfig };
}

/** Colour only on standard output: for a terminal, or when FORCE_COLOR asks; never with NO_COLOR, never into a file. */
export function styleFor(options: GlobalOptions): Style {
  return options.output === undefined ? makeStyle(options.io.stdout.isTTY === true, options.io.env) : plainStyle;
}

/** Progress and warnings for people: stderr, silenced by --quiet. */
export function notice(options: GlobalOptions, message: string): void {
  if (!options.quiet) options.io.stderr.write(`aiprov: ${printable(message)}\n`);
}

/**
 * Prints a command's result with the renderer of its kind and format, to
 * stdout or to `--output` (written atomically: a failure leaves no partial file).
 */
export async function print<K extends ReportKind>(options: GlobalOptions, kind: K, data: ReportData[K]): Promise<void> {
  const render = rendererFor(kind, options.format);
  if (!render) throw new UsageError(`no ${options.format} output for ${kind}`);
  const sink: OutputSink = options.output !== undefined ? fileSink(options.output) : stdoutSink(options.io.stdout);
  // People read tables and markdown: nothing from the repository may reach their terminal as a control sequence.
  const out = options.format === 'table' || options.format === 'markdown' ? printableSink(sink) : sink;
  try {
    await render(data, out, styleFor(options));
    await sink.commit();
  } catch (error) {
    await sink.abort();
    throw error;
  }
}

/**
 * A value given with the global `--output` to a command where it is not a
 * report file (keygen's key prefix, init's config file): still taken, with a
 * warning naming the flag that says what it is. Both together are refused.
 */
export function deprecatedOutput(options: GlobalOptions, raw: RawGlobals, flag: string, given: string | undefined): string | undefined {
  if (raw.output === undefined) return given;
  if (given !== undefined) throw new UsageError(`--output and ${flag} both name the same thing here: give ${flag}`);
  options.io.stderr.write(`aiprov: warning: --output here is deprecated: use ${flag} (--output names a report file)\n`);
  return raw.output;
}

/** A flag's value that must be a whole number of at least 1 (`--jobs`, `--depth`). */
export function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} ${value}: expected a whole number of at least 1`);
  return n;
}

/** Commander's accumulator for a repeatable option (`--include A --include B`). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * Writes a whole document that is not a report kind (a CycloneDX BOM, a
 * bundle, verification results) to `file` atomically, or to stdout: on a
 * failure the sink is aborted, so no partial file is left.
 */
export async function writeWhole(io: CliIo, file: string | undefined, text: string): Promise<void> {
  const sink: OutputSink = file !== undefined ? fileSink(resolvePath(io, file)) : stdoutSink(io.stdout);
  try {
    await sink.write(text);
    await sink.commit();
  } catch (error) {
    await sink.abort();
    throw error;
  }
}

/** The same sink, with every string written made printable (report/printable.ts). */
function printableSink(sink: OutputSink): OutputSink {
  return { ...sink, write: (text) => sink.write(typeof text === 'string' ? printable(text) : text) };
}
