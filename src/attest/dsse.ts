/** The DSSE payload type of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/**
 * DSSE's pre-authentication encoding, the bytes a signature is over:
 * `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in decimal
 * bytes (not characters: a type or body with non-ASCII text counts its UTF-8
 * bytes).
 */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'ascii'), type, Buffer.from(` ${payload.length} `, 'ascii'), Buffer.from(payload)]);
}

/**
 * Base64 as DSSE allows it: standard or URL-safe alphabet, padded or not.
 * Anything else (stray characters, impossible lengths) is refused with
 * undefined, never decoded leniently into other bytes.
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  if (/[+/]/.test(text) && /[-_]/.test(text)) return undefined;
  const body = text.replace(/=+$/, '');
  if (body.length % 4 === 1) return undefined;
  const padded = text.endsWith('=') ? text : text + '='.repeat((4 - (body.length % 4)) % 4);
  if (padded.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  // A canonical encoding only: the trailing bits of the last character must be zero.
  const again = bytes.toString('base64').replace(/=+$/, '');
  return again === body.replace(/-/g, '+').replace(/_/g, '/') ? bytes : undefined;
}
