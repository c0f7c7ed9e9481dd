import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleFromLegacy, legacyLayer } from '../../src/oci/legacy.js';
import { verifyForConformance } from '../../src/verify/conformance.js';
import { publicGoodRoot } from '../../src/verify/trusted-root.js';

const SUITE = fileURLToPath(new URL('../../fixtures/sigstore-conformance/bundle-verify/', import.meta.url));
const IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

function verdict(bundle: unknown, name: string): boolean {
  const artifactFile = existsSync(path.join(SUITE, name, 'artifact')) ? path.join(SUITE, name, 'artifact') : path.join(SUITE, 'a.txt');
  const sha256 = createHash('sha256').update(readFileSync(artifactFile)).digest();
  return verifyForConformance(
    bundle,
    { kind: 'certificate', root: publicGoodRoot().root, identity: { subject: { exact: IDENTITY }, issuer: ISSUER } },
    { sha256 },
  ).verified;
}

describe("a keyless bundle through cosign's legacy layer and back", () => {
  it('the certificate and the Rekor entry (with its signed entry timestamp) go into annotations and come back: a good bundle still verifies, a bad one still fails', () => {
    for (const [name, expected] of [
      ['happy-path-intoto-in-dsse-v3', true],
      ['intoto-log-entry-mismatch_fail', false],
      ['dsse-mismatch-sig_fail', false],
    ] as const) {
      const bundle = JSON.parse(readFileSync(path.join(SUITE, name, 'bundle.sigstore.json'), 'utf8')) as unknown;
      expect(verdict(bundle, name), `${name} as given`).toBe(expected);
      const layer = legacyLayer(bundle, 'https://slsa.dev/provenance/v1');
      expect(Object.keys(layer.annotations).sort(), name).toEqual([
        'dev.cosignproject.cosign/signature',
        'dev.sigstore.cosign/bundle',
        'dev.sigstore.cosign/certificate',
        'dev.sigstore.cosign/chain',
        'predicateType',
      ]);
      expect(layer.annotations['dev.sigstore.cosign/certificate']).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
      expect(verdict(bundleFromLegacy(layer.bytes, layer.annotations), name), `${name} through a .att layer`).toBe(expected);
    }
  });
});
