import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findBundles } from '../../src/oci/bundles.js';
import { RegistryClient } from '../../src/oci/client.js';
import { MEDIA, bundleManifest } from '../../src/oci/manifests.js';
import { parseImageReference } from '../../src/oci/reference.js';

/**
 * An image whose referrers someone else pushed (issue 24, case 8): the
 * registry is stood in for by `fetch`, answering the referrers API with an
 * index of `entries`, each manifest and blob by its digest; blob reads counted.
 */
const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const IMAGE = `sha256:${'c'.repeat(64)}`;

function registry(referrers: number, copies: number, pad = 0): { blobReads: () => number } {
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, Buffer>();
  const entries = [];
  for (let i = 0; i < referrers; i++) {
    const bundle = Buffer.from(
      JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', n: i, ...(pad > 0 ? { pad: 'x'.repeat(pad) } : {}) }),
    );
    blobs.set(sha(bundle), bundle);
    const manifest = Buffer.from(JSON.stringify(bundleManifest(bundle, { mediaType: MEDIA.manifest, digest: IMAGE, size: 10 }, {})));
    manifests.set(sha(manifest), manifest);
    for (let k = 0; k < copies; k++) entries.push({ mediaType: MEDIA.manifest, digest: sha(manifest), size: manifest.length, artifactType: MEDIA.bundle });
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.index, manifests: entries }));
  let reads = 0;
  vi.stubGlobal('fetch', (input: string | URL | Request) => {
    const path = new URL(String(input instanceof Request ? input.url : input)).pathname;
    const digest = path.split('/').pop() ?? '';
    if (path.includes('/referrers/')) return Promise.resolve(new Response(new Uint8Array(index), { headers: { 'content-type': MEDIA.index } }));
    if (path.includes('/manifests/') && manifests.has(digest))
      return Promise.resolve(
        new Response(new Uint8Array(manifests.get(digest) ?? Buffer.alloc(0)), {
          headers: { 'content-type': MEDIA.manifest, 'docker-content-digest': digest },
        }),
      );
    if (path.includes('/blobs/') && blobs.has(digest)) {
      reads++;
      return Promise.resolve(new Response(new Uint8Array(blobs.get(digest) ?? Buffer.alloc(0))));
    }
    return Promise.resolve(new Response(null, { status: 404 }));
  });
  return { blobReads: () => reads };
}

const client = (): RegistryClient => new RegistryClient(parseImageReference('127.0.0.1:5998/acme/app'), { access: 'pull' });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the referrers of an image are read within bounds (issue 24, case 8)', () => {
  it('one bundle listed forty times is read once', async () => {
    const fake = registry(1, 40);
    const search = await findBundles(client(), IMAGE);
    expect(search.found).toHaveLength(1);
    expect(fake.blobReads()).toBe(1);
  });

  it('bundles passing 64 MB in all: could not decide, naming the cap, before the rest are read', async () => {
    // Seven distinct bundles of 10 MB each (under the per-bundle cap): the seventh passes the total.
    const fake = registry(7, 1, 10 * 1024 * 1024);
    await expect(findBundles(client(), IMAGE)).rejects.toThrow(/the attached bundles pass 64 MB in all, the most aiprov reads for one image; not read/);
    expect(fake.blobReads()).toBe(7);
  });

  it('more referrers than the cap: could not decide (a RegistryError naming the cap), nothing read', async () => {
    const fake = registry(300, 1);
    await expect(findBundles(client(), IMAGE)).rejects.toThrow(/300 referrers, more than the 256 aiprov reads for one image; not read/);
    expect(fake.blobReads()).toBe(0);
  });
});
