import { createHash } from 'node:crypto';

/** Media types of the formats aiprov writes and reads (cosign specs/BUNDLE_SPEC.md and ATTESTATION_SPEC.md; the OCI image spec 1.1). */
export const MEDIA = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  empty: 'application/vnd.oci.empty.v1+json',
  bundle: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  dsse: 'application/vnd.dsse.envelope.v1+json',
} as const;

export const MANIFEST_TYPES = [MEDIA.index, MEDIA.manifest, MEDIA.dockerList, MEDIA.dockerManifest];

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string; variant?: string };
}

export interface Manifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** The OCI empty descriptor's content: `{}`. */
export const EMPTY_CONFIG = Buffer.from('{}');

export function sha256Digest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function describe(bytes: Buffer, mediaType: string): Descriptor {
  return { mediaType, digest: sha256Digest(bytes), size: bytes.length };
}

/** Annotations cosign and GitHub put on a bundle's manifest, and copy into referrer descriptors. */
export function bundleAnnotations(predicateType: string, created: Date): Record<string, string> {
  return {
    'dev.sigstore.bundle.content': 'dsse-envelope',
    'dev.sigstore.bundle.predicateType': predicateType,
    'org.opencontainers.image.created': created.toISOString(),
  };
}

/** A Sigstore bundle as an OCI 1.1 artifact referring to `subject`: one layer holding the bundle, the empty config (cosign's BUNDLE_SPEC). */
export function bundleManifest(bundle: Buffer, subject: Descriptor, annotations: Record<string, string>): Manifest {
  return {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    artifactType: MEDIA.bundle,
    config: describe(EMPTY_CONFIG, MEDIA.empty),
    layers: [describe(bundle, MEDIA.bundle)],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  };
}

/** The referrers tag schema's tag for a subject: `sha256-<hex>` (distribution spec). */
export function referrersTag(digest: string): string {
  return digest.replace(':', '-');
}

/** The referrers index with `entry` added (a descriptor already listed is not added twice). */
export function withReferrer(index: ImageIndex | undefined, entry: Descriptor): ImageIndex {
  const manifests = (index?.manifests ?? []).filter((d) => d.digest !== entry.digest);
  return { schemaVersion: 2, mediaType: MEDIA.index, manifests: [...manifests, entry] };
}

/** Canonical bytes of a manifest or index: the bytes pushed are the bytes digested. */
export function manifestBytes(value: Manifest | ImageIndex): Buffer {
  return Buffer.from(JSON.stringify(value));
}
