import { createHash, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { bundleToJSON } from '@sigstore/bundle';
import {
  DEFAULT_FULCIO_URL,
  DEFAULT_REKOR_URL,
  DSSEBundleBuilder,
  FulcioSigner,
  RekorWitness,
  TSAWitness,
  type IdentityProvider,
  type Witness,
} from '@sigstore/sign';
import { KeyError } from '../kernel/errors.js';
import { IN_TOTO_PAYLOAD_TYPE } from './dsse.js';
import { keyAlgorithm } from './keys.js';
import type { Statement } from './statement.js';

/** A Sigstore bundle as JSON (`application/vnd.dev.sigstore.bundle.v0.3+json`). */
export type SerializedBundle = ReturnType<typeof bundleToJSON>;

/** The hint a key-signed bundle names its key by: the SHA-256 of the public key's DER (SubjectPublicKeyInfo), in hex. */
export function keyId(publicKey: KeyObject): string {
  // Exporting and hashing a key costs about as much as verifying a signature with it: once per key object.
  let id = KEY_IDS.get(publicKey);
  if (id === undefined) {
    id = createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex');
    KEY_IDS.set(publicKey, id);
  }
  return id;
}

const KEY_IDS = new WeakMap<KeyObject, string>();

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
      sign: (data: Buffer) =>
        Promise.resolve({
          signature: cryptoSign(signatureDigest(privateKey), data, privateKey),
          key: { $case: 'publicKey' as const, publicKey: publicPem, hint },
        }),
    },
    witnesses: [],
  });
  const bundle = await builder.create({ data: Buffer.from(JSON.stringify(statement), 'utf8'), type: IN_TOTO_PAYLOAD_TYPE });
  return bundleToJSON(bundle);
}

export { DEFAULT_FULCIO_URL, DEFAULT_REKOR_URL };
export type { IdentityProvider };

export interface KeylessOptions {
  /** Where the OIDC token comes from: the CI's (GitHub Actions, Buildkite, SIGSTORE_ID_TOKEN) or one given; the CLI chooses. */
  identityProvider: IdentityProvider;
  fulcioURL: string;
  /** The transparency log; none when `tlogUpload` is false. */
  rekorURL: string;
  tlogUpload: boolean;
  /** An RFC 3161 timestamp authority, in addition to (or instead of) the log. */
  tsaURL?: string;
  timeoutMs?: number;
  /** Retries of a failed request to each service (default 2, with backoff). */
  retries?: number;
}

/**
 * A statement signed keylessly: an ephemeral key, a certificate from Fulcio
 * binding it to the CI's OIDC identity, and a log entry and/or a signed
 * timestamp proving when; URLs configurable for private deployments. A
 * signature with neither a log entry nor a timestamp could not be checked
 * after the certificate expires (minutes later), so it is refused.
 */
export async function signKeyless(statement: Statement, options: KeylessOptions): Promise<SerializedBundle> {
  const witnesses: Witness[] = [];
  const fetchOptions = { timeout: options.timeoutMs ?? 30_000, retry: options.retries ?? 2 };
  if (options.tlogUpload) witnesses.push(new RekorWitness({ rekorBaseURL: options.rekorURL, entryType: 'dsse', ...fetchOptions }));
  if (options.tsaURL !== undefined) witnesses.push(new TSAWitness({ tsaBaseURL: options.tsaURL, ...fetchOptions }));
  if (witnesses.length === 0) throw new KeyError('SIGNING_FAILED', 'keyless signing needs a transparency log or a timestamp authority (--tsa-url), or both');
  const builder = new DSSEBundleBuilder({
    signer: new FulcioSigner({ identityProvider: options.identityProvider, fulcioBaseURL: options.fulcioURL, ...fetchOptions }),
    witnesses,
  });
  try {
    return bundleToJSON(await builder.create({ data: Buffer.from(JSON.stringify(statement), 'utf8'), type: IN_TOTO_PAYLOAD_TYPE }));
  } catch (error) {
    // sigstore-js rejects with strings as well as errors; either way, one line naming the service, never the token.
    const text = error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error);
    throw new KeyError(
      'SIGNING_FAILED',
      `keyless signing failed (Fulcio ${options.fulcioURL}${options.tlogUpload ? `, Rekor ${options.rekorURL}` : ''}${options.tsaURL !== undefined ? `, TSA ${options.tsaURL}` : ''}): ${text.split('\n')[0] ?? ''}`,
      { cause: error },
    );
  }
}
