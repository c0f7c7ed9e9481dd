import { X509Certificate } from 'node:crypto';
import { describe, MEDIA, sha256Digest, type Descriptor, type Manifest } from './manifests.js';

/**
 * cosign's older attestation layout (specs/ATTESTATION_SPEC.md, and
 * cmd/cosign/cli/attest/attest.go for the annotations): one manifest under
 * the tag `sha256-<hex>.att`, each attestation a layer holding its DSSE
 * envelope, with the predicate type, the certificate and chain, the Rekor
 * bundle and the RFC 3161 timestamp as layer annotations. policy-controller
 * reads only this with a plain public key; Kyverno before 1.19 reads it.
 */
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

const ANNOTATION = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  rekorBundle: 'dev.sigstore.cosign/bundle',
  timestamp: 'dev.sigstore.cosign/rfc3161timestamp',
  predicateType: 'predicateType',
} as const;

export function attTag(digest: string): string {
  return `${digest.replace(':', '-')}.att`;
}

interface BundleShape {
  verificationMaterial?: {
    certificate?: { rawBytes?: string };
    x509CertificateChain?: { certificates?: { rawBytes?: string }[] };
    tlogEntries?: {
      logIndex?: string;
      logId?: { keyId?: string };
      kindVersion?: { kind?: string; version?: string };
      integratedTime?: string;
      inclusionPromise?: { signedEntryTimestamp?: string };
      canonicalizedBody?: string;
    }[];
    timestampVerificationData?: { rfc3161Timestamps?: { signedTimestamp?: string }[] };
  };
  dsseEnvelope?: { payload?: string; payloadType?: string; signatures?: { sig?: string; keyid?: string }[] };
}

function pem(der: string): string {
  return new X509Certificate(Buffer.from(der, 'base64')).toString();
}

/** A bundle's DSSE envelope as a `.att` layer: the envelope's bytes and cosign's annotations for what verifies it. */
export function legacyLayer(bundle: unknown, predicateType: string): { bytes: Buffer; annotations: Record<string, string> } {
  const b = bundle as BundleShape;
  const env = b.dsseEnvelope;
  if (!env?.payload || !env.payloadType || !env.signatures?.[0]?.sig) throw new Error('the bundle holds no DSSE envelope');
  const bytes = Buffer.from(
    JSON.stringify({ payloadType: env.payloadType, payload: env.payload, signatures: env.signatures.map((s) => ({ keyid: s.keyid ?? '', sig: s.sig ?? '' })) }),
  );
  const annotations: Record<string, string> = { [ANNOTATION.signature]: '', [ANNOTATION.predicateType]: predicateType };
  const m = b.verificationMaterial;
  const leaf = m?.certificate?.rawBytes ?? m?.x509CertificateChain?.certificates?.[0]?.rawBytes;
  if (leaf !== undefined) {
    annotations[ANNOTATION.certificate] = pem(leaf);
    annotations[ANNOTATION.chain] = (m?.x509CertificateChain?.certificates ?? [])
      .slice(1)
      .map((c) => pem(c.rawBytes ?? ''))
      .join('');
  }
  const timestamp = m?.timestampVerificationData?.rfc3161Timestamps?.[0]?.signedTimestamp;
  if (timestamp !== undefined) annotations[ANNOTATION.timestamp] = JSON.stringify({ SignedRFC3161Timestamp: timestamp });
  const entry = m?.tlogEntries?.find((e) => e.inclusionPromise?.signedEntryTimestamp !== undefined);
  if (entry) {
    annotations[ANNOTATION.rekorBundle] = JSON.stringify({
      SignedEntryTimestamp: entry.inclusionPromise?.signedEntryTimestamp,
      Payload: {
        body: entry.canonicalizedBody,
        integratedTime: Number(entry.integratedTime),
        logIndex: Number(entry.logIndex),
        logID: Buffer.from(entry.logId?.keyId ?? '', 'base64').toString('hex'),
      },
    });
  }
  return { bytes, annotations };
}

/** The `.att` manifest holding these layers; its config lists them as go-containerregistry's images do. */
export function legacyManifest(layers: readonly Descriptor[]): { manifest: Manifest; config: Buffer } {
  const config = Buffer.from(JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) } }));
  return { manifest: { schemaVersion: 2, mediaType: MEDIA.manifest, config: describe(config, OCI_CONFIG), layers: [...layers] }, config };
}

export function legacyDescriptor(bytes: Buffer, annotations: Record<string, string>): Descriptor {
  return { mediaType: MEDIA.dsse, digest: sha256Digest(bytes), size: bytes.length, annotations };
}

/**
 * A Sigstore bundle (v0.3) made back from a `.att` layer, for the one
 * verifier: the envelope, and the certificate, timestamp and log entry the
 * annotations carry. A layer signed by a key carries none of them, and the
 * bundle then names no key: the trusted keys are tried, as for other tools'
 * bundles.
 */
export function bundleFromLegacy(envelope: Buffer, annotations: Record<string, string>): unknown {
  let dsse: unknown;
  try {
    dsse = JSON.parse(envelope.toString('utf8'));
  } catch {
    return undefined;
  }
  const material: Record<string, unknown> = { tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } };
  const certificate = annotations[ANNOTATION.certificate];
  if (certificate !== undefined && certificate !== '') {
    try {
      material.certificate = { rawBytes: new X509Certificate(certificate).raw.toString('base64') };
    } catch {
      return undefined;
    }
  } else {
    // The layer names no key; a hint no trusted key carries makes the verifier try each of them.
    const keyid = (dsse as { signatures?: { keyid?: unknown }[] }).signatures?.[0]?.keyid;
    material.publicKey = { hint: typeof keyid === 'string' && keyid !== '' ? keyid : 'cosign-att-layer' };
  }
  const timestamp = parseJson(annotations[ANNOTATION.timestamp]) as { SignedRFC3161Timestamp?: string } | undefined;
  if (timestamp?.SignedRFC3161Timestamp !== undefined)
    material.timestampVerificationData = { rfc3161Timestamps: [{ signedTimestamp: timestamp.SignedRFC3161Timestamp }] };
  const rekor = parseJson(annotations[ANNOTATION.rekorBundle]) as
    { SignedEntryTimestamp?: string; Payload?: { body?: string; integratedTime?: number; logIndex?: number; logID?: string } } | undefined;
  if (rekor?.Payload?.body !== undefined) {
    const body = parseJson(Buffer.from(rekor.Payload.body, 'base64').toString('utf8')) as { kind?: string; apiVersion?: string } | undefined;
    material.tlogEntries = [
      {
        logIndex: String(rekor.Payload.logIndex ?? 0),
        logId: { keyId: Buffer.from(rekor.Payload.logID ?? '', 'hex').toString('base64') },
        kindVersion: { kind: body?.kind ?? '', version: body?.apiVersion ?? '' },
        integratedTime: String(rekor.Payload.integratedTime ?? 0),
        inclusionPromise: { signedEntryTimestamp: rekor.SignedEntryTimestamp ?? '' },
        canonicalizedBody: rekor.Payload.body,
      },
    ];
  }
  // A log entry from the annotation has its signed entry timestamp but no inclusion proof, which bundle v0.3 requires:
  // such a bundle is a v0.1 one (the certificate as a chain), as cosign's own were.
  if (rekor?.Payload?.body !== undefined && material.certificate !== undefined) {
    const { certificate, ...rest } = material;
    const chain = (annotations[ANNOTATION.chain] ?? '').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    let certificates: unknown[];
    try {
      certificates = [certificate, ...chain.map((c) => ({ rawBytes: new X509Certificate(c).raw.toString('base64') }))];
    } catch {
      // A chain that does not parse: no bundle, and the verifier says so.
      return undefined;
    }
    return {
      mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
      verificationMaterial: { ...rest, x509CertificateChain: { certificates } },
      dsseEnvelope: dsse,
    };
  }
  return { mediaType: MEDIA.bundle, verificationMaterial: material, dsseEnvelope: dsse };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
