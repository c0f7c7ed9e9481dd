import { generateKeyPairSync } from 'node:crypto';
import { attestImage } from '../attest/image.js';
import { PREDICATE_TYPES } from '../attest/statement.js';
import type { AttestContext } from '../attest/attest.js';
import { findBundles } from '../oci/bundles.js';
import { RegistryClient } from '../oci/client.js';
import { MEDIA, sha256Digest } from '../oci/manifests.js';
import { parseImageReference } from '../oci/reference.js';
import { verifyAttestation } from '../verify/attestation.js';

export interface DemoImage {
  image: string;
  digest: string;
  via: string;
  verified: boolean;
  checks: number;
}

/** Pushes a one-layer image under `tag` (config, layer, manifest), as any client would; returns its digest. */
export async function pushSampleImage(client: RegistryClient, tag: string): Promise<string> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = Buffer.from(`the sample's build of ${client.ref.repository}:${tag}\n`);
  await client.pushBlob(config);
  await client.pushBlob(layer);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256Digest(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256Digest(layer), size: layer.length }],
    }),
  );
  await client.pushManifest(tag, manifest, MEDIA.manifest);
  return sha256Digest(manifest);
}

/**
 * What a release job does with an image, against a registry on this machine:
 * the sample's image pushed, its authorship attested with a throwaway key
 * and attached to it, then read back from the registry and verified, as an
 * admission controller or `aiprov verify --image` would.
 */
export async function demoImage(options: { context: AttestContext; registryHost: string }): Promise<DemoImage> {
  const ref = parseImageReference(`${options.registryHost}/aiprov-demo/app:1.0`);
  const client = new RegistryClient(ref, { access: 'push' });
  const digest = await pushSampleImage(client, ref.tag ?? '1.0');
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const made = await attestImage({ context: options.context, predicates: ['authorship'], signer: { privateKey: keys.privateKey }, registry: client });
  const found = await findBundles(new RegistryClient(ref, { access: 'pull' }), digest);
  const verification = await verifyAttestation({
    bundle: found.found[0]?.json,
    trust: { kind: 'keys', keys: [keys.publicKey] },
    predicateType: PREDICATE_TYPES.authorship,
    subject: { sha256: digest.slice('sha256:'.length) },
    now: options.context.clock.now(),
  });
  return {
    image: made.image,
    digest,
    via: made.attestations[0]?.attached[0]?.via ?? 'none',
    verified: verification.verified,
    checks: verification.checks.filter((c) => c.result === 'passed').length,
  };
}
