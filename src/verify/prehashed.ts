import type { KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';

/**
 * ECDSA verification of a signature over a digest the caller already has
 * (sigstore-conformance's `sha256:` input for a message-signature bundle:
 * the artifact itself is not given). node:crypto can only verify over the
 * message and hashes it itself, so this goes through @noble/curves, an
 * audited implementation, with no second hashing. Only ECDSA: Ed25519
 * signs messages, never digests.
 */
export function verifyPrehashed(key: KeyObject, digest: Buffer, signature: Buffer): boolean {
  if (key.asymmetricKeyType !== 'ec') return false;
  const jwk = key.export({ format: 'jwk' });
  const curve = jwk.crv === 'P-256' ? p256 : jwk.crv === 'P-384' ? p384 : jwk.crv === 'P-521' ? p521 : undefined;
  if (!curve || jwk.x === undefined || jwk.y === undefined) return false;
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  try {
    return curve.verify(signature, digest, point, { prehash: false, format: 'der', lowS: false });
  } catch {
    return false;
  }
}
