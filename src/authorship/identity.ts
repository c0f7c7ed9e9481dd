import type { Identity } from '../git/types.js';

/** Parses `Name <email>` as trailers carry it; undefined when the value has no address. */
export function parseIdentity(value: string): Identity | undefined {
  const match = /^(.*?)\s*<([^<>\s]*)>\s*$/.exec(value);
  if (!match) return undefined;
  return { name: (match[1] ?? '').trim(), email: (match[2] ?? '').trim() };
}

export function formatIdentity(identity: Identity): string {
  return `${identity.name} <${identity.email}>`;
}
