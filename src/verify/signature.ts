import { createHash, type KeyObject } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { HashAlgorithm, type TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, type SignedEntity } from '@sigstore/verify';
import { decodeBase64 } from '../attest/dsse.js';
import { keyId } from '../attest/sign.js';
import { linearPattern } from '../kernel/linear-regex.js';
import type { CheckList } from './checks.js';
import { verifyPrehashed } from './prehashed.js';

/** What a signature must chain to: trusted public keys, or a trusted root and the identity the certificate must name. */
export type Trust = { kind: 'keys'; keys: readonly KeyObject[]; root?: TrustedRoot } | { kind: 'certificate'; root: TrustedRoot; identity: IdentityRule };

export interface IdentityRule {
  /** The certificate's subject alternative name: equal to `exact`, or matched whole by `pattern` (anchored here, whatever the user wrote). */
  subject: { exact: string } | { pattern: string };
  /** The OIDC issuer, compared exactly. */
  issuer: string;
}

/** What a message-signature bundle signs: the artifact's bytes, or only its SHA-256 (the DSSE kind carries its own payload). */
export type SignedArtifact = { bytes: Buffer } | { sha256: Buffer };

export interface SignatureOutcome {
  /** The DSSE envelope, from exactly the verified bytes (absent for a message signature or on failure). */
  envelope?: { payloadType: string; payload: Buffer };
  /** Times the signature is proven to have existed by: log entries' integrated times, RFC 3161 timestamps. */
  signedAt: Date[];
  /** Who signed: a key id, or the certificate's identity. */
  signer?: string;
}

export const BUNDLE_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.bundle(\.v0\.3\+json|\+json;version=0\.[123])$/;

/** An empty trusted root: a key-signed bundle is trusted through its key alone, with no CA, log or timestamp authority. */
const NO_AUTHORITIES = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
} as unknown as TrustedRoot;

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The Sigstore part of verification, recorded as the checks `bundle`,
 * `signature` and `identity`: the bundle is well formed (checked here
 * before @sigstore/verify sees it: one signature, not empty, verification
 * material present), its signature verifies against a trusted key or a
 * certificate chaining to the trusted root with its log entries and
 * timestamps, and the certificate names the identity asked for. (That the
 * DSSE signature is over the pre-authentication encoding, checkable with
 * plain node:crypto and independent of sigstore-js, is a test:
 * test/verify/attestation.test.ts; doing it twice here would halve the
 * throughput for no new guarantee.) Fails
 * closed: any exception is a failed check, never a pass.
 */
export function verifySignature(json: unknown, trust: Trust, checks: CheckList, artifact?: SignedArtifact): SignatureOutcome {
  const none: SignatureOutcome = { signedAt: [] };
  // Each stage records its check, failed or passed; the first that fails ends it.
  const read = readBundle(json, checks, artifact);
  if (!read) return none;
  const trusted = trustFor(trust, read.shape, checks);
  if (!trusted) return none;
  const parsed = signedEntity(read.bundle, read.shape, checks, artifact);
  if (!parsed) return none;
  const { entity, unlisted } = countedTimestamps(parsed, trust, trusted.root);
  const signer = verifyWithCandidates(entity, trust, read.shape, trusted, checks);
  if (!signer) return none;
  const signedAt = signedTimes(entity);
  const logs = entity.tlogEntries.length;
  checks.pass(
    'signature',
    trust.kind === 'keys'
      ? `verified with trusted key ${keyId(signer.key)}${logs > 0 ? `, ${logs} log entr${logs === 1 ? 'y' : 'ies'}` : ''}`
      : `verified: certificate chains to the trusted root; ${logs} log entr${logs === 1 ? 'y' : 'ies'}, ${signedAt.length} verified timestamp${signedAt.length === 1 ? '' : 's'}${unlisted > 0 ? ` (${unlisted} by a timestamp authority the trusted root does not list, not counted)` : ''}`,
  );
  const who = checkIdentity(trust, signer, checks);
  if (who === undefined) return none;
  // The payload handed on is the one @sigstore/verify verified the signature over, not a second decoding of the JSON.
  const bundle = read.bundle;
  const verified = bundle.content.$case === 'dsseEnvelope' ? bundle.content.dsseEnvelope : undefined;
  return { signedAt, signer: who, ...(verified ? { envelope: { payloadType: verified.payloadType, payload: Buffer.from(verified.payload) } } : {}) };
}

/** The bundle's shape (checked before any library reads it) and the parsed bundle; the `bundle` check. */
function readBundle(json: unknown, checks: CheckList, artifact: SignedArtifact | undefined): { shape: Shape & Content; bundle: Bundle } | undefined {
  const shape = shapeOf(json);
  if (typeof shape === 'string') {
    checks.fail('bundle', shape);
    return undefined;
  }
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (error) {
    checks.fail('bundle', `is not a valid Sigstore bundle: ${message(error)}`);
    return undefined;
  }
  if (shape.content === 'message' && !artifact) {
    checks.fail('bundle', 'signs an artifact (a message signature), but no artifact was given to check it against');
    return undefined;
  }
  checks.pass(
    'bundle',
    `${shape.content === 'dsse' ? 'DSSE envelope' : 'message signature'} (${shape.mediaType}), one signature, ${shape.material === 'key' ? `key ${shape.hint.slice(0, 16)}…` : 'certificate'}`,
  );
  return { shape, bundle };
}

/**
 * Which keys may have signed and under which root: the key the hint names,
 * or, when the hint names none of them (other tools' hints are not aiprov's
 * key ids), each in turn; the signature decides.
 */
function trustFor(trust: Trust, shape: Shape, checks: CheckList): { candidates: readonly (KeyObject | undefined)[]; root: TrustedRoot } | undefined {
  if (trust.kind === 'keys') {
    if (shape.material !== 'key') {
      checks.fail('signature', 'is signed with a certificate, but verification was asked against keys (give a certificate identity instead)');
      return undefined;
    }
    const named = trust.keys.filter((k) => keyId(k) === shape.hint);
    const candidates = named.length > 0 ? named : trust.keys;
    if (candidates.length === 0) {
      checks.fail('signature', 'no trusted key was given');
      return undefined;
    }
    return { candidates, root: trust.root ?? NO_AUTHORITIES };
  }
  if (shape.material !== 'certificate') {
    checks.fail('signature', 'is signed with a key, not a certificate (give --key to verify it)');
    return undefined;
  }
  return { candidates: [undefined], root: trust.root };
}

/** What @sigstore/verify checks: the bundle with the artifact, or over its digest alone. */
function signedEntity(bundle: Bundle, shape: Content, checks: CheckList, artifact: SignedArtifact | undefined): SignedEntity | undefined {
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(bundle, artifact && 'bytes' in artifact ? artifact.bytes : Buffer.alloc(0));
  } catch (error) {
    checks.fail('bundle', `cannot be read: ${message(error)}`);
    return undefined;
  }
  if (shape.content !== 'message' || !artifact) return entity;
  const digested = checkDigest(bundle, entity, artifact);
  if ('problem' in digested) {
    checks.fail('signature', digested.problem);
    return undefined;
  }
  return digested.entity;
}

/**
 * The RFC 3161 timestamps that can count: those by an authority the trusted
 * root lists (by the signer's issuer and serial, as @sigstore/verify matches
 * them). One by another authority (GitHub's, in bundles its actions sign on
 * Sigstore's public-good instance) can neither be verified nor trusted: it is
 * set aside rather than failing the bundle, as sigstore-go does, and the
 * thresholds must still be met by what remains.
 */
function countedTimestamps(entity: SignedEntity, trust: Trust, root: TrustedRoot): { entity: SignedEntity; unlisted: number } {
  if (trust.kind !== 'certificate' || !entity.timestamps.some((t) => t.$case === 'timestamp-authority')) return { entity, unlisted: 0 };
  const authorities = toTrustMaterial(root).timestampAuthorities;
  const listed = entity.timestamps.filter(
    (t) =>
      t.$case !== 'timestamp-authority' ||
      authorities.some((ca) => {
        const leaf = ca.certChain[0];
        return leaf !== undefined && leaf.serialNumber.equals(t.timestamp.signerSerialNumber) && leaf.issuer.equals(t.timestamp.signerIssuer);
      }),
  );
  return { entity: { ...entity, timestamps: listed }, unlisted: entity.timestamps.length - listed.length };
}

/** The signature against each candidate key (or the certificate) in turn; the first that verifies is the signer. */
function verifyWithCandidates(
  entity: SignedEntity,
  trust: Trust,
  shape: Shape,
  trusted: { candidates: readonly (KeyObject | undefined)[]; root: TrustedRoot },
  checks: CheckList,
): ReturnType<Verifier['verify']> | undefined {
  const { candidates, root } = trusted;
  const thresholds =
    trust.kind === 'keys'
      ? { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }
      : { tlogThreshold: root.tlogs.length > 0 ? 1 : 0, ctlogThreshold: root.ctlogs.length > 0 ? 1 : 0, timestampThreshold: 1 };
  let failure = '';
  for (const key of candidates) {
    try {
      const keyFor = (hint: string): { publicKey: KeyObject; validFor: () => boolean } => {
        if (hint !== shape.hint || !key) throw new Error(`no key ${hint}`);
        return { publicKey: key, validFor: () => true };
      };
      const material = toTrustMaterial(root, key && keyFor);
      return new Verifier(material, thresholds).verify(entity);
    } catch (error) {
      failure = message(error);
    }
  }
  const unnamed = trust.kind === 'keys' && !trust.keys.some((k) => keyId(k) === shape.hint);
  checks.fail(
    'signature',
    unnamed
      ? `signed by key ${shape.hint}, which is not among the ${candidates.length} trusted, and verifies with none of them`
      : `does not verify: ${failure}`,
  );
  return undefined;
}

/** The `identity` check: a trusted key, or the certificate's identity and issuer exactly as asked. Who signed, or undefined. */
function checkIdentity(trust: Trust, signer: ReturnType<Verifier['verify']>, checks: CheckList): string | undefined {
  if (trust.kind === 'keys') {
    checks.pass('identity', `trusted key ${keyId(signer.key)}`);
    return `key ${keyId(signer.key)}`;
  }
  const san = signer.identity?.subjectAlternativeName ?? '';
  const issuer = signer.identity?.extensions?.issuer ?? '';
  const rule = trust.identity;
  const sanOk = 'exact' in rule.subject ? san === rule.subject.exact : linearPattern(`^(?:${rule.subject.pattern})$`).test(san);
  if (!sanOk) {
    checks.fail(
      'identity',
      `certificate identity ${JSON.stringify(san)} does not match ${'exact' in rule.subject ? JSON.stringify(rule.subject.exact) : `/^(?:${rule.subject.pattern})$/`}`,
    );
    return undefined;
  }
  if (issuer !== rule.issuer) {
    checks.fail('identity', `certificate issuer ${JSON.stringify(issuer)} is not ${JSON.stringify(rule.issuer)}`);
    return undefined;
  }
  const who = `${san} (${issuer})`;
  checks.pass('identity', who);
  return who;
}

/**
 * A message signature over a digest only: the digest must be the bundle's,
 * and the signature is checked over it without hashing again. The entity
 * @sigstore/verify made is left as it was: a new one, with a signature that
 * verifies over the digest, is handed to the Verifier.
 */
function checkDigest(bundle: Bundle, entity: SignedEntity, artifact: SignedArtifact): { problem: string } | { entity: SignedEntity } {
  if (bundle.content.$case !== 'messageSignature') return { entity };
  const { messageDigest } = bundle.content.messageSignature;
  const expected = 'bytes' in artifact ? createHash('sha256').update(artifact.bytes).digest() : artifact.sha256;
  // A bundle that names another algorithm cannot be compared with a SHA-256.
  if (messageDigest.algorithm !== HashAlgorithm.SHA2_256)
    return { problem: `the bundle's message digest is not SHA-256 (algorithm ${messageDigest.algorithm})` };
  if (!Buffer.from(messageDigest.digest).equals(expected))
    return { problem: `the bundle signs sha256:${Buffer.from(messageDigest.digest).toString('hex')}, not the artifact (sha256:${expected.toString('hex')})` };
  if (!('sha256' in artifact)) return { entity };
  const original = entity.signature;
  const signature: SignedEntity['signature'] = {
    signature: original.signature,
    compareSignature: (s) => original.compareSignature(s),
    compareDigest: (d) => original.compareDigest(d),
    compareSignedDigest: (d) => original.compareSignedDigest(d),
    verifySignature: (key) => verifyPrehashed(key, artifact.sha256, original.signature),
  };
  return { entity: { ...entity, signature } };
}

/** The verified times: log entries with an inclusion promise (signed by the log), and RFC 3161 timestamps (verified by the Verifier). */
function signedTimes(entity: SignedEntity): Date[] {
  const out: Date[] = [];
  for (const t of entity.timestamps) {
    if (t.$case === 'timestamp-authority') out.push(t.timestamp.signingTime);
    else if (t.tlogEntry.inclusionPromise) out.push(new Date(Number(t.tlogEntry.integratedTime) * 1000));
  }
  return out;
}

type Shape = { mediaType: string; material: 'key'; hint: string } | { mediaType: string; material: 'certificate'; hint: '' };
type Content = { content: 'dsse' } | { content: 'message' };

/** The parts of a bundle, or what is wrong with it (checked before any library reads it). */
function shapeOf(json: unknown): (Shape & Content) | string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'is not a JSON object';
  const b = json as Record<string, unknown>;
  const mediaType = typeof b.mediaType === 'string' ? b.mediaType : '';
  if (!BUNDLE_MEDIA_TYPE.test(mediaType)) return `mediaType ${JSON.stringify(b.mediaType)} is not a Sigstore bundle`;
  const vm: unknown = b.verificationMaterial;
  if (typeof vm !== 'object' || vm === null) return 'has no verification material';
  const m = vm as Record<string, unknown>;
  const kinds = ['publicKey', 'x509CertificateChain', 'certificate'].filter((k) => m[k] !== undefined && m[k] !== null);
  if (kinds.length !== 1) return kinds.length === 0 ? 'has no key or certificate in its verification material' : `names both ${kinds.join(' and ')}`;
  let shape: Shape;
  if (kinds[0] === 'publicKey') {
    const hint = (m.publicKey as { hint?: unknown }).hint;
    if (typeof hint !== 'string' || hint === '') return 'names no public key (a key-signed bundle carries verificationMaterial.publicKey.hint)';
    shape = { mediaType, material: 'key', hint };
  } else {
    shape = { mediaType, material: 'certificate', hint: '' };
  }
  const hasDsse = b.dsseEnvelope !== undefined && b.dsseEnvelope !== null;
  const hasMessage = b.messageSignature !== undefined && b.messageSignature !== null;
  if (hasDsse === hasMessage) return hasDsse ? 'holds both a DSSE envelope and a message signature' : 'holds no DSSE envelope and no message signature';
  if (hasMessage) {
    const sig = (b.messageSignature as { signature?: unknown }).signature;
    const signature = typeof sig === 'string' ? decodeBase64(sig) : undefined;
    if (!signature || signature.length === 0) return 'its signature is empty or not base64';
    return { ...shape, content: 'message' };
  }
  const env = b.dsseEnvelope as Record<string, unknown>;
  const signatures = env.signatures;
  if (!Array.isArray(signatures) || signatures.length !== 1)
    return `has ${Array.isArray(signatures) ? signatures.length : 'no list of'} signatures; a bundle holds exactly one`;
  const sig = (signatures[0] as { sig?: unknown } | null)?.sig;
  const signature = typeof sig === 'string' ? decodeBase64(sig) : undefined;
  if (!signature || signature.length === 0) return 'its signature is empty or not base64';
  // The payload is decoded once, by @sigstore/bundle, and what is verified is exactly those bytes (whatever the string, a signature over other bytes fails).
  if (typeof env.payload !== 'string' || env.payload === '') return 'its payload is missing or empty';
  if (typeof env.payloadType !== 'string') return 'its payloadType is missing';
  return { ...shape, content: 'dsse' };
}
