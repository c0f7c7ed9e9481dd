import type { Command } from 'commander';
import { Option } from 'commander';
import { generateKeys, KEY_ALGORITHMS, writeKeyPair, type KeyAlgorithm } from '../attest/keys.js';
import { deprecatedOutput, notice, readGlobals, type RawGlobals, type Register } from './globals.js';
import { resolvePath } from './io.js';
import { readPassphrase } from './secret.js';

export const registerKeygen: Register = (program, exit, io) => {
  program
    .command('keygen')
    .description('make a signing key pair for attestations without Sigstore: PREFIX.key (encrypted, mode 0600) and PREFIX.pub')
    .option('--prefix <path>', 'write PATH.key and PATH.pub', 'aiprov')
    .addOption(new Option('--algorithm <algorithm>', 'key algorithm').choices([...KEY_ALGORITHMS]).default('ecdsa-p256'))
    .action(async (flags: { algorithm: KeyAlgorithm; prefix: string }, command: Command) => {
      const raw = command.optsWithGlobals<RawGlobals>();
      const options = readGlobals({ ...raw, output: undefined }, null, 'keygen', io);
      // The key pair's prefix once came through the global --output, which names a report file elsewhere.
      const given = command.getOptionValueSource('prefix') === 'default' ? undefined : flags.prefix;
      const prefix = deprecatedOutput(options, raw, '--prefix', given) ?? flags.prefix;
      const passphrase = await readPassphrase(io, `the new key ${prefix}.key`, true);
      const keys = await generateKeys(flags.algorithm, passphrase);
      const files = await writeKeyPair(resolvePath(io, prefix), keys);
      notice(options, `wrote ${files.privateKeyFile} (private, encrypted, mode 0600) and ${files.publicKeyFile} (${flags.algorithm})`);
      exit(0);
    });
};
