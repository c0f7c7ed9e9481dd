import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE, parseConfig } from '../config/load.js';
import { UsageError } from '../kernel/errors.js';
import { initialConfig } from '../gate/init.js';
import { contextFor, deprecatedOutput, notice, readGlobals, writeWhole, type RawGlobals, type Register } from './globals.js';
import { resolvePath } from './io.js';
import { stat } from 'node:fs/promises';

/** `aiprov init`: writes a commented `.aiprov.yml` with the defaults; never over an existing one. */
export const registerInit: Register = (program, exit, io) => {
  program
    .command('init')
    .description(`write a commented ${DEFAULT_CONFIG_FILE} with the defaults at the repository root (never over an existing one)`)
    .option('--file <path>', `write the configuration here instead (default: ${DEFAULT_CONFIG_FILE} at the repository root)`)
    .action(async (flags: { file?: string }, command: Command) => {
      const raw = command.optsWithGlobals<RawGlobals>();
      const options = readGlobals({ ...raw, format: undefined, output: undefined }, null, 'init', io);
      // The file once came through the global --output, which names a report file elsewhere.
      const named = deprecatedOutput(options, raw, '--file', flags.file);
      const context = await contextFor(options, false);
      const file = named !== undefined ? resolvePath(io, named) : path.join(context.git.root, DEFAULT_CONFIG_FILE);
      if (
        await stat(file).then(
          () => true,
          () => false,
        )
      )
        throw new UsageError(`${file} exists: init does not overwrite a configuration (edit it, or move it away first)`, { code: 'BAD_PATH' });
      const text = initialConfig();
      // What init writes is a valid configuration, always: checked before it is written.
      parseConfig(text, file);
      await writeWhole(io, file, text);
      notice(options, `wrote ${file}: commit it; aiprov check reads it from the base branch of each pull request`);
      exit(0);
    });
};
