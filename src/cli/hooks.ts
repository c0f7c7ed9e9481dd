import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { UsageError } from '../kernel/errors.js';
import type { TrailerStyle } from '../record/agent-env.js';
import { runHook } from '../record/hook-run.js';
import { HOOK_NAMES, type HookName } from '../record/hook-script.js';
import { installHooks, uninstallHooks } from '../record/hooks.js';
import { pushNotesWithBranch } from '../sync/pre-push.js';
import { syncFor } from './notes.js';
import { printable } from '../render/printable.js';
import { hooksReport } from '../render/results-render.js';
import { contextFor, notice, print, readGlobals, type RawGlobals, type Register } from './globals.js';
import type { CliInput } from './io.js';

const TRAILERS = ['assisted-by', 'co-authored-by'];

export const registerHooks: Register = (program, exit, io) => {
  const hooks = program.command('hooks').description('git hooks that record AI authorship at commit time and carry it through rewrites');
  hooks
    .command('install')
    .description('install prepare-commit-msg, post-commit, post-rewrite and pre-push hooks beside any already there, and a fetch refspec for the notes')
    .addOption(new Option('--trailer <style>', "trailer to add to agents' commits").choices(TRAILERS))
    .action(async (flags: { trailer?: TrailerStyle }, command: Command) => {
      const options = readGlobals(command.optsWithGlobals<RawGlobals>(), 'hooksResult', 'hooks install', io);
      const context = await contextFor(options);
      const bin = fileURLToPath(new URL('../../bin/aiprov.js', import.meta.url));
      const result = await installHooks({
        context,
        launcher: { node: io.execPath, bin },
        trailer: flags.trailer ?? context.config.hooks?.trailer ?? 'assisted-by',
      });
      await print(options, 'hooksResult', hooksReport(result));
      exit(0);
    });
  hooks
    .command('uninstall')
    .description("remove aiprov's hooks and restore the ones they chained")
    .action(async (_flags: object, command: Command) => {
      const options = readGlobals(command.optsWithGlobals<RawGlobals>(), 'hooksResult', 'hooks uninstall', io);
      const result = await uninstallHooks({ context: await contextFor(options, false) });
      await print(options, 'hooksResult', hooksReport(result));
      exit(0);
    });
  hooks
    .command('run', { hidden: true })
    .description('run one hook (called by the installed hook scripts)')
    .argument('<hook>')
    .argument('[args...]')
    .addOption(new Option('--trailer <style>').choices(TRAILERS))
    .action(async (hook: string, args: string[], flags: { trailer?: TrailerStyle }, command: Command) => {
      const options = readGlobals(command.optsWithGlobals<RawGlobals>(), null, 'hooks run', io);
      if (!(HOOK_NAMES as readonly string[]).includes(hook)) throw new UsageError(`unknown hook '${hook}' (known: ${HOOK_NAMES.join(', ')})`);
      // Called from git (or a hook manager) while someone commits: what fails here is a warning, never a blocked commit.
      try {
        const context = await contextFor(options);
        const stdin = hook === 'post-rewrite' || hook === 'pre-push' ? await readStdin(io.stdin) : '';
        const message =
          hook === 'pre-push'
            ? pushMessage(await pushNotesWithBranch({ context: { ...context, sync: syncFor(context) }, args, stdin }))
            : await runHook({ context, hook: hook as Exclude<HookName, 'pre-push'>, args, stdin, ...(flags.trailer ? { trailer: flags.trailer } : {}) });
        if (message) notice(options, message);
      } catch (error) {
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        io.stderr.write(
          `aiprov: warning: the ${hook} hook failed (${printable(reason ?? '')}); ${hook === 'pre-push' ? 'the push goes on, but the notes may not have been pushed' : 'the commit is unaffected, but its AI authorship may not be recorded'}\n`,
        );
      }
      exit(0);
    });
};

/** One line for the person pushing: which notes went with the branch, or why none did. */
function pushMessage(outcome: Awaited<ReturnType<typeof pushNotesWithBranch>>): string | undefined {
  if ('skipped' in outcome) return outcome.say ? `notes not pushed: ${outcome.skipped}` : undefined;
  const { result } = outcome;
  const pushed = result.refs.filter((r) => r.push === 'pushed').map((r) => r.ref);
  return [...result.warnings.map((w) => `warning: ${w}`), pushed.length > 0 ? `pushed ${pushed.join(', ')} to ${result.remote}` : undefined]
    .filter((m) => m !== undefined)
    .join('\naiprov: ');
}

async function readStdin(stdin: CliInput): Promise<string> {
  if (stdin.isTTY === true) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
