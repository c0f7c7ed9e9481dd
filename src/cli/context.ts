import { openContext, settingsContext, type Context, type SettingsContext } from '../context/context.js';
import { UsageError } from '../errors.js';
import { fileSink, stdoutSink, type OutputSink } from '../report/output.js';
import { makeStyle, type Style } from '../report/style.js';

export type Format = 'table' | 'json' | 'sarif' | 'markdown';
const FORMATS: readonly Format[] = ['table', 'json', 'sarif', 'markdown'];

/** The global options of PRODUCT.md, as every command sees them. */
export interface GlobalOptions {
  repo: string;
  /** Whether --repo was given: paths on the command line are then relative to the repository root. */
  repoGiven: boolean;
  format: Format;
  output?: string;
  config?: string;
  quiet: boolean;
  debug: boolean;
}

export interface RawGlobals {
  repo?: string;
  format?: string;
  output?: string;
  config?: string;
  quiet?: boolean;
  debug?: boolean;
}

export function readGlobals(raw: RawGlobals, supported: readonly Format[], command: string): GlobalOptions {
  const format = (raw.format ?? 'table') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${raw.format ?? ''}: expected one of ${FORMATS.join(', ')}`);
  if (!supported.includes(format)) throw new UsageError(`${command} does not support --format ${format} (it supports ${supported.join(', ')})`);
  if (raw.output === '') throw new UsageError('--output needs a file name');
  const options: GlobalOptions = { repo: raw.repo ?? '.', repoGiven: raw.repo !== undefined, format, quiet: raw.quiet === true, debug: raw.debug === true };
  if (raw.output !== undefined) options.output = raw.output;
  if (raw.config !== undefined) options.config = raw.config;
  return options;
}

/**
 * The context of one command, built once here from the global options: the
 * repository (`--repo`), its config (`--config`, or `.aiprov.yml`; none when
 * `readConfig` is false, for commands that do not use it), the process's
 * environment and the system clock.
 */
export function contextFor(options: GlobalOptions, readConfig = true): Promise<Context> {
  return openContext({ repo: options.repo, ...configOption(options, readConfig) });
}

/** The same without a repository (`deps check`): a config only when `--config` names one. */
export function settingsFor(options: GlobalOptions): Promise<SettingsContext> {
  return settingsContext(configOption(options, true));
}

function configOption(options: GlobalOptions, readConfig: boolean): { config?: string | false } {
  if (!readConfig) return { config: false };
  return options.config !== undefined ? { config: options.config } : {};
}

export function openSink(options: GlobalOptions): OutputSink {
  return options.output !== undefined ? fileSink(options.output) : stdoutSink();
}

/** Colour only when the report goes to a terminal and NO_COLOR is unset. */
export function styleFor(options: GlobalOptions): Style {
  return makeStyle(options.output === undefined && process.stdout.isTTY, process.env);
}

/** Progress and warnings for people: stderr, silenced by --quiet. */
export function notice(options: GlobalOptions, message: string): void {
  if (!options.quiet) process.stderr.write(`aiprov: ${message}\n`);
}

/** Runs `write` against the command's output, committing it (atomically, for files) only if every write succeeded. */
export async function withOutput(options: GlobalOptions, write: (sink: OutputSink) => Promise<void>): Promise<void> {
  const sink = openSink(options);
  try {
    await write(sink);
    await sink.commit();
  } catch (error) {
    await sink.abort();
    throw error;
  }
}

/** Writes a whole rendered document. */
export async function emit(options: GlobalOptions, text: string): Promise<void> {
  await withOutput(options, async (sink) => { await sink.write(text); });
}
