import { createPrivateKey, createPublicKey, generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import { link, open, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { KeyError, UsageError } from '../kernel/errors.js';
import { readRegularFile } from '../kernel/files.js';

export const KEY_ALGORITHMS = ['ecdsa-p256', 'ed25519'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

const generate = promisify(generateKeyPair);
/** Key files are a few hundred bytes; a larger file is not one. */
const KEY_CAP = 64 * 1024;

export interface KeyPair {
  /** Encrypted PKCS#8 (PEM). */
  privateKeyPem: string;
  /** SubjectPublicKeyInfo (PEM). */
  publicKeyPem: string;
}

/**
 * A new signing key pair: ECDSA P-256 (cosign's default, what every Sigstore
 * verifier takes) or Ed25519, the private key encrypted with `passphrase`
 * (AES-256-CBC under PKCS#8's PBES2). An empty passphrase is refused: it
 * would leave the key as good as unencrypted on disk.
 */
export async function generateKeys(algorithm: KeyAlgorithm, passphrase: string): Promise<KeyPair> {
  if (!KEY_ALGORITHMS.includes(algorithm))
    throw new UsageError(`is not a key algorithm aiprov makes (${KEY_ALGORITHMS.join(', ')})`, { field: 'algorithm', value: algorithm });
  if (passphrase === '')
    throw new KeyError('PASSPHRASE_MISSING', 'an empty passphrase would leave the private key unprotected: set AIPROV_PASSWORD, or type one when asked');
  const encoding = {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase },
  } as const;
  const { privateKey, publicKey } = algorithm === 'ed25519' ? await generate('ed25519', encoding) : await generate('ec', { namedCurve: 'P-256', ...encoding });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/**
 * Writes `PREFIX.key` (mode 0600) and `PREFIX.pub`. Neither may exist: a
 * signing key is never overwritten. Each file is written whole under a
 * temporary name and linked into place, which fails if the name was taken
 * meanwhile; on any failure neither file is left behind.
 */
export async function writeKeyPair(prefix: string, keys: KeyPair): Promise<{ privateKeyFile: string; publicKeyFile: string }> {
  const files = { privateKeyFile: `${prefix}.key`, publicKeyFile: `${prefix}.pub` };
  const written: string[] = [];
  try {
    for (const [file, text, mode] of [
      [files.privateKeyFile, keys.privateKeyPem, 0o600],
      [files.publicKeyFile, keys.publicKeyPem, 0o644],
    ] as const) {
      const temp = `${file}.tmp-${randomUUID()}`;
      const handle = await open(temp, 'wx', mode).catch((error: unknown) => {
        throw new KeyError('KEY_UNREADABLE', `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      });
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await link(temp, file);
        written.push(file);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new KeyError(
          code === 'EEXIST' ? 'KEY_EXISTS' : 'KEY_UNREADABLE',
          code === 'EEXIST'
            ? `${file} already exists: aiprov never overwrites a key; choose another --output prefix or move it away`
            : `cannot write ${file}: ${code ?? String(error)}`,
        );
      } finally {
        await unlink(temp).catch(() => undefined);
      }
    }
  } catch (error) {
    for (const file of written) await unlink(file).catch(() => undefined);
    throw error;
  }
  return files;
}

/** The private key in `file`, decrypted with `passphrase`; errors name the file and never show key material. */
export async function readPrivateKey(file: string, passphrase: string): Promise<KeyObject> {
  const read = await readRegularFile(file, KEY_CAP);
  if (!read.ok) throw new KeyError('KEY_UNREADABLE', `private key ${file}: ${read.problem}`);
  const text = read.bytes.toString('utf8');
  if (!/-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/.test(text)) throw new KeyError('KEY_INVALID', `private key ${file} is not a PEM PKCS#8 private key`);
  try {
    const key = createPrivateKey({ key: text, format: 'pem', passphrase });
    checkType(key, file);
    return key;
  } catch (error) {
    if (error instanceof KeyError) throw error;
    const encrypted = text.includes('ENCRYPTED PRIVATE KEY');
    throw new KeyError(
      'KEY_INVALID',
      encrypted ? `cannot decrypt private key ${file}: wrong passphrase (AIPROV_PASSWORD)` : `private key ${file} cannot be read as a key`,
    );
  }
}

/** The public key in `file` (PEM SubjectPublicKeyInfo). */
export async function readPublicKey(file: string): Promise<KeyObject> {
  const read = await readRegularFile(file, KEY_CAP);
  if (!read.ok) throw new KeyError('KEY_UNREADABLE', `public key ${file}: ${read.problem}`);
  try {
    const key = createPublicKey({ key: read.bytes.toString('utf8'), format: 'pem' });
    checkType(key, file);
    return key;
  } catch (error) {
    if (error instanceof KeyError) throw error;
    throw new KeyError('KEY_INVALID', `public key ${file} is not a PEM public key`);
  }
}

/** The algorithm of a key, as aiprov names it; keys of other kinds are refused. */
export function keyAlgorithm(key: KeyObject): KeyAlgorithm | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa-p256';
  return undefined;
}

function checkType(key: KeyObject, file: string): void {
  if (keyAlgorithm(key) === undefined) {
    const kind = key.asymmetricKeyType === 'ec' ? `EC ${key.asymmetricKeyDetails?.namedCurve ?? ''}`.trim() : (key.asymmetricKeyType ?? 'unknown');
    throw new KeyError('KEY_INVALID', `${file} holds a ${kind} key; aiprov signs and verifies with ECDSA P-256 or Ed25519 keys`);
  }
}
