import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearRepo } from '../../fixtures/repos.js';
import { findBundles, resolveImage } from '../../src/oci/bundles.js';
import { RegistryClient } from '../../src/oci/client.js';
import { pushSampleImage } from '../../src/demo/image.js';
import { MEDIA, referrersTag, sha256Digest } from '../../src/oci/manifests.js';
import { parseImageReference } from '../../src/oci/reference.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';
import type { LocalRegistry } from '../../src/oci/registry-process.js';
import { requiredTool, startDockerRegistry } from './docker-registry.js';

const env = { AIPROV_PASSWORD: 'pipeline-secret' };
let registry: LocalRegistry;
let repo: string;
let dir: string;

/** An image pushed as any client would (the demo's own pusher). */
async function pushImage(image: string): Promise<string> {
  const client = new RegistryClient(parseImageReference(image), { access: 'push' });
  return pushSampleImage(client, client.ref.tag ?? 'latest');
}

const skopeo = (...args: string[]): string => execFileSync(requiredTool('skopeo'), args, { encoding: 'utf8' });

beforeAll(async () => {
  registry = await startDockerRegistry();
  repo = await tempDir();
  await linearRepo(repo, 2);
  dir = await tempDir();
  expect((await runCli(['keygen', '--prefix', path.join(dir, 'ci')], { env })).code).toBe(0);
}, 60_000);

afterAll(async () => {
  await registry.stop();
});

describe("against Debian's docker-registry (no referrers API), read back by skopeo", () => {
  it('two concurrent attest --image on one image: both bundles kept in the referrers tag; skopeo reads what aiprov pushed byte for byte; verify --image passes', async () => {
    const image = `${registry.host}/team/app:1.0`;
    const digest = await pushImage(image);
    const attest = (predicate: string) =>
      runCli(['attest', '--repo', repo, '--key', path.join(dir, 'ci.key'), '--image', image, '--predicate', predicate], { env });
    const [one, two] = await Promise.all([attest('authorship'), attest('bom')]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(one.stderr).toContain(`listed in the referrers tag ${referrersTag(digest)}`);
    // skopeo, an independent client, reads the referrers tag and each bundle manifest.
    const tagged = JSON.parse(skopeo('inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/team/app:${referrersTag(digest)}`)) as {
      mediaType: string;
      manifests: { digest: string; artifactType: string; annotations: Record<string, string> }[];
    };
    expect(tagged.mediaType).toBe(MEDIA.index);
    expect(tagged.manifests.map((m) => m.annotations['dev.sigstore.bundle.predicateType']).sort()).toEqual([
      'https://aiprov.dev/ai-authorship/v1',
      'https://cyclonedx.org/bom',
    ]);
    const client = new RegistryClient(parseImageReference(image), { access: 'pull' });
    const found = await findBundles(client, (await resolveImage(client)).descriptor.digest);
    expect(found.found).toHaveLength(2);
    for (const m of tagged.manifests) {
      const raw = skopeo('inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/team/app@${m.digest}`);
      expect(sha256Digest(raw)).toBe(m.digest);
      const manifest = JSON.parse(raw) as { artifactType: string; subject: { digest: string }; layers: { mediaType: string }[] };
      expect(manifest).toMatchObject({ artifactType: MEDIA.bundle, subject: { digest }, layers: [{ mediaType: MEDIA.bundle }] });
    }
    const ok = await runCli(['verify', '--image', image, '--key', path.join(dir, 'ci.pub'), '--type', 'bom']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`verified: https://cyclonedx.org/bom for image ${registry.host}/team/app@${digest}`);
  });
});
