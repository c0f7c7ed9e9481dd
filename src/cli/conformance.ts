import { createPublicKey } from 'node:crypto';
import { statSync } from 'node:fs';
import { BUNDLE_CAP, readRegularFile } from '../kernel/files.js';
import { conformanceInput, verifyForConformance } from '../verify/conformance.js';
import { publicGoodRoot, readTrustedRoot } from '../verify/trusted-root.js';
import type { Trust } from '../verify/signature.js';
import { printable } from '../render/printable.js';

const USAGE =
  'usage: sigstore-conformance verify-bundle [--staging] --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key PUB) [--trusted-root FILE] FILE_OR_DIGEST';

/**
 * sigstore-conformance's CLI protocol (docs/cli_protocol.md), `verify-bundle`
 * only: exit 0 when the bundle verifies, 1 when it does not (the reason on
 * stderr), 2 for a command line or file it cannot use. Signing through the
 * protocol needs Sigstore's staging services and a live OIDC beacon, which
 * `aiprov attest --keyless` covers instead.
 */
export async function conformanceMain(argv: readonly string[], write: (line: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'verify-bundle') {
    write(command === 'sign-bundle' ? 'sigstore-conformance: sign-bundle is not supported (it needs Sigstore staging services); verify-bundle is' : USAGE);
    return 2;
  }
  const flags = new Map<string, string>();
  let staging = false;
  let input: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? '';
    if (arg === '--staging') {
      staging = true;
      continue;
    }
    if (['--bundle', '--certificate-identity', '--certificate-oidc-issuer', '--key', '--trusted-root'].includes(arg)) {
      const value = rest[i + 1];
      if (value === undefined || flags.has(arg)) {
        write(USAGE);
        return 2;
      }
      flags.set(arg, value);
      i++;
      continue;
    }
    if (arg.startsWith('--') || input !== undefined) {
      write(`sigstore-conformance: unexpected ${printable(arg)}\n${USAGE}`);
      return 2;
    }
    input = arg;
  }
  const bundleFile = flags.get('--bundle');
  const key = flags.get('--key');
  const identity = flags.get('--certificate-identity');
  const issuer = flags.get('--certificate-oidc-issuer');
  if (bundleFile === undefined || input === undefined || (key === undefined) === (identity === undefined || issuer === undefined)) {
    write(USAGE);
    return 2;
  }
  if (staging && !flags.has('--trusted-root')) {
    write('sigstore-conformance: --staging needs --trusted-root (the staging root is not shipped)');
    return 2;
  }
  try {
    const rootFile = flags.get('--trusted-root');
    const root = rootFile !== undefined ? (await readTrustedRoot(rootFile)).root : publicGoodRoot().root;
    const trust: Trust =
      key !== undefined
        ? { kind: 'keys', keys: [createPublicKey(await readCapped(key, 64 * 1024))], root }
        : { kind: 'certificate', root, identity: { subject: { exact: identity ?? '' }, issuer: issuer ?? '' } };
    const parsed = conformanceInput(input, (p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
    const artifact = 'sha256' in parsed ? parsed : { bytes: await readCapped(parsed.file, ARTIFACT_CAP) };
    let json: unknown;
    try {
      json = JSON.parse((await readCapped(bundleFile, BUNDLE_CAP)).toString('utf8'));
    } catch {
      json = undefined;
    }
    const result = verifyForConformance(json, trust, artifact);
    const failed = result.checks.find((c) => c.result === 'failed');
    if (failed) {
      write(`sigstore-conformance: ${failed.name}: ${printable(failed.detail)}`);
      return 1;
    }
    return 0;
  } catch (error) {
    // A trusted root that must be refused is a verification failure to the suite, as much as a bad bundle.
    write(`sigstore-conformance: ${printable(error instanceof Error ? error.message : String(error))}`);
    return 1;
  }
}

/** Conformance artifacts are small files; a larger one is refused, never read whole into memory. */
const ARTIFACT_CAP = 1024 * 1024 * 1024;

/** A file the suite names, read under a cap and without blocking (a FIFO is refused, not waited on); a problem is thrown with the file's name. */
async function readCapped(file: string, cap: number): Promise<Buffer> {
  const read = await readRegularFile(file, cap);
  if (!read.ok) throw new Error(`${file}: ${read.problem}`);
  return read.bytes;
}
