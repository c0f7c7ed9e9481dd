import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GitRunner } from './runner.js';
import type { CommitSigner } from './types.js';

/**
 * Who signed each commit, as git verifies it against one allowed-signers
 * file (SSH's format: `PRINCIPALS [options] KEYTYPE KEY`), and nothing else:
 * the file is the caller's (the base revision's), never the clone's
 * configuration. Only a good signature by a key listed there gives a signer
 * (`%G?` = G, with `%GS` the principal the key is listed for); an unsigned
 * commit, an unknown key, a bad or expired signature give none.
 */
export async function commitSigners(git: GitRunner, shas: readonly string[], allowedSigners: string): Promise<Map<string, CommitSigner>> {
  const out = new Map<string, CommitSigner>();
  if (shas.length === 0) return out;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aiprov-signers-'));
  try {
    const file = path.join(dir, 'allowed_signers');
    await writeFile(file, allowedSigners.endsWith('\n') ? allowedSigners : `${allowedSigners}\n`, { mode: 0o600 });
    const args = ['-c', `gpg.ssh.allowedSignersFile=${file}`, 'log', '--no-walk=unsorted', '--stdin', '-z', '--format=%H%x01%G?%x01%GS%x01%GK'];
    for await (const record of git.records(args, { input: `${shas.join('\n')}\n` })) {
      const [sha = '', status = '', principal = '', key = ''] = record.toString('utf8').replace(/^\n/, '').split('\x01');
      if (status === 'G' && principal !== '') out.set(sha, { principal, key });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
