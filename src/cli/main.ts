import { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { isAiprovError, UsageError } from '../kernel/errors.js';
import { VERSION } from '../kernel/version.js';
import type { ExitCode, Register } from './globals.js';
import { processIo, type CliIo } from './io.js';
import { removeOutputsOnSignal } from './signals.js';
import { printable } from '../render/printable.js';

/**
 * Each command's module, loaded only when that command runs: a scan should
 * not pay for loading the registry clients, and CI runs scans often.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  scan: async () => (await import('./scan.js')).registerScan,
  blame: async () => (await import('./blame.js')).registerBlame,
  record: async () => (await import('./record.js')).registerRecord,
  hooks: async () => (await import('./hooks.js')).registerHooks,
  notes: async () => (await import('./notes.js')).registerNotes,
  deps: async () => (await import('./deps.js')).registerDeps,
  bom: async () => (await import('./bom.js')).registerBom,
  export: async () => (await import('./export.js')).registerExport,
  findings: async () => (await import('./findings.js')).registerFindings,
  keygen: async () => (await import('./keygen.js')).registerKeygen,
  attest: async () => (await import('./attest.js')).registerAttest,
  verify: async () => (await import('./verify.js')).registerVerify,
  check: async () => (await import('./check.js')).registerCheck,
  review: async () => (await import('./review.js')).registerReview,
  init: async () => (await import('./init.js')).registerInit,
  report: async () => (await import('./report.js')).registerReport,
  collect: async () => (await import('./collect.js')).registerCollect,
  demo: async () => (await import('./demo.js')).registerDemo,
  comment: async () => (await import('./comment.js')).registerComment,
  cache: async () => (await import('./cache.js')).registerCache,
};
const GLOBAL_OPTIONS_WITH_VALUES = new Set(['--repo', '--format', '--output', '-o', '--config', '--recover-from']);

/** The command named on the command line, skipping global options and their values; undefined for help or a typo. */
function commandIn(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (GLOBAL_OPTIONS_WITH_VALUES.has(arg)) i++;
    else if (!arg.startsWith('-')) return Object.hasOwn(COMMANDS, arg) ? arg : undefined;
  }
  return undefined;
}

/** The program with the commands `argv` needs registered (all of them for help or a typo). */
async function programFor(argv: string[], exit: (code: ExitCode, reason?: string) => void, io: CliIo): Promise<Command> {
  const program = new Command('aiprov')
    .description('Provenance of AI-written code: authorship, hallucinated packages, AI-BOMs, attestations')
    .version(VERSION, '-V, --version')
    .configureHelp({ showGlobalOptions: true })
    .option('--repo <dir>', 'repository directory (default: the current directory)')
    .option('--format <format>', 'table | json | sarif | markdown | html, where the command supports it')
    .option('-o, --output <file>', 'write the report to this file (atomically) instead of stdout; - is stdout')
    .option('--config <file>', 'config file (default: .aiprov.yml at the repository root, if present)')
    .option('--trust-repo-config', "let the repository's .aiprov.yml and .npmrc choose registry hosts and credentials (off: they are untrusted input)")
    .option(
      '--recover-from <refs>',
      'recover records of squash and rebase merges only from these refs (refs/remotes/origin/*,refs/pull/*/head), or none (default: every pull ref and noted commit the clone holds)',
    )
    .option('-q, --quiet', 'no progress or warnings on stderr')
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text.startsWith('error: ') ? `aiprov: ${text.slice(7)}` : text),
    });
  const named = commandIn(argv);
  // The version alone needs no command (CI asks it often); help and a typo need them all.
  const versionOnly = named === undefined && argv.some((a) => a === '-V' || a === '--version') && !argv.some((a) => a === '-h' || a === '--help');
  const wanted = versionOnly ? [] : named === undefined ? Object.keys(COMMANDS) : [named];
  for (const register of await Promise.all(wanted.map((name) => (COMMANDS[name] as () => Promise<Register>)()))) register(program, exit, io);
  return program;
}

class ParsedOnly extends Error {}

/**
 * Parses a command line as `aiprov` would, without running anything: for
 * tests that keep the examples and the docs from naming options that do not
 * exist. Returns the command's name, or the parser's complaint.
 */
export async function parseCommandLine(argv: string[]): Promise<{ command: string } | { error: string }> {
  // Nothing is printed: the parser's complaints are returned (subcommands take their output settings when made, so the io is silent).
  const silent = new Writable({
    write: (_chunk, _encoding, done: () => void) => {
      done();
    },
  });
  const program = await programFor(argv, () => undefined, { ...processIo(), stdout: silent, stderr: silent });
  let command = '';
  program.hook('preAction', (_program, action) => {
    command = action.name();
    throw new ParsedOnly();
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { error: 'no command ran' };
  } catch (error) {
    if (error instanceof ParsedOnly) return { command };
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Runs the CLI and returns the exit code: 0 clean, 1 findings or failed
 * verification, 2 could not decide. Errors print as one line on stderr;
 * `--debug` adds the stack. Everything of the process it uses comes in `io`
 * (the real process's by default), so that it can run in process.
 */
export async function main(rawArgv: string[], io: CliIo = processIo()): Promise<number> {
  // `aiprov` alone is a request for help, like `aiprov --help`; `-v` is the version, as most CLIs have it.
  const argv = rawArgv.length === 0 ? ['--help'] : rawArgv.length === 1 && rawArgv[0] === '-v' ? ['--version'] : rawArgv;
  // Each command's action reports its exit code here; nothing sets process.exitCode on the side.
  const ended: { code: ExitCode; reason?: string } = { code: 0 };
  const program = await programFor(
    argv,
    (code, reason) => {
      ended.code = code;
      if (reason !== undefined) ended.reason = reason;
    },
    io,
  );

  // The command that ran, so that a library error naming a field can be shown with that command's flag.
  let running: Command = program;
  program.hook('preAction', (_program, action) => {
    running = action;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    // Every exit 2 has its one line on stderr, whatever --format and --quiet say: a JSON report on stdout is for machines.
    if (ended.code === 2) io.stderr.write(`aiprov: ${printable(ended.reason ?? 'could not decide')}\n`);
    return ended.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage mistakes are "could not decide".
      return error.exitCode === 0 ? 0 : 2;
    }
    const debug = argv.includes('--debug');
    if (error instanceof UsageError) {
      io.stderr.write(`aiprov: ${error.messageFor((field) => flagFor(running, field))}\n`);
    } else if (isAiprovError(error)) {
      io.stderr.write(`aiprov: ${error.message}\n`);
    } else {
      io.stderr.write(`aiprov: internal error: ${error instanceof Error ? error.message : String(error)}${debug ? '' : ' (run with --debug for details)'}\n`);
    }
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return isAiprovError(error) ? error.exitCode : 2;
  }
}

/**
 * Library fields whose flag has another name: the library takes several
 * predicates, a dependency audit (read from --deps-report), a target that is
 * a range or a commit.
 */
const FIELD_ALIASES: Readonly<Record<string, readonly string[]>> = { predicates: ['predicate'], deps: ['depsReport'], target: ['range', 'commit'] };

/** The flag of `command` (or of its parents: global options) whose value the library calls `field`. */
export function flagFor(command: Command, field: string): string | undefined {
  for (const name of [field, ...(FIELD_ALIASES[field] ?? [])]) {
    for (let c: Command | null = command; c; c = c.parent) {
      const option = c.options.find((o) => o.attributeName() === name);
      if (option?.long) return option.long;
    }
  }
  return undefined;
}

/** Every command, registered (for tests that check the command line against the library). */
export async function commandTree(): Promise<Command> {
  return programFor(['--help'], () => undefined, processIo());
}

/** The bin's entry: the real process, whose signals remove unfinished outputs. */
export async function runProcess(argv: string[]): Promise<number> {
  removeOutputsOnSignal();
  return main(argv, processIo());
}
