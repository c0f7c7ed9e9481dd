import { createHash } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearRepo } from '../../fixtures/repos.js';
import { attachBundle, findBundles, resolveImage } from '../../src/oci/bundles.js';
import { parseChallenge, RegistryClient } from '../../src/oci/client.js';
import { legacyDescriptor, legacyManifest } from '../../src/oci/legacy.js';
import { bundleAnnotations, bundleManifest, manifestBytes, MEDIA, referrersTag, withReferrer } from '../../src/oci/manifests.js';
import { parseImageReference } from '../../src/oci/reference.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';
import { startFakeRegistry, type FakeRegistry } from './fake-registry.js';

const env = { AIPROV_PASSWORD: 'pipeline-secret' };
const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
let repo: string;
let dir: string;
let withApi: FakeRegistry;
let withoutApi: FakeRegistry;
let dockerConfig: string;

beforeAll(async () => {
  repo = await tempDir();
  await linearRepo(repo, 3);
  dir = await tempDir();
  const made = await Promise.all(['ci', 'other'].map((name) => runCli(['keygen', '--prefix', path.join(dir, name)], { env })));
  expect(made.map((m) => m.code)).toEqual([0, 0]);
  withApi = await startFakeRegistry({ referrersApi: true, auth: { username: 'ci', password: 's3cret' } });
  withoutApi = await startFakeRegistry({ referrersApi: false });
  dockerConfig = path.join(dir, 'config.json');
  await writeFile(dockerConfig, JSON.stringify({ auths: { [withApi.host]: { auth: Buffer.from('ci:s3cret').toString('base64') } } }));
});

afterAll(async () => {
  await Promise.all([withApi.close(), withoutApi.close()]);
});

const verify = (image: string, extra: string[] = []) =>
  runCli(['verify', '--image', image, '--registry-config', dockerConfig, '--key', path.join(dir, 'ci.pub'), ...extra]);

describe('image references and manifests', () => {
  it('references are normalised as Docker does, and a bad one is named', () => {
    expect(parseImageReference('nginx')).toEqual({ registry: 'docker.io', repository: 'library/nginx' });
    expect(parseImageReference('127.0.0.1:5000/team/app:1.0')).toEqual({ registry: '127.0.0.1:5000', repository: 'team/app', tag: '1.0' });
    expect(parseImageReference(`localhost/app@sha256:${'a'.repeat(64)}`)).toEqual({
      registry: 'localhost',
      repository: 'app',
      digest: `sha256:${'a'.repeat(64)}`,
    });
    for (const bad of ['', 'App/Upper', 'app:bad tag', 'app@sha256:short', 'reg.io/-x']) expect(() => parseImageReference(bad), bad).toThrow(/^image ".*": /);
  });

  it('the bundle manifest and the referrers index, byte for byte (cosign BUNDLE_SPEC)', () => {
    const bundle = Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}');
    const subject = { mediaType: MEDIA.manifest, digest: `sha256:${'c'.repeat(64)}`, size: 528 };
    const bytes = manifestBytes(bundleManifest(bundle, subject, bundleAnnotations('https://aiprov.dev/ai-authorship/v1', new Date('2026-11-22T10:00:00Z'))));
    expect(bytes.toString()).toBe(
      `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","digest":"${sha(bundle)}","size":${bundle.length}}],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:${'c'.repeat(64)}","size":528},"annotations":{"dev.sigstore.bundle.content":"dsse-envelope","dev.sigstore.bundle.predicateType":"https://aiprov.dev/ai-authorship/v1","org.opencontainers.image.created":"2026-11-22T10:00:00.000Z"}}`,
    );
    expect(referrersTag(`sha256:${'c'.repeat(64)}`)).toBe(`sha256-${'c'.repeat(64)}`);
    const entry = {
      mediaType: MEDIA.manifest,
      digest: sha(bytes),
      size: bytes.length,
      artifactType: MEDIA.bundle,
      annotations: { 'dev.sigstore.bundle.predicateType': 'https://aiprov.dev/ai-authorship/v1' },
    };
    expect(manifestBytes(withReferrer(withReferrer(undefined, entry), entry)).toString()).toBe(
      `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"${sha(bytes)}","size":${bytes.length},"artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json","annotations":{"dev.sigstore.bundle.predicateType":"https://aiprov.dev/ai-authorship/v1"}}]}`,
    );
    const layer = legacyDescriptor(Buffer.from('{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"keyid":"","sig":"c2ln"}]}'), {
      'dev.cosignproject.cosign/signature': '',
      'predicateType': 'https://aiprov.dev/ai-authorship/v1',
    });
    const att = legacyManifest([layer]);
    expect(manifestBytes(att.manifest).toString()).toBe(
      `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"${sha(att.config)}","size":${att.config.length}},"layers":[{"mediaType":"application/vnd.dsse.envelope.v1+json","digest":"${layer.digest}","size":${layer.size},"annotations":{"dev.cosignproject.cosign/signature":"","predicateType":"https://aiprov.dev/ai-authorship/v1"}}]}`,
    );
    expect(att.config.toString()).toBe(`{"architecture":"","os":"","config":{},"rootfs":{"type":"layers","diff_ids":["${layer.digest}"]}}`);
    // Plain HTTP to loopback only, unless named.
    expect((new RegistryClient(parseImageReference('registry.example.com/app'), { access: 'pull' }) as unknown as { base: string }).base).toBe(
      'https://registry.example.com/v2/app',
    );
    expect((new RegistryClient(parseImageReference('nginx'), { access: 'pull' }) as unknown as { base: string }).base).toBe(
      'https://registry-1.docker.io/v2/library/nginx',
    );
    expect(
      (new RegistryClient(parseImageReference('registry.lan:5000/app'), { access: 'pull', insecure: ['registry.lan:5000'] }) as unknown as { base: string })
        .base,
    ).toBe('http://registry.lan:5000/v2/app');
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a:pull' },
    });
  });
});

describe('aiprov attest --image and verify --image', () => {
  it('a registry with the referrers API and Bearer tokens: attached as a referrer, found and verified by digest; another key, another type: exit 1, saying where it looked', async () => {
    const digest = withApi.pushImage('team/app', '1.0');
    const image = `${withApi.host}/team/app:1.0`;
    const cwd = await tempDir();
    const made = await runCli(
      ['attest', '--repo', repo, '--key', path.join(dir, 'ci.key'), '--image', image, '--registry-config', dockerConfig, '--predicate', 'authorship,bom'],
      { env, cwd },
    );
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain(`https://aiprov.dev/ai-authorship/v1 for ${withApi.host}/team/app@${digest}: sha256:`);
    expect(made.stderr).toContain("listed by the registry's referrers API");
    // Nothing written beside the registry unless asked (--store).
    expect(await readdir(cwd)).toEqual([]);
    const [ok, stranger, missing] = await Promise.all([
      verify(image, ['--type', 'authorship', '--format', 'json']),
      runCli(['verify', '--image', image, '--registry-config', dockerConfig, '--key', path.join(dir, 'other.pub'), '--type', 'authorship']),
      verify(image, ['--type', 'deps']),
    ]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const report = JSON.parse(ok.stdout) as { subject: { sha256: string }; bundles: { bundle: string; checks: { name: string; result: string }[] }[] };
    expect(report.subject).toEqual({ sha256: digest.slice(7) });
    expect(report.bundles).toHaveLength(1);
    expect(report.bundles[0]?.bundle).toMatch(new RegExp(`^${withApi.host}/team/app@sha256:[0-9a-f]{64}$`));
    expect(report.bundles[0]?.checks.find((c) => c.name === 'subject')?.result).toBe('passed');
    expect(stranger.code).toBe(1);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `aiprov: no attestation of type https://aiprov.dev/dependency-audit/v1 attached to ${withApi.host}/team/app@${digest} (looked at the referrers API of ${withApi.host}/team/app and ${withApi.host}/team/app:${referrersTag(digest)}.att (cosign's legacy attestations): 2 Sigstore bundles, none of that type)\n`,
    );
  });

  it('a registry asking for Basic credentials gets them from config.json, and only after it asks; without them, exit 2 naming the registry', async () => {
    const basic = await startFakeRegistry({ referrersApi: true, auth: { username: 'ci', password: 'pw', scheme: 'basic' } });
    try {
      basic.pushImage('app', '1');
      const config = path.join(dir, 'basic.json');
      await writeFile(config, JSON.stringify({ auths: { [basic.host]: { username: 'ci', password: 'pw' } } }));
      const client = new RegistryClient(parseImageReference(`${basic.host}/app:1`), { access: 'pull', credentials: { username: 'ci', password: 'pw' } });
      expect((await resolveImage(client)).descriptor.digest).toMatch(/^sha256:/);
      const made = await runCli(
        [
          'attest',
          '--repo',
          repo,
          '--key',
          path.join(dir, 'ci.key'),
          '--image',
          `${basic.host}/app:1`,
          '--registry-config',
          config,
          '--predicate',
          'authorship',
          '--quiet',
        ],
        { env },
      );
      expect(made.code, made.stderr).toBe(0);
      const none = await runCli(['verify', '--image', `${basic.host}/app:1`, '--key', path.join(dir, 'ci.pub'), '--type', 'authorship'], {
        env: { DOCKER_CONFIG: await tempDir() },
      });
      expect(none).toMatchObject({
        code: 2,
        stderr: `aiprov: ${basic.host}/app: GET manifest 1: the registry asks for credentials and there are none for ${basic.host} (docker login ${basic.host}; aiprov reads config.json)\n`,
      });
    } finally {
      await basic.close();
    }
  });

  it('credentials refused, no credentials, an unknown tag: exit 2, one line naming the registry', async () => {
    withApi.pushImage('team/app', 'creds');
    const wrong = path.join(dir, 'wrong.json');
    await writeFile(wrong, JSON.stringify({ auths: { [withApi.host]: { auth: Buffer.from('ci:nope').toString('base64') } } }));
    const [refused, none, unknown] = await Promise.all([
      runCli(['verify', '--image', `${withApi.host}/team/app:creds`, '--registry-config', wrong, '--key', path.join(dir, 'ci.pub'), '--type', 'authorship']),
      runCli([
        'verify',
        '--image',
        `${withApi.host}/team/app:creds`,
        '--registry-config',
        path.join(dir, 'empty.json'),
        '--key',
        path.join(dir, 'ci.pub'),
        '--type',
        'authorship',
      ]),
      verify(`${withApi.host}/team/app:nope`, ['--type', 'authorship']),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(`^aiprov: ${withApi.host}/team/app: GET manifest creds: the token service http://${withApi.host} refused the credentials \\(HTTP 401\\)\\n$`),
    );
    expect(none).toMatchObject({ code: 2 });
    expect(none.stderr).toContain('empty.json');
    expect(unknown).toMatchObject({ code: 2, stderr: `aiprov: no image nope in ${withApi.host}/team/app\n` });
    // An identity token (what docker login keeps for OAuth2 registries) is exchanged by the refresh-token grant.
    const oauth = path.join(dir, 'oauth.json');
    await writeFile(oauth, JSON.stringify({ auths: { [withApi.host]: { identitytoken: 's3cret' } } }));
    const viaToken = await runCli([
      'verify',
      '--image',
      `${withApi.host}/team/app:creds`,
      '--registry-config',
      oauth,
      '--key',
      path.join(dir, 'ci.pub'),
      '--type',
      'authorship',
    ]);
    expect(viaToken.code, viaToken.stderr).toBe(1);
    expect(viaToken.stderr).toMatch(/^aiprov: no attestation of type https:\/\/aiprov\.dev\/ai-authorship\/v1 attached to /);
  });

  it('a registry without the referrers API (like docker-registry 2.8): the referrers tag, every platform with --platform-digests', async () => {
    const index = withoutApi.pushImage('app', 'multi', 2);
    const made = await runCli(
      [
        'attest',
        '--repo',
        repo,
        '--key',
        path.join(dir, 'ci.key'),
        '--image',
        `${withoutApi.host}/app:multi`,
        '--platform-digests',
        '--predicate',
        'authorship',
      ],
      { env },
    );
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain(`listed in the referrers tag ${referrersTag(index)}`);
    const tagIndex = JSON.parse(withoutApi.manifests.get('app')?.get(referrersTag(index))?.bytes.toString() ?? '{}') as {
      manifests: { artifactType: string; annotations: Record<string, string> }[];
    };
    expect(tagIndex.manifests).toHaveLength(1);
    expect(tagIndex.manifests[0]).toMatchObject({
      artifactType: MEDIA.bundle,
      annotations: { 'dev.sigstore.bundle.predicateType': 'https://aiprov.dev/ai-authorship/v1', 'dev.sigstore.bundle.content': 'dsse-envelope' },
    });
    const platforms = (JSON.parse(withoutApi.manifests.get('app')?.get(index)?.bytes.toString() ?? '{}') as { manifests: { digest: string }[] }).manifests.map(
      (m) => m.digest,
    );
    for (const p of platforms) expect(withoutApi.manifests.get('app')?.has(referrersTag(p)), p).toBe(true);
    const ok = await runCli(['verify', '--image', `${withoutApi.host}/app@${platforms[1] ?? ''}`, '--key', path.join(dir, 'ci.pub'), '--type', 'authorship']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
  });

  it('eight concurrent writers on one image of a registry without the referrers API: every bundle is kept in the tag', async () => {
    const digest = withoutApi.pushImage('busy', 'latest');
    const client = new RegistryClient(parseImageReference(`${withoutApi.host}/busy:latest`), { access: 'push' });
    const subject = (await resolveImage(client)).descriptor;
    const bundles = Array.from({ length: 8 }, (_, i) => Buffer.from(JSON.stringify({ mediaType: MEDIA.bundle, n: i })));
    const attached = await Promise.all(
      bundles.map((b) => attachBundle(new RegistryClient(client.ref, { access: 'push' }), subject, b, 'https://aiprov.dev/ai-authorship/v1', new Date())),
    );
    const found = await findBundles(client, digest);
    expect(found.found.map((f) => f.manifest).sort()).toEqual(attached.map((a) => a.digest).sort());
  });

  it("a writer that read the tag before another's put and puts its copy after the other's re-read does not drop that entry (settled re-read)", async () => {
    // Both read the empty tag (reads 1, 2) before the first put lands; the second put, from the stale read, lands only after the
    // first writer's re-read (read 3). The tag of the image itself ('latest') is read once, by resolveImage, before any of this.
    const racing = await startFakeRegistry({ referrersApi: false, tagPutAfterReads: (tag, nth) => (tag === 'latest' ? 0 : nth === 1 ? 2 : nth === 2 ? 3 : 0) });
    try {
      const digest = racing.pushImage('race', 'latest');
      const client = new RegistryClient(parseImageReference(`${racing.host}/race:latest`), { access: 'push' });
      const subject = (await resolveImage(client)).descriptor;
      const bundles = [0, 1].map((n) => Buffer.from(JSON.stringify({ mediaType: MEDIA.bundle, n })));
      const attached = await Promise.all(
        bundles.map((b) => attachBundle(new RegistryClient(client.ref, { access: 'push' }), subject, b, 'https://aiprov.dev/ai-authorship/v1', new Date())),
      );
      expect((await findBundles(client, digest)).found.map((f) => f.manifest).sort()).toEqual(attached.map((a) => a.digest).sort());
      // The first writer went round again: a third put of the tag.
      expect(racing.requests.filter((r) => r.startsWith(`PUT /v2/race/manifests/${referrersTag(digest)}`))).toHaveLength(3);
    } finally {
      await racing.close();
    }
  });

  it('left out, never verified: a referrer about another image, one that is not a bundle; a bundle about another image attached here fails its subject check (exit 1)', async () => {
    const a = withoutApi.pushImage('pair', 'a');
    const b = withoutApi.pushImage('pair', 'b');
    expect(
      (
        await runCli(['attest', '--repo', repo, '--key', path.join(dir, 'ci.key'), '--image', `${withoutApi.host}/pair:b`, '--predicate', 'authorship'], {
          env,
        })
      ).code,
    ).toBe(0);
    const store = withoutApi.manifests.get('pair');
    const ofB = (JSON.parse(store?.get(referrersTag(b))?.bytes.toString() ?? '{}') as { manifests: { digest: string }[] }).manifests[0]?.digest ?? '';
    // Image a's referrers tag lists b's bundle manifest (its subject is b) and a manifest of another artifact type.
    const other = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.manifest,
        artifactType: 'application/vnd.example.sbom',
        config: { mediaType: MEDIA.empty, digest: sha('{}'), size: 2 },
        layers: [],
        subject: { mediaType: MEDIA.manifest, digest: a, size: 1 },
      }),
    );
    store?.set(sha(other), { bytes: other, mediaType: MEDIA.manifest });
    const list = {
      schemaVersion: 2,
      mediaType: MEDIA.index,
      manifests: [
        { mediaType: MEDIA.manifest, digest: ofB, size: 1, artifactType: MEDIA.bundle },
        { mediaType: MEDIA.manifest, digest: sha(other), size: other.length },
      ],
    };
    store?.set(referrersTag(a), { bytes: Buffer.from(JSON.stringify(list)), mediaType: MEDIA.index });
    const client = (tag: string): RegistryClient => new RegistryClient(parseImageReference(`${withoutApi.host}/pair:${tag}`), { access: 'push' });
    const search = await findBundles(client('a'), a);
    expect(search.found).toEqual([]);
    expect(search.skipped).toEqual([`${ofB}: about ${b}, not this image`, `${sha(other)}: artifact type application/vnd.example.sbom`]);
    // b's bundle attached to a by a manifest that says it is about a: found, and refused by the statement's own subject.
    const lifted = (await findBundles(client('b'), b)).found[0]?.bytes ?? Buffer.alloc(0);
    await attachBundle(client('a'), { mediaType: MEDIA.manifest, digest: a, size: 1 }, lifted, 'https://aiprov.dev/ai-authorship/v1', new Date());
    const run = await runCli(['verify', '--image', `${withoutApi.host}/pair:a`, '--key', path.join(dir, 'ci.pub'), '--type', 'authorship']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/failed +subject /);
  });

  it('a registry that answers garbage, is busy, or never answers: exit 2, never a pass', async () => {
    await Promise.all(
      (['garbage', 'error', 'hang'] as const).map(async (misbehave) => {
        const bad = await startFakeRegistry({ referrersApi: true, misbehave });
        const run = await runCli([
          'verify',
          '--image',
          `${bad.host}/app:1`,
          '--key',
          path.join(dir, 'ci.pub'),
          '--type',
          'authorship',
          '--registry-timeout',
          '0.5',
        ]);
        await bad.close();
        expect(run.code, misbehave).toBe(2);
        expect(
          run.stderr.split('\n').filter((l) => l !== ''),
          misbehave,
        ).toHaveLength(1);
        expect(run.stderr, misbehave).toMatch(new RegExp(`^aiprov: ${bad.host}/app: (GET manifest 1: |the manifest 1 is not JSON)`));
      }),
    );
  }, 60_000);
});

describe("cosign's legacy .att layout (--oci-format legacy)", () => {
  it("each attestation a DSSE layer with cosign's annotations, appended (never replaced); verify --image reads it back; a tampered envelope fails its signature (exit 1)", async () => {
    const digest = withoutApi.pushImage('legacy', 'v1');
    const image = `${withoutApi.host}/legacy:v1`;
    for (const predicate of ['authorship', 'bom']) {
      const made = await runCli(
        ['attest', '--repo', repo, '--key', path.join(dir, 'ci.key'), '--image', image, '--oci-format', 'legacy', '--predicate', predicate],
        { env },
      );
      expect(made.code, made.stderr).toBe(0);
      expect(made.stderr).toContain(`a layer of ${referrersTag(digest)}.att`);
    }
    const store = withoutApi.manifests.get('legacy');
    const att = JSON.parse(store?.get(`${referrersTag(digest)}.att`)?.bytes.toString() ?? '{}') as {
      config: { mediaType: string };
      layers: { mediaType: string; digest: string; annotations: Record<string, string> }[];
    };
    expect(att.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    expect(att.layers.map((l) => [l.mediaType, l.annotations.predicateType, l.annotations['dev.cosignproject.cosign/signature']])).toEqual([
      [MEDIA.dsse, 'https://aiprov.dev/ai-authorship/v1', ''],
      [MEDIA.dsse, 'https://cyclonedx.org/bom', ''],
    ]);
    const envelope = JSON.parse(withoutApi.blobs.get(att.layers[0]?.digest ?? '')?.toString() ?? '{}') as {
      payloadType: string;
      payload: string;
      signatures: { sig: string }[];
    };
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
    expect(
      (JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as { subject: { digest: { sha256?: string } }[] }).subject.some(
        (s) => s.digest.sha256 === digest.slice(7),
      ),
    ).toBe(true);
    const ok = await runCli(['verify', '--image', image, '--key', path.join(dir, 'ci.pub'), '--type', 'authorship']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`${withoutApi.host}/legacy:${referrersTag(digest)}.att layer ${att.layers[0]?.digest ?? ''}: VERIFIED`);
    // The envelope changed in the registry (a new blob, the layer pointed at it): its signature no longer holds.
    const forged = Buffer.from(
      JSON.stringify({
        ...envelope,
        payload: Buffer.from(Buffer.from(envelope.payload, 'base64').toString().replace('"commits"', '"commitz"')).toString('base64'),
      }),
    );
    withoutApi.blobs.set(sha(forged), forged);
    const layers = att.layers.map((l, i) => (i === 0 ? { ...l, digest: sha(forged), size: forged.length } : l));
    store?.set(`${referrersTag(digest)}.att`, { bytes: Buffer.from(JSON.stringify({ ...att, layers })), mediaType: MEDIA.manifest });
    const tampered = await runCli(['verify', '--image', image, '--key', path.join(dir, 'ci.pub'), '--type', 'authorship']);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/failed +signature /);
  });
});
