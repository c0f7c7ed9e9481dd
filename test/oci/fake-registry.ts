import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OCI registry in the test process, as the distribution spec describes
 * one: blobs by upload session, manifests by tag or digest, the referrers
 * API (or not, like Debian's docker-registry 2.8), and Bearer-token auth
 * from its own token endpoint (or none). Everything stored can be read back
 * and tampered with by the test.
 */
export interface FakeRegistryOptions {
  referrersApi: boolean;
  /** Require a Bearer token from /token, given for this user and password; or, with `scheme: 'basic'`, Basic credentials on every request. */
  auth?: { username: string; password: string; scheme?: 'bearer' | 'basic' };
  /** Answer every request under /v2/ this way instead (garbage, a hang). */
  misbehave?: 'garbage' | 'hang' | 'error';
  /** Holds the nth PUT (from 1) of a manifest under a tag until that many reads of the tag have arrived: writers that race, in an order the test sets. */
  tagPutAfterReads?: (tag: string, nth: number) => number;
}

export interface FakeRegistry {
  host: string;
  blobs: Map<string, Buffer>;
  /** repository → reference (tag or digest) → { bytes, mediaType } */
  manifests: Map<string, Map<string, { bytes: Buffer; mediaType: string }>>;
  requests: string[];
  options: FakeRegistryOptions;
  close(): Promise<void>;
  /** Pushes an image (config and one layer) and returns its manifest digest; with `platforms`, an index of that many. */
  pushImage(repository: string, tag: string, platforms?: number): string;
}

const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export async function startFakeRegistry(options: FakeRegistryOptions): Promise<FakeRegistry> {
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, Map<string, { bytes: Buffer; mediaType: string }>>();
  const uploads = new Map<string, Buffer[]>();
  const requests: string[] = [];
  const tokens = new Set<string>();
  let host = '';
  const tagPuts = new Map<string, number>();
  const tagReads = new Map<string, number>();

  const repo = (name: string): Map<string, { bytes: Buffer; mediaType: string }> => {
    const found = manifests.get(name);
    if (found) return found;
    const made = new Map<string, { bytes: Buffer; mediaType: string }>();
    manifests.set(name, made);
    return made;
  };

  // `send` returns true so that every branch can end with `return send(…)`.
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<true | undefined> => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    requests.push(`${req.method ?? ''} ${url.pathname}${url.search}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const send = (status: number, headers: Record<string, string> = {}, payload?: Buffer | string): true => {
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : payload);
      return true;
    };
    if (url.pathname === '/token' && req.method === 'POST') {
      // OAuth2 refresh-token grant: the identity token docker login keeps for such registries.
      const form = new URLSearchParams(body.toString('utf8'));
      if (
        form.get('grant_type') !== 'refresh_token' ||
        form.get('refresh_token') !== options.auth?.password ||
        !(form.get('scope') ?? '').startsWith('repository:')
      )
        return send(401, { 'content-type': 'application/json' }, '{"errors":[{"code":"UNAUTHORIZED"}]}');
      const token = randomUUID();
      tokens.add(token);
      return send(200, { 'content-type': 'application/json' }, JSON.stringify({ access_token: token }));
    }
    if (url.pathname === '/token') {
      const expected = options.auth ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}` : '';
      if (req.headers.authorization !== expected) return send(401, { 'content-type': 'application/json' }, '{"errors":[{"code":"UNAUTHORIZED"}]}');
      const token = randomUUID();
      tokens.add(token);
      return send(200, { 'content-type': 'application/json' }, JSON.stringify({ token }));
    }
    if (!url.pathname.startsWith('/v2/')) return send(404);
    if (options.misbehave === 'hang') return undefined;
    if (options.misbehave === 'garbage') return send(200, { 'content-type': 'application/json' }, '<html>not a registry</html>');
    if (options.misbehave === 'error') return send(503, {}, 'busy');
    if (options.auth?.scheme === 'basic') {
      if (req.headers.authorization !== `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`)
        return send(401, { 'www-authenticate': 'Basic realm="fake-registry"' });
    } else if (options.auth && !tokens.has((req.headers.authorization ?? '').replace(/^Bearer /, ''))) {
      return send(
        401,
        { 'www-authenticate': `Bearer realm="http://${host}/token",service="fake-registry",scope="repository:x:pull"`, 'content-type': 'application/json' },
        '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
      );
    }
    const m = /^\/v2\/(.+)\/(blobs\/uploads\/?|blobs|manifests|referrers)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return send(404);
    const [, name = '', kind = '', ref = ''] = m;
    if (kind.startsWith('blobs/uploads')) {
      if (req.method === 'POST') {
        const id = randomUUID();
        uploads.set(id, []);
        return send(202, { location: `/v2/${name}/blobs/uploads/${id}` });
      }
      if (req.method === 'PUT') {
        const id = ref;
        const digest = url.searchParams.get('digest') ?? '';
        if (!uploads.has(id)) return send(404);
        const data = Buffer.concat([...(uploads.get(id) ?? []), body]);
        if (sha(data) !== digest) return send(400, {}, '{"errors":[{"code":"DIGEST_INVALID"}]}');
        blobs.set(digest, data);
        uploads.delete(id);
        return send(201, { location: `/v2/${name}/blobs/${digest}` });
      }
      return send(405);
    }
    if (kind === 'blobs') {
      const blob = blobs.get(ref);
      return blob
        ? send(200, { 'content-type': 'application/octet-stream', 'content-length': String(blob.length), 'docker-content-digest': ref }, blob)
        : send(404);
    }
    if (kind === 'manifests') {
      const store = repo(name);
      if (req.method === 'PUT') {
        if (!ref.startsWith('sha256:') && options.tagPutAfterReads) {
          const nth = (tagPuts.get(ref) ?? 0) + 1;
          tagPuts.set(ref, nth);
          const reads = options.tagPutAfterReads(ref, nth);
          while ((tagReads.get(ref) ?? 0) < reads) await new Promise((resolve) => setTimeout(resolve, 2));
        }
        const digest = sha(body);
        const entry = { bytes: body, mediaType: (req.headers['content-type'] ?? '').split(';')[0] ?? '' };
        if (ref.startsWith('sha256:') && ref !== digest) return send(400, {}, '{"errors":[{"code":"DIGEST_INVALID"}]}');
        store.set(digest, entry);
        if (!ref.startsWith('sha256:')) store.set(ref, entry);
        const subject = (JSON.parse(body.toString('utf8')) as { subject?: { digest?: string } }).subject?.digest;
        return send(201, {
          'docker-content-digest': digest,
          'location': `/v2/${name}/manifests/${digest}`,
          ...(subject !== undefined && options.referrersApi ? { 'oci-subject': subject } : {}),
        });
      }
      if (!ref.startsWith('sha256:')) tagReads.set(ref, (tagReads.get(ref) ?? 0) + 1);
      const found = store.get(ref);
      if (!found) return send(404, { 'content-type': 'application/json' }, '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
      return send(
        200,
        { 'content-type': found.mediaType, 'docker-content-digest': sha(found.bytes), 'content-length': String(found.bytes.length) },
        found.bytes,
      );
    }
    if (kind === 'referrers') {
      if (!options.referrersApi) return send(404);
      const list = [...new Map([...repo(name).entries()].filter(([k]) => k.startsWith('sha256:'))).entries()].flatMap(([digest, entry]) => {
        const parsed = JSON.parse(entry.bytes.toString('utf8')) as {
          subject?: { digest?: string };
          artifactType?: string;
          annotations?: Record<string, string>;
          mediaType?: string;
        };
        if (parsed.subject?.digest !== ref) return [];
        return [
          {
            mediaType: parsed.mediaType ?? entry.mediaType,
            digest,
            size: entry.bytes.length,
            ...(parsed.artifactType ? { artifactType: parsed.artifactType } : {}),
            ...(parsed.annotations ? { annotations: parsed.annotations } : {}),
          },
        ];
      });
      return send(
        200,
        { 'content-type': 'application/vnd.oci.image.index.v1+json' },
        JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: list }),
      );
    }
    return send(404);
  };

  const server: Server = createServer((req, res) => {
    handler(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  const pushImage = (repository: string, tag: string, platforms = 0): string => {
    const one = (seed: string): { digest: string; bytes: Buffer } => {
      const config = Buffer.from(JSON.stringify({ architecture: seed, os: 'linux' }));
      const layer = Buffer.from(`layer of ${repository}:${tag} ${seed}`);
      blobs.set(sha(config), config);
      blobs.set(sha(layer), layer);
      const bytes = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(layer), size: layer.length }],
        }),
      );
      repo(repository).set(sha(bytes), { bytes, mediaType: 'application/vnd.oci.image.manifest.v1+json' });
      return { digest: sha(bytes), bytes };
    };
    if (platforms === 0) {
      const image = one('amd64');
      repo(repository).set(tag, { bytes: image.bytes, mediaType: 'application/vnd.oci.image.manifest.v1+json' });
      return image.digest;
    }
    const arches = ['amd64', 'arm64', 's390x', 'ppc64le'].slice(0, platforms);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: arches.map((a) => {
          const m = one(a);
          return {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: m.digest,
            size: m.bytes.length,
            platform: { os: 'linux', architecture: a },
          };
        }),
      }),
    );
    repo(repository).set(sha(index), { bytes: index, mediaType: 'application/vnd.oci.image.index.v1+json' });
    repo(repository).set(tag, { bytes: index, mediaType: 'application/vnd.oci.image.index.v1+json' });
    return sha(index);
  };

  return {
    get host() {
      return host;
    },
    blobs,
    manifests,
    requests,
    options,
    pushImage,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
