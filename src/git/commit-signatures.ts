import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GitRunner } from './runner.js';
import type { CommitSigner, SignerTrust } from './types.js';

/**
 * Who signed each commit, as git verifies it against the trust the caller
 * gives (the base revision's), and nothing else: an allowed-signers file in
 * SSH's format (`PRINCIPALS [options] KEYTYPE KEY`), and/or OpenPGP public
 * keys imported into a keyring of this call's own (never the user's). Only a
 * good signature by a key given there yields a signer (`%G?` = G): for SSH
 * the principal the key is listed for, for OpenPGP the address of the key's
 * user id; an unsigned commit, an unknown key, a bad or expired signature
 * give none.
 */
export async function commitSigners(git: GitRunner, shas: readonly string[], trust: SignerTrust): Promise<Map<string, CommitSigner>> {
  const out = new Map<string, CommitSigner>();
  if (shas.length === 0 || (trust.allowedSigners === undefined && trust.gpgKeys === undefined)) return out;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aiprov-signers-'));
  try {
    const signers = path.join(dir, 'allowed_signers');
    await writeFile(signers, trust.allowedSigners === undefined ? '' : trust.allowedSigners.replace(/\n?$/, '\n'), { mode: 0o600 });
    let runner = git;
    if (trust.gpgKeys !== undefined) {
      const home = path.join(dir, 'gnupg');
      await mkdir(home, { mode: 0o700 });
      await writeFile(path.join(dir, 'keys.asc'), trust.gpgKeys, { mode: 0o600 });
      // Every key here was chosen by the caller: their signatures are valid as such (no web of trust to consult).
      await writeFile(path.join(home, 'gpg.conf'), 'trust-model always\n', { mode: 0o600 });
      await git.importGpgKeys(home, path.join(dir, 'keys.asc'));
      runner = git.withEnv({ GNUPGHOME: home });
    }
    const args = ['-c', `gpg.ssh.allowedSignersFile=${signers}`, 'log', '--no-walk=unsorted', '--stdin', '-z', '--format=%H%x01%G?%x01%GS%x01%GK'];
    for await (const record of runner.records(args, { input: `${shas.join('\n')}\n` })) {
      const [sha = '', status = '', signer = '', key = ''] = record.toString('utf8').replace(/^\n/, '').split('\x01');
      // OpenPGP names the key's user id (`Name <address>`); SSH the principal the allowed-signers line gives.
      const principal = /<([^<>]+)>\s*$/.exec(signer)?.[1] ?? signer;
      if (status === 'G' && principal !== '') out.set(sha, { principal, key });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
