import { readFileSync } from 'node:fs';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { PolicyError } from '../kernel/errors.js';
import { readRegularFile } from '../kernel/files.js';

/**
 * Sigstore trusted roots: which certificate authorities, transparency logs,
 * CT logs and timestamp authorities a keyless signature may chain to, each
 * with the time range it was trusted for. The public-good root is shipped
 * (data/sigstore-public-good-trusted-root.json: the `trusted_root.json` TUF
 * target embedded in @sigstore/tuf 4.0.2's seeds.json), so verification
 * never needs the network; `--trusted-root` names another (a private
 * deployment, or a newer one fetched with `cosign trusted-root create` or
 * sigstore's TUF client).
 */

export const TRUSTED_ROOT_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.trustedroot(\+json;version=0\.[12]|\.v0\.2\+json)$/;
const ROOT_CAP = 4 * 1024 * 1024;
const PUBLIC_GOOD = new URL('../../data/sigstore-public-good-trusted-root.json', import.meta.url);

export interface LoadedRoot {
  root: TrustedRoot;
  /** Where it came from, for messages: a file, or "the Sigstore public-good root". */
  source: string;
}

let publicGood: LoadedRoot | undefined;

/** The public-good production root that ships with aiprov. */
export function publicGoodRoot(): LoadedRoot {
  publicGood ??= {
    root: parseTrustedRoot(JSON.parse(readFileSync(PUBLIC_GOOD, 'utf8')), 'the Sigstore public-good trusted root'),
    source: 'the Sigstore public-good trusted root',
  };
  return publicGood;
}

/** A trusted root from a file; unreadable or malformed is trust material missing (exit 2), with the file named. */
export async function readTrustedRoot(file: string): Promise<LoadedRoot> {
  const read = await readRegularFile(file, ROOT_CAP);
  if (!read.ok) throw new PolicyError('TRUST_MATERIAL_MISSING', `trusted root ${file}: ${read.problem}`);
  let json: unknown;
  try {
    json = JSON.parse(read.bytes.toString('utf8'));
  } catch {
    throw new PolicyError('TRUST_MATERIAL_MISSING', `trusted root ${file}: not JSON`);
  }
  return { root: parseTrustedRoot(json, `trusted root ${file}`), source: file };
}

/**
 * Checks a trusted root before anything is trusted through it. Every
 * authority and log must say from when it is trusted: a missing `start`
 * is a malformed root, not an unbounded range (@sigstore/verify reads it
 * as unbounded; sigstore-conformance's trust-root-tlog-missing-validity-start
 * case is exactly that).
 */
export function parseTrustedRoot(json: unknown, name: string): TrustedRoot {
  const bad = (problem: string): never => {
    throw new PolicyError('TRUST_MATERIAL_MISSING', `${name}: ${problem}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return bad('is not a JSON object');
  const r = json as Record<string, unknown>;
  if (typeof r.mediaType !== 'string' || !TRUSTED_ROOT_MEDIA_TYPE.test(r.mediaType))
    return bad(`mediaType ${JSON.stringify(r.mediaType)} is not a Sigstore trusted root`);
  const list = (field: string): Record<string, unknown>[] => {
    const value = r[field];
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null)) return bad(`${field} is not a list of objects`);
    return value as Record<string, unknown>[];
  };
  const checkRange = (range: unknown, where: string): void => {
    const start = (range as { start?: unknown } | undefined)?.start;
    if (typeof start !== 'string' || Number.isNaN(Date.parse(start))) bad(`${where} has no validFor.start (a trust range must say when it begins)`);
    const end = (range as { end?: unknown }).end;
    if (end !== undefined && end !== null && (typeof end !== 'string' || Number.isNaN(Date.parse(end)))) bad(`${where} has a malformed validFor.end`);
  };
  for (const field of ['tlogs', 'ctlogs']) {
    list(field).forEach((log, i) => {
      const key = log.publicKey as Record<string, unknown> | undefined;
      if (typeof key?.rawBytes !== 'string' || key.rawBytes === '') bad(`${field}[${i}] (${String(log.baseUrl)}) has no public key`);
      checkRange(key?.validFor, `${field}[${i}] (${String(log.baseUrl)})`);
    });
  }
  for (const field of ['certificateAuthorities', 'timestampAuthorities']) {
    list(field).forEach((authority, i) => {
      const chain = (authority.certChain as { certificates?: unknown } | undefined)?.certificates;
      if (!Array.isArray(chain) || chain.length === 0) bad(`${field}[${i}] (${String(authority.uri)}) has no certificates`);
      checkRange(authority.validFor, `${field}[${i}] (${String(authority.uri)})`);
    });
  }
  try {
    return TrustedRoot.fromJSON(json);
  } catch (error) {
    return bad(`does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
}
