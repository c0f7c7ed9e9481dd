import { KeyError } from '../kernel/errors.js';
import type { CliInput, CliIo, CliOutput } from './io.js';

/** The variable a passphrase comes from, as cosign reads COSIGN_PASSWORD. */
export const PASSWORD_VARIABLE = 'AIPROV_PASSWORD';

/**
 * The key passphrase: from AIPROV_PASSWORD, or typed on a terminal (not
 * echoed; twice when a new key is made). With neither, a one-line error: a
 * pipeline never waits on a prompt nobody will answer.
 */
export async function readPassphrase(io: CliIo, purpose: string, confirm: boolean): Promise<string> {
  const fromEnv = io.env[PASSWORD_VARIABLE];
  if (fromEnv !== undefined) return fromEnv;
  if (io.stdin.isTTY !== true || io.stderr.isTTY !== true || io.stdin.setRawMode === undefined) {
    throw new KeyError('PASSPHRASE_MISSING', `no passphrase for ${purpose}: set ${PASSWORD_VARIABLE} (stdin is not a terminal to ask on)`);
  }
  const first = await prompt(io.stdin, io.stderr, `Passphrase for ${purpose}: `);
  if (confirm && (await prompt(io.stdin, io.stderr, 'Again: ')) !== first) throw new KeyError('PASSPHRASE_MISSING', 'the two passphrases differ');
  return first;
}

/** Reads one line from the terminal without echoing it. */
function prompt(stdin: CliInput, stderr: CliOutput, question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    stderr.write(question);
    stdin.setRawMode?.(true);
    stdin.resume();
    let typed = '';
    const done = (error?: Error): void => {
      stdin.setRawMode?.(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          done();
          return;
        }
        if (char === '\u0003') {
          done(new KeyError('PASSPHRASE_MISSING', 'interrupted'));
          return;
        }
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}
