import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fulcioHandler, initializeCA, initializeCTLog, initializeTSA, tsaHandler } from '@sigstore/mock';

/**
 * A private Sigstore on 127.0.0.1 for tests: @sigstore/mock's Fulcio (it
 * takes an unsigned JWT: `sub` becomes the certificate's identity, `iss`
 * its issuer) and timestamp authority, served over real HTTP, and the
 * trusted root that names them. No Rekor: mock Rekor cannot log DSSE
 * entries (reference/attestations.md), so the log path is covered by the
 * conformance suite's recorded public-good bundles.
 */
export interface MockSigstore {
  url: string;
  tsaURL: string;
  trustedRoot: object;
  close: () => Promise<void>;
}

const b64 = (v: ArrayBufferView): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
const since = '2000-01-01T00:00:00Z';

export async function startMockSigstore(): Promise<MockSigstore> {
  const kp = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caKeys = kp();
  const ctlog = await initializeCTLog(caKeys);
  const ca = await initializeCA(caKeys, ctlog);
  // The mock writes milliseconds into GeneralizedTime in a form @sigstore/core does not always parse ("invalid time",
  // about one run in five): its clock is set to the next whole second before each request (after the certificate's start).
  const tsaClock = new Date();
  const tsa = await initializeTSA(kp(), tsaClock);
  const handlers = [fulcioHandler(ca), tsaHandler(tsa)];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const handler = handlers.find((h) => h.path === req.url);
      tsaClock.setTime(Math.ceil(Date.now() / 1000) * 1000);
      if (req.method !== 'POST' || !handler) {
        res.writeHead(404).end();
        return;
      }
      handler.fn(Buffer.concat(chunks).toString('latin1')).then(
        (r) => {
          res.writeHead(r.statusCode, { 'Content-Type': r.contentType ?? 'application/json' });
          res.end(typeof r.response === 'string' ? r.response : Buffer.from(r.response.buffer, r.response.byteOffset, r.response.byteLength));
        },
        (error: unknown) => {
          res.writeHead(500).end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ctPublic = ctlog.publicKey;
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    certificateAuthorities: [
      {
        subject: { organization: 'mock', commonName: 'mock' },
        uri: url,
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor: { start: since },
      },
    ],
    ctlogs: [
      {
        baseUrl: `${url}/ct`,
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: ctPublic.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: since } },
        logId: { keyId: b64(ctlog.logID) },
      },
    ],
    timestampAuthorities: [
      {
        subject: { organization: 'mock', commonName: 'mock-tsa' },
        uri: `${url}/api/v1/timestamp`,
        certChain: { certificates: [{ rawBytes: b64(tsa.intCertificate) }, { rawBytes: b64(tsa.rootCertificate) }] },
        validFor: { start: since },
      },
    ],
  };
  return {
    url,
    tsaURL: `${url}/api/v1/timestamp`,
    trustedRoot,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** An unsigned OIDC token as CI would hold one (mock Fulcio does not check signatures; real Fulcio does). */
export function identityToken(subject: string, issuer: string): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ iss: issuer, sub: subject, aud: 'sigstore', exp: Math.floor(Date.now() / 1000) + 600 })}.`;
}
