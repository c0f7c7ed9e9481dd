import { attachBundle, attachLegacy, resolveImage, type AttachedBundle } from '../oci/bundles.js';
import type { RegistryClient } from '../oci/client.js';
import type { Descriptor } from '../oci/manifests.js';
import { attestCommit, type Attestation, type AttestOptions } from './attest.js';

export interface ImageAttestation extends Attestation {
  /** Where each copy of the bundle went: the image, and each platform's manifest with `platformDigests`. */
  attached: (AttachedBundle & { subject: string })[];
}

export interface ImageAttestResult {
  image: string;
  digest: string;
  attestations: ImageAttestation[];
}

/**
 * Attestations about a commit and the image built from it: the image's
 * digest (its index's, for a multi-platform image) is a subject beside the
 * commit, and each bundle is attached to the image in the registry
 * (oci/bundles.ts). The reference is resolved once, before signing, so a tag
 * moved meanwhile cannot get the bundle; every bundle is signed before any
 * is pushed.
 */
/** How bundles are attached: as OCI 1.1 referrers (cosign 3, GitHub, Kyverno's SigstoreBundle), or in cosign's legacy `.att` tag. */
export type OciFormat = 'referrer' | 'legacy';

export async function attestImage(
  options: AttestOptions & { registry: RegistryClient; platformDigests?: boolean; format?: OciFormat },
): Promise<ImageAttestResult> {
  const { registry } = options;
  const image = await resolveImage(registry);
  const targets: Descriptor[] = [image.descriptor, ...(options.platformDigests === true ? image.platforms : [])];
  const name = `${registry.ref.registry}/${registry.ref.repository}`;
  const artifacts = [...(options.artifacts ?? []), ...targets.map((d) => ({ name, sha256: d.digest.slice('sha256:'.length) }))];
  const signed = await attestCommit({ ...options, artifacts });
  const now = options.context.clock.now();
  const attestations: ImageAttestation[] = [];
  for (const a of signed) {
    const bytes = Buffer.from(JSON.stringify(a.bundle));
    const attached: ImageAttestation['attached'] = [];
    for (const target of targets) {
      if (options.format === 'legacy') {
        const legacy = await attachLegacy(registry, target, a.bundle, a.predicateType);
        attached.push({ digest: legacy.layer, via: 'legacy-att', subject: target.digest });
      } else attached.push({ ...(await attachBundle(registry, target, bytes, a.predicateType, now)), subject: target.digest });
    }
    attestations.push({ ...a, attached });
  }
  return { image: name, digest: image.descriptor.digest, attestations };
}
