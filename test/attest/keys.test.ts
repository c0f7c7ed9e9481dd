import { sign, verify } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKeys, keyAlgorithm, readPrivateKey, readPublicKey, writeKeyPair } from '../../src/attest/keys.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';

describe('signing keys', () => {
  for (const algorithm of ['ecdsa-p256', 'ed25519'] as const) {
    it(`${algorithm}: made encrypted, written 0600, read back with the passphrase only, and they sign and verify`, async () => {
      const prefix = path.join(await tempDir(), 'team');
      const files = await writeKeyPair(prefix, await generateKeys(algorithm, 'correct horse'));
      expect((await stat(files.privateKeyFile)).mode & 0o777).toBe(0o600);
      expect(await readFile(files.privateKeyFile, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
      const [privateKey, publicKey] = [await readPrivateKey(files.privateKeyFile, 'correct horse'), await readPublicKey(files.publicKeyFile)];
      expect([keyAlgorithm(privateKey), keyAlgorithm(publicKey)]).toEqual([algorithm, algorithm]);
      const digest = algorithm === 'ed25519' ? null : 'sha256';
      const signature = sign(digest, Buffer.from('payload'), privateKey);
      expect(verify(digest, Buffer.from('payload'), publicKey, signature)).toBe(true);
      await expect(readPrivateKey(files.privateKeyFile, 'wrong')).rejects.toMatchObject({
        code: 'KEY_INVALID',
        message: `cannot decrypt private key ${files.privateKeyFile}: wrong passphrase (AIPROV_PASSWORD)`,
      });
    });
  }

  it('never overwrites a key, refuses an empty passphrase, and names the file of a key it cannot use', async () => {
    const dir = await tempDir();
    const prefix = path.join(dir, 'k');
    await writeKeyPair(prefix, await generateKeys('ecdsa-p256', 'pw'));
    const before = await readFile(`${prefix}.key`, 'utf8');
    await expect(writeKeyPair(prefix, await generateKeys('ecdsa-p256', 'pw'))).rejects.toMatchObject({ code: 'KEY_EXISTS' });
    expect(await readFile(`${prefix}.key`, 'utf8')).toBe(before);
    // Only the public key taken: the private one just written is removed again, and nothing half-done is left.
    const half = path.join(dir, 'half');
    await writeFile(`${half}.pub`, 'mine');
    await expect(writeKeyPair(half, await generateKeys('ed25519', 'pw'))).rejects.toMatchObject({
      code: 'KEY_EXISTS',
      message: expect.stringContaining(`${half}.pub already exists`) as unknown,
    });
    await expect(stat(`${half}.key`)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(`${half}.pub`, 'utf8')).toBe('mine');
    await expect(generateKeys('ecdsa-p256', '')).rejects.toMatchObject({ code: 'PASSPHRASE_MISSING' });
    await writeFile(path.join(dir, 'rsa.pub'), '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n');
    await expect(readPublicKey(path.join(dir, 'rsa.pub'))).rejects.toMatchObject({
      code: 'KEY_INVALID',
      message: `public key ${path.join(dir, 'rsa.pub')} is not a PEM public key`,
    });
    await expect(readPrivateKey(path.join(dir, 'none.key'), 'pw')).rejects.toMatchObject({
      code: 'KEY_UNREADABLE',
      message: `private key ${path.join(dir, 'none.key')}: no such file`,
    });
  });

  it('aiprov keygen: the passphrase from AIPROV_PASSWORD, never printed; without it and without a terminal, exit 2 at once', async () => {
    const dir = await tempDir();
    const ok = await runCli(['keygen', '--prefix', path.join(dir, 'ci'), '--algorithm', 'ed25519'], { env: { AIPROV_PASSWORD: 'hunter2-secret' } });
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe(`aiprov: wrote ${path.join(dir, 'ci')}.key (private, encrypted, mode 0600) and ${path.join(dir, 'ci')}.pub (ed25519)\n`);
    expect(`${ok.stdout}${ok.stderr}`).not.toMatch(/hunter2|PRIVATE KEY/);
    expect(keyAlgorithm(await readPrivateKey(path.join(dir, 'ci.key'), 'hunter2-secret'))).toBe('ed25519');
    const env = { ...process.env };
    delete env.AIPROV_PASSWORD;
    const missing = await runCli(['keygen', '--prefix', path.join(dir, 'other')], { env });
    expect(missing).toMatchObject({
      code: 2,
      stderr: `aiprov: no passphrase for the new key ${path.join(dir, 'other')}.key: set AIPROV_PASSWORD (stdin is not a terminal to ask on)\n`,
    });
  });
});
