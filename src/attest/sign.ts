import { createHash, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { bundleToJSON } from '@sigstore/bundle';
import { DSSEBundleBuilder } from '@sigstore/sign';
import { KeyError } from '../errors.js';
import { IN_TOTO_PAYLOAD_TYPE } from './dsse.js';
import { keyAlgorithm } from './keys.js';
import type { Statement } from './statement.js';

/** A Sigstore bundle as JSON (`application/vnd.dev.sigstore.bundle.v0.3+json`). */
export type SerializedBundle = ReturnType<typeof bundleToJSON>;

/** The hint a key-signed bundle names its key by: the SHA-256 of the public key's DER (SubjectPublicKeyInfo), in hex. */
export function keyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** The digest a signature with this key uses: SHA-256 for ECDSA P-256; none for Ed25519 (it hashes internally). */
export function signatureDigest(key: KeyObject): 'sha256' | null {
  return keyAlgorithm(key) === 'ed25519' ? null : 'sha256';
}

/**
 * A statement signed with a local key, as a Sigstore bundle v0.3 with a DSSE
 * envelope and the key named by its id (no certificate, no log): for offline,
 * air-gapped and self-hosted use. The statement is serialised once here; the
 * bytes signed are the bytes in the envelope.
 */
export async function signWithKey(statement: Statement, privateKey: KeyObject): Promise<SerializedBundle> {
  if (keyAlgorithm(privateKey) === undefined) throw new KeyError('KEY_INVALID', 'aiprov signs with ECDSA P-256 or Ed25519 keys only');
  const publicKey = createPublicKey(privateKey);
  const hint = keyId(publicKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const builder = new DSSEBundleBuilder({
    signer: {
      sign: (data: Buffer) => Promise.resolve({ signature: cryptoSign(signatureDigest(privateKey), data, privateKey), key: { $case: 'publicKey' as const, publicKey: publicPem, hint } }),
    },
    witnesses: [],
  });
  const bundle = await builder.create({ data: Buffer.from(JSON.stringify(statement), 'utf8'), type: IN_TOTO_PAYLOAD_TYPE });
  return bundleToJSON(bundle);
}
