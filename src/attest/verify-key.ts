import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { SCHEMA_FILES, validateAgainst, type SchemaName } from '../schemas.js';
import { decodeBase64, IN_TOTO_PAYLOAD_TYPE, pae } from './dsse.js';
import { keyId, signatureDigest } from './sign.js';
import { PREDICATE_TYPES, STATEMENT_TYPE, type Statement } from './statement.js';

export type CheckName = 'bundle' | 'signature' | 'payloadType' | 'statement' | 'predicateType' | 'subject' | 'predicate';
export const CHECK_ORDER: readonly CheckName[] = ['bundle', 'signature', 'payloadType', 'statement', 'predicateType', 'subject', 'predicate'];

export interface Check {
  name: CheckName;
  /** `skipped`: an earlier check failed, so this one could not be made (a skipped check is not a pass). */
  result: 'passed' | 'failed' | 'skipped';
  detail: string;
}

export interface KeyVerification {
  verified: boolean;
  checks: Check[];
  /** The statement, parsed from exactly the verified bytes, when the signature verified. */
  statement?: Statement;
}

export interface KeyVerifyOptions {
  /** The bundle as parsed JSON (untrusted). */
  bundle: unknown;
  /** The public keys trusted to sign. */
  keys: readonly KeyObject[];
  /** The predicate type asked for, in full. */
  predicateType: string;
  /** What the statement must be about: a commit, or an artifact's SHA-256. */
  subject: { gitCommit: string } | { sha256: string };
}

const PREDICATE_SCHEMAS: Record<string, SchemaName> = {
  [PREDICATE_TYPES.authorship]: 'authorshipPredicate',
  [PREDICATE_TYPES.deps]: 'dependencyAudit',
  [PREDICATE_TYPES.review]: 'reviewPredicate',
};

/** An empty trusted root: a key-signed bundle is trusted through its key alone, with no CA, log or timestamp authority. */
const NO_AUTHORITIES = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] } as unknown as TrustedRoot;

/**
 * Verifies a bundle signed with a local key, every check by name. The
 * signature must verify both through @sigstore/verify and, independently,
 * with node:crypto over the DSSE pre-authentication encoding; everything
 * after it reads exactly the signed bytes. Fails closed: any error is a
 * failed check, never a pass and never a crash.
 */
export function verifyKeyBundle(options: KeyVerifyOptions): KeyVerification {
  const checks: Check[] = [];
  const pass = (name: CheckName, detail: string): void => { checks.push({ name, result: 'passed', detail }); };
  const fail = (name: CheckName, detail: string): KeyVerification => {
    checks.push({ name, result: 'failed', detail });
    for (const rest of CHECK_ORDER.slice(CHECK_ORDER.indexOf(name) + 1)) checks.push({ name: rest, result: 'skipped', detail: `not checked: ${name} failed` });
    return { verified: false, checks };
  };

  // 1. Well-formed: one DSSE envelope, exactly one non-empty signature, a key hint as verification material.
  const shape = envelopeOf(options.bundle);
  if (typeof shape === 'string') return fail('bundle', shape);
  pass('bundle', `DSSE bundle (${shape.mediaType}), one signature, key ${shape.hint.slice(0, 16)}…`);

  // 2. Signature, by a trusted key.
  const key = options.keys.find((k) => keyId(k) === shape.hint);
  if (!key) return fail('signature', `signed by key ${shape.hint}, which is not among the ${options.keys.length} trusted`);
  try {
    const trust = toTrustMaterial(NO_AUTHORITIES, (hint: string) => {
      if (hint !== shape.hint) throw new Error(`no key ${hint}`);
      return { publicKey: key, validFor: () => true };
    });
    new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundleFromJSON(options.bundle)));
  } catch (error) {
    return fail('signature', `does not verify: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!cryptoVerify(signatureDigest(key), pae(shape.payloadType, shape.payload), key, shape.signature)) {
    return fail('signature', 'does not verify over the DSSE pre-authentication encoding');
  }
  pass('signature', `verified with trusted key ${shape.hint}`);

  // 3. Payload type.
  if (shape.payloadType !== IN_TOTO_PAYLOAD_TYPE) return fail('payloadType', `is ${JSON.stringify(shape.payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}`);
  pass('payloadType', IN_TOTO_PAYLOAD_TYPE);

  // 4. The statement, from exactly the verified bytes.
  let statement: Statement;
  try {
    statement = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(shape.payload)) as Statement;
  } catch {
    return fail('statement', 'the signed payload is not UTF-8 JSON');
  }
  const problem = validateAgainst('statement', statement);
  // The schema pins `_type` to Statement v1.
  if (problem !== null) return fail('statement', `is not an in-toto ${STATEMENT_TYPE}: ${problem}`);
  pass('statement', `in-toto Statement v1 with ${statement.subject.length} subject${statement.subject.length === 1 ? '' : 's'}`);

  // 5. Predicate type, exactly.
  if (statement.predicateType !== options.predicateType) return { ...fail('predicateType', `is ${statement.predicateType}, not ${options.predicateType}`), statement };
  pass('predicateType', statement.predicateType);

  // 6. Subject.
  const [field, digest] = 'gitCommit' in options.subject ? ['gitCommit', options.subject.gitCommit] as const : ['sha256', options.subject.sha256] as const;
  if (!statement.subject.some((s) => s.digest[field] === digest)) {
    const named = statement.subject.map((s) => Object.entries(s.digest).map(([k, v]) => `${k}:${v.slice(0, 12)}`).join(',')).join('; ');
    return { ...fail('subject', `no subject with ${field} ${digest} (the statement is about ${named})`), statement };
  }
  pass('subject', `${field} ${digest}`);

  // 7. Predicate against its schema (the BOM is checked against CycloneDX by the caller that knows its spec version).
  const schema = PREDICATE_SCHEMAS[statement.predicateType];
  if (schema) {
    const invalid = validateAgainst(schema, statement.predicate);
    if (invalid !== null) return { ...fail('predicate', `does not match its schema: ${invalid}`), statement };
    pass('predicate', `valid against schemas/${SCHEMA_FILES[schema]}`);
  } else {
    pass('predicate', 'no aiprov schema for this predicate type');
  }
  return { verified: true, checks, statement };
}

interface Envelope {
  mediaType: string;
  payloadType: string;
  payload: Buffer;
  signature: Buffer;
  hint: string;
}

/** The parts of a key-signed DSSE bundle, or what is wrong with it. */
function envelopeOf(bundle: unknown): Envelope | string {
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) return 'is not a JSON object';
  const b = bundle as Record<string, unknown>;
  const mediaType = typeof b.mediaType === 'string' ? b.mediaType : '';
  if (!/^application\/vnd\.dev\.sigstore\.bundle(\.v0\.3\+json|\+json;version=0\.[123])$/.test(mediaType)) return `mediaType ${JSON.stringify(b.mediaType)} is not a Sigstore bundle`;
  const material: unknown = b.verificationMaterial;
  if (typeof material !== 'object' || material === null) return 'has no verification material';
  const hint = ((material as Record<string, unknown>).publicKey as { hint?: unknown } | undefined)?.hint;
  if (typeof hint !== 'string' || hint === '') return 'names no public key (a key-signed bundle carries verificationMaterial.publicKey.hint)';
  const envelope: unknown = b.dsseEnvelope;
  if (typeof envelope !== 'object' || envelope === null) return 'has no DSSE envelope';
  const env = envelope as Record<string, unknown>;
  const signatures = env.signatures;
  if (!Array.isArray(signatures) || signatures.length !== 1) return `has ${Array.isArray(signatures) ? signatures.length : 'no list of'} signatures; a bundle holds exactly one`;
  const sig = (signatures[0] as { sig?: unknown } | null)?.sig;
  const signature = typeof sig === 'string' ? decodeBase64(sig) : undefined;
  if (!signature || signature.length === 0) return 'its signature is empty or not base64';
  const payload = typeof env.payload === 'string' ? decodeBase64(env.payload) : undefined;
  if (!payload) return 'its payload is missing or not base64';
  if (typeof env.payloadType !== 'string') return 'its payloadType is missing';
  return { mediaType, payloadType: env.payloadType, payload, signature, hint };
}
