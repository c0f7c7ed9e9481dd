import { exceedsDepth } from '../kernel/json-depth.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryError } from '../kernel/errors.js';
import { parseIndex, type RegistryClient } from './client.js';
import {
  bundleAnnotations,
  bundleManifest,
  EMPTY_CONFIG,
  manifestBytes,
  MEDIA,
  referrersTag,
  sha256Digest,
  withReferrer,
  type Descriptor,
  type ImageIndex,
  type Manifest,
} from './manifests.js';
import { attTag, bundleFromLegacy, legacyDescriptor, legacyLayer, legacyManifest } from './legacy.js';
import { formatReference } from './reference.js';

export interface ResolvedImage {
  /** The digest the reference names: for a multi-platform image, its index's. */
  descriptor: Descriptor;
  /** For an index: each platform's manifest. */
  platforms: Descriptor[];
}

/** The digest an image reference names now (a tag is read once; a digest is checked to exist). */
export async function resolveImage(client: RegistryClient): Promise<ResolvedImage> {
  const reference = client.ref.digest ?? client.ref.tag ?? 'latest';
  const found = await client.manifest(reference);
  if (!found) throw new RegistryError('IMAGE_NOT_FOUND', `no image ${reference} in ${client.where}`);
  const isIndex = found.descriptor.mediaType === MEDIA.index || found.descriptor.mediaType === MEDIA.dockerList;
  const platforms = isIndex
    ? parseIndex(found.bytes, `${client.where}@${found.descriptor.digest}`).manifests.filter(
        (d) => d.mediaType === MEDIA.manifest || d.mediaType === MEDIA.dockerManifest,
      )
    : [];
  return { descriptor: found.descriptor, platforms };
}

export interface AttachedBundle {
  /** The digest of the bundle's manifest. */
  digest: string;
  /** How the subject finds it: the registry's referrers API, or the referrers tag (`sha256-<hex>`) aiprov keeps. */
  via: 'referrers-api' | 'referrers-tag' | 'legacy-att';
}

/** Tries to get an entry into a referrers tag that concurrent writers also change (the registry may ignore If-Match). */
const TAG_ATTEMPTS = 8;
/**
 * How long an entry must stay in a read–modify–write tag before it counts as
 * kept. Registries without the referrers API (Docker's distribution among
 * them) ignore If-Match, so another writer that read the tag before our put
 * can put its own copy after it and drop our entry, while our re-read right
 * after the put still saw it. Reading again after this long catches every
 * writer whose read and put are closer together than that (one round trip
 * each), and goes round again.
 */
const SETTLE_MS = 400;

/**
 * Attaches a Sigstore bundle to an image as an OCI 1.1 referrer (cosign's
 * BUNDLE_SPEC): the bundle and the empty config as blobs, the manifest
 * pushed by its digest. On a registry without the referrers API the
 * referrers tag schema is kept by hand: read the index, add the entry, put
 * it back, read it again, and go round until the entry is there (another
 * writer may have put its own index over ours in between). Nothing is
 * overwritten: each bundle is its own manifest.
 */
export async function attachBundle(client: RegistryClient, subject: Descriptor, bundle: Buffer, predicateType: string, created: Date): Promise<AttachedBundle> {
  const annotations = bundleAnnotations(predicateType, created);
  const manifest = bundleManifest(bundle, subject, annotations);
  const bytes = manifestBytes(manifest);
  await client.pushBlob(EMPTY_CONFIG);
  await client.pushBlob(bundle);
  const digest = sha256Digest(bytes);
  await client.pushManifest(digest, bytes, MEDIA.manifest);
  // Some registries answer OCI-Subject without serving the referrers API (ECR did), so the API itself is asked;
  // where it is served, the registry indexes the subject and the tag schema must not be used.
  if ((await client.referrers(subject.digest)).supported) return { digest, via: 'referrers-api' };
  const entry: Descriptor = { mediaType: MEDIA.manifest, digest, size: bytes.length, artifactType: MEDIA.bundle, annotations };
  const tag = referrersTag(subject.digest);
  for (let attempt = 0; attempt < TAG_ATTEMPTS; attempt++) {
    const current = await readTagIndex(client, tag);
    if (current?.manifests.some((d) => d.digest === digest)) return { digest, via: 'referrers-tag' };
    const next = withReferrer(current, entry);
    await client.pushManifest(tag, manifestBytes(next), MEDIA.index);
    if (await kept(async () => (await readTagIndex(client, tag))?.manifests.some((d) => d.digest === digest) === true)) return { digest, via: 'referrers-tag' };
    await sleep(20 + Math.random() * 80 * (attempt + 1));
  }
  throw new RegistryError('REGISTRY_REFUSED', `${client.where}: the referrers tag ${tag} kept losing the new entry ${digest} to other writers; run again`);
}

/**
 * Adds a bundle's envelope to the image's `.att` manifest (cosign's legacy
 * layout): the manifest is read, the layer appended (never one replaced), and
 * the whole put back under the tag; read again and gone round while another
 * writer's manifest has replaced ours, as with the referrers tag.
 */
export async function attachLegacy(
  client: RegistryClient,
  subject: Descriptor,
  bundle: unknown,
  predicateType: string,
): Promise<{ tag: string; layer: string }> {
  const layer = legacyLayer(bundle, predicateType);
  const descriptor = legacyDescriptor(layer.bytes, layer.annotations);
  await client.pushBlob(layer.bytes);
  const tag = attTag(subject.digest);
  for (let attempt = 0; attempt < TAG_ATTEMPTS; attempt++) {
    const layers = await readAttLayers(client, tag);
    if (layers.some((l) => l.digest === descriptor.digest)) return { tag, layer: descriptor.digest };
    const { manifest, config } = legacyManifest([...layers, descriptor]);
    await client.pushBlob(config);
    await client.pushManifest(tag, manifestBytes(manifest), MEDIA.manifest);
    if (await kept(async () => (await readAttLayers(client, tag)).some((l) => l.digest === descriptor.digest))) return { tag, layer: descriptor.digest };
    await sleep(20 + Math.random() * 80 * (attempt + 1));
  }
  throw new RegistryError('REGISTRY_REFUSED', `${client.where}: the tag ${tag} kept losing the new layer ${descriptor.digest} to other writers; run again`);
}

/** Our entry is there now and still there a settling time later (see SETTLE_MS). */
async function kept(present: () => Promise<boolean>): Promise<boolean> {
  if (!(await present())) return false;
  await sleep(SETTLE_MS + Math.random() * 100);
  return present();
}

async function readAttLayers(client: RegistryClient, tag: string): Promise<Descriptor[]> {
  const found = await client.manifest(tag, [MEDIA.manifest]);
  const layers = (found?.json as Partial<Manifest> | undefined)?.layers;
  return Array.isArray(layers) ? layers.filter((l) => typeof l.digest === 'string' && /^sha256:[a-f0-9]{64}$/.test(l.digest)) : [];
}

async function readTagIndex(client: RegistryClient, tag: string): Promise<ImageIndex | undefined> {
  const found = await client.manifest(tag, [MEDIA.index]);
  return found ? parseIndex(found.bytes, `${client.where}:${tag}`) : undefined;
}

/** A bundle found on an image, with where it was found (for the report) and its bytes' JSON. */
export interface FoundBundle {
  source: string;
  manifest: string;
  bytes: Buffer;
  json: unknown;
  predicateType?: string;
}

export interface BundleSearch {
  found: FoundBundle[];
  /** What was looked at, for a message that says where nothing was. */
  looked: string[];
  /** Referrers that were not Sigstore bundles about this image, and why they were left out. */
  skipped: string[];
}

/** Bundles the referrers carry are small; one larger is not read. */
const BUNDLE_BYTES = 16 * 1024 * 1024;

/**
 * The Sigstore bundles attached to `digest`: the referrers API, or the
 * referrers tag where there is none. Only manifests whose artifact type is
 * the bundle's, whose subject is this digest, and whose one layer is a
 * bundle are read; anything else is listed in `skipped`.
 */
export async function findBundles(client: RegistryClient, digest: string): Promise<BundleSearch> {
  const looked: string[] = [];
  const skipped: string[] = [];
  const api = await client.referrers(digest);
  let index = api.index;
  if (api.supported) looked.push(`the referrers API of ${client.where}`);
  else {
    const tag = referrersTag(digest);
    looked.push(`${client.where}:${tag} (the referrers tag; the registry has no referrers API)`);
    index = await readTagIndex(client, tag);
  }
  const budget = new ReadBudget(client.where);
  const found: FoundBundle[] = [];
  // Each referrer once: an index listing one bundle forty times is read once, not forty times.
  const entries = [...new Map((index?.manifests ?? []).map((e) => [e.digest, e])).values()];
  budget.count(entries.length, 'referrers');
  for (const entry of entries) {
    const bundle = await readReferrer(client, entry, digest, skipped, budget);
    if (bundle) found.push(bundle);
  }
  // cosign's legacy `.att` tag: each DSSE layer made back into a bundle for the same verifier.
  const tag = attTag(digest);
  looked.push(`${client.where}:${tag} (cosign's legacy attestations)`);
  const layers = [...new Map((await readAttLayers(client, tag)).map((l) => [l.digest, l])).values()];
  budget.count(layers.length, `layers of ${tag}`);
  for (const layer of layers) {
    if (layer.mediaType !== MEDIA.dsse) {
      skipped.push(`${tag} layer ${layer.digest}: media type ${layer.mediaType}`);
      continue;
    }
    if (layer.size > BUNDLE_BYTES) {
      skipped.push(`${tag} layer ${layer.digest}: ${layer.size} bytes`);
      continue;
    }
    const envelope = await client.blob(layer.digest, BUNDLE_BYTES);
    budget.add(envelope.length);
    const json = bundleFromLegacy(envelope, layer.annotations ?? {});
    const predicateType = layer.annotations?.predicateType;
    found.push({
      source: `${client.where}:${tag} layer ${layer.digest}`,
      manifest: layer.digest,
      bytes: envelope,
      json,
      ...(predicateType !== undefined ? { predicateType } : {}),
    });
  }
  return { found, looked, skipped };
}

/** How many referrers, and how many bytes of bundles, one look at an image may read. */
const MAX_REFERRERS = 256;
const MAX_BUNDLE_TOTAL = 64 * 1024 * 1024;

/**
 * Anyone who can push to an image's repository can attach referrers: a look
 * stops, as "could not decide" (a RegistryError, exit 2), past a count and a
 * total of bytes, naming the cap, rather than reading what it is given.
 */
class ReadBudget {
  private bytes = 0;
  constructor(private readonly where: string) {}
  count(n: number, what: string): void {
    if (n > MAX_REFERRERS)
      throw new RegistryError('REGISTRY_BAD_ANSWER', `${this.where}: ${n} ${what}, more than the ${MAX_REFERRERS} aiprov reads for one image; not read`);
  }
  add(n: number): void {
    this.bytes += n;
    if (this.bytes > MAX_BUNDLE_TOTAL)
      throw new RegistryError(
        'REGISTRY_BAD_ANSWER',
        `${this.where}: the attached bundles pass ${MAX_BUNDLE_TOTAL / 1024 / 1024} MB in all, the most aiprov reads for one image; not read`,
      );
  }
}

/** One referrer: the bundle it carries, or undefined with the reason in `skipped`. */
async function readReferrer(
  client: RegistryClient,
  entry: Descriptor,
  digest: string,
  skipped: string[],
  budget: ReadBudget,
): Promise<FoundBundle | undefined> {
  if (entry.artifactType !== undefined && entry.artifactType !== MEDIA.bundle) {
    skipped.push(`${entry.digest}: artifact type ${entry.artifactType}`);
    return undefined;
  }
  const read = await client.manifest(entry.digest, [MEDIA.manifest]);
  if (!read) {
    skipped.push(`${entry.digest}: listed, but not in the registry`);
    return undefined;
  }
  const m = read.json as Partial<Manifest>;
  if (m.artifactType !== MEDIA.bundle) {
    skipped.push(`${entry.digest}: artifact type ${String(m.artifactType)}`);
    return undefined;
  }
  if (m.subject?.digest !== digest) {
    skipped.push(`${entry.digest}: about ${String(m.subject?.digest)}, not this image`);
    return undefined;
  }
  const layer = Array.isArray(m.layers) && m.layers.length === 1 ? m.layers[0] : undefined;
  if (layer?.mediaType !== MEDIA.bundle || typeof layer.digest !== 'string') {
    skipped.push(`${entry.digest}: not one bundle layer`);
    return undefined;
  }
  if (typeof layer.size === 'number' && layer.size > BUNDLE_BYTES) {
    skipped.push(`${entry.digest}: a bundle of ${layer.size} bytes`);
    return undefined;
  }
  const bytes = await client.blob(layer.digest, BUNDLE_BYTES);
  budget.add(bytes.length);
  const predicateType = m.annotations?.['dev.sigstore.bundle.predicateType'];
  return {
    source: formatReference(client.ref, entry.digest),
    manifest: entry.digest,
    bytes,
    json: parseBundle(bytes),
    ...(predicateType !== undefined ? { predicateType } : {}),
  };
}

/** A bundle's JSON, or undefined (reported as not a bundle): not JSON, or nested thousands deep (the verifier's recursion would overflow). */
function parseBundle(bytes: Buffer): unknown {
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    return exceedsDepth(parsed) ? undefined : parsed;
  } catch {
    return undefined;
  }
}
