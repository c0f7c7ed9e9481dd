import { createHash } from 'node:crypto';

/**
 * An RFC 4122 UUID (version 5 layout) from the SHA-256 of `text`: the same
 * text, the same id (a reproducible BOM's serial number, an SPDX namespace, an
 * Agent Trace record's id).
 */
export function contentUuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
