import type { Command } from 'commander';
import { UsageError } from '../kernel/errors.js';
import { recordAuthorship, type RecordOptions } from '../record/record.js';
import { recordSquash } from '../record/squash.js';
import { recordReport } from '../render/results-render.js';
import { collect, contextFor, notice, print, readGlobals, type RawGlobals, type Register } from './globals.js';

/** The command's options are the library's, plus `--squash-of`. */
type RecordFlags = Pick<RecordOptions, 'commit' | 'agent' | 'name' | 'model' | 'session' | 'promptFile' | 'storePrompt' | 'files' | 'fromAgentTrace'> & {
  squashOf?: string;
};

export const registerRecord: Register = (program, exit, io) => {
  program
    .command('record')
    .description('record AI authorship of a commit on refs/notes/aiprov (merged with what is there)')
    .option('--commit <rev>', 'the commit to record on', 'HEAD')
    .option('--agent <id>', 'agent id (claude-code, codex, cursor, …, other)')
    .option('--name <name>', 'display name, for agent other')
    .option('--model <model>', 'the model the agent used')
    .option('--session <url>', 'link to the agent session')
    .option('--prompt-file <file>', 'record the SHA-256 of this prompt (not its text)')
    .option('--store-prompt', 'store the prompt text too (prompts can hold secrets: off by default)')
    .option('--files <path[:ranges]>', 'a file the agent wrote, optionally with line ranges: src/a.ts:1-10,15 (repeatable)', collect)
    .option('--from-agent-trace <file>', 'take files and line ranges from Agent Trace records for the commit')
    .option('--squash-of <base..head>', 'collect the records of these squashed commits onto --commit, line ranges recomputed')
    .action(async (flags: RecordFlags, command: Command) => {
      const options = readGlobals(command.optsWithGlobals<RawGlobals>(), 'recordResult', 'record', io);
      const { squashOf, ...recordFlags } = flags;
      if (squashOf !== undefined) {
        const conflicting = (['agent', 'model', 'session', 'promptFile', 'files', 'fromAgentTrace'] as const).filter((k) => recordFlags[k] !== undefined);
        if (conflicting.length > 0)
          throw new UsageError(`--squash-of takes its records from the squashed commits; drop --${conflicting.map(kebab).join(', --')}`);
        const result = await recordSquash({
          context: await contextFor(options),
          squashOf,
          ...(recordFlags.commit !== undefined ? { commit: recordFlags.commit } : {}),
        });
        for (const w of result.warnings) notice(options, `warning: ${w.message}`);
        notice(options, `collected records of ${result.squashed.length} squashed commit${result.squashed.length === 1 ? '' : 's'}`);
        await print(options, 'recordResult', recordReport(result));
      } else {
        // Recording reads no config: a broken .aiprov.yml must not stop a record (or the hook that makes it).
        const result = await recordAuthorship({ context: await contextFor(options, false), ...recordFlags });
        for (const w of result.warnings) notice(options, `warning: ${w.message}`);
        await print(options, 'recordResult', recordReport(result));
      }
      exit(0);
    });
};

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
