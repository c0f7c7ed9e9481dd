import { createHash } from 'node:crypto';
import path from 'node:path';
import { CIContextProvider } from '@sigstore/sign';
import type { Command } from 'commander';
import { attestCommit, bundleFileName, type Attestation, type AttestOptions } from '../attest/attest.js';
import { attestImage } from '../attest/image.js';
import { readPrivateKey } from '../attest/keys.js';
import { DEFAULT_FULCIO_URL, DEFAULT_REKOR_URL, type KeylessOptions } from '../attest/sign.js';
import { PREDICATE_TYPES, type PredicateName } from '../attest/statement.js';
import { appendBundles, ATTESTATIONS_REF } from '../attest/store.js';
import { readDepsReport, readJsonReport, readSbom } from '../bom/inputs.js';
import type { ScanReport } from '../authorship/types.js';
import type { BlameReport } from '../blame/types.js';
import { KeyError, UsageError } from '../kernel/errors.js';
import { makeDirectory, readRegularFile } from '../kernel/files.js';
import { collect, contextFor, notice, readGlobals, writeWhole, type ExitCode, type GlobalOptions, type RawGlobals, type Register } from './globals.js';
import { resolvePath, type CliIo } from './io.js';
import { parseImageReference } from '../oci/reference.js';
import { registryClient, registryOptions } from './registry.js';
import { checkSourceVsaStore, runSourceVsa, sourceVsaOptions, type SourceVsaFlags } from './source-vsa.js';
import { SOURCE_NOTES_REF } from '../source/vsa.js';
import { readPassphrase } from './secret.js';

/** Artifacts are read whole to be hashed; one larger than this is refused, not truncated. */
const ARTIFACT_CAP = 8 * 1024 * 1024 * 1024;

/** The SHA-256 (hex) of a file named on the command line (`given`, read at `file`), as a subject digest. */
export async function artifactDigest(file: string, given: string): Promise<string> {
  const read = await readRegularFile(file, ARTIFACT_CAP);
  if (!read.ok) throw new UsageError(read.problem, { field: 'artifact', value: given });
  return createHash('sha256').update(read.bytes).digest('hex');
}

interface AttestFlags extends SourceVsaFlags {
  predicate: string;
  artifact?: string[];
  depsReport?: string;
  key?: string;
  keyless?: boolean;
  identityTokenFile?: string;
  fulcioUrl: string;
  rekorUrl: string;
  tlogUpload: boolean;
  tsaUrl?: string;
  bom?: string;
  scanReport?: string;
  blameReport?: string;
  image?: string;
  platformDigests?: boolean;
  ociFormat: string;
  registryConfig?: string;
  insecureRegistry?: string[];
  registryTimeout?: string;
}

/**
 * The OIDC token for keyless signing: a file given, or the CI's
 * (SIGSTORE_ID_TOKEN for GitLab and others, read from the run's environment;
 * GitHub Actions and Buildkite through @sigstore/sign's provider, which asks
 * the process's).
 */
async function identityProvider(file: string | undefined, env: NodeJS.ProcessEnv): Promise<KeylessOptions['identityProvider']> {
  const fromEnv = env.SIGSTORE_ID_TOKEN;
  if (file === undefined && fromEnv !== undefined && fromEnv !== '') return { getToken: () => Promise.resolve(fromEnv) };
  if (file === undefined) {
    const ci = new CIContextProvider('sigstore');
    return {
      getToken: () =>
        ci.getToken().catch(() => {
          throw new KeyError(
            'IDENTITY_TOKEN_MISSING',
            'no OIDC token for keyless signing: run in GitHub Actions with `permissions: id-token: write`, in Buildkite, or set SIGSTORE_ID_TOKEN (GitLab: id_tokens with aud sigstore), or give --identity-token-file',
          );
        }),
    };
  }
  const read = await readRegularFile(file, 64 * 1024);
  if (!read.ok) throw new KeyError('IDENTITY_TOKEN_MISSING', `identity token ${file}: ${read.problem}`);
  const token = read.bytes.toString('utf8').trim();
  if (token === '') throw new KeyError('IDENTITY_TOKEN_MISSING', `identity token ${file} is empty`);
  return { getToken: () => Promise.resolve(token) };
}

/** The command and its options: attest's own, the registry's (--image), and source-vsa's. */
function attestCommand(program: Command): Command {
  return sourceVsaOptions(
    registryOptions(
      program
        .command('attest')
        .description('sign in-toto attestations about a commit: with a local key, or keyless through Sigstore in CI')
        .option('--commit <rev>', 'the commit attested', 'HEAD')
        .option(
          '--predicate <names>',
          `comma-separated: ${Object.keys(PREDICATE_TYPES)
            .filter((n) => n !== 'review')
            .join(', ')}; or source-vsa alone (a SLSA Source track VSA of a protected branch's revision, kept in ${SOURCE_NOTES_REF})`,
          'authorship',
        )
        .option('--artifact <file>', 'also a subject: a built file, by its SHA-256 (repeatable)', collect)
        .option('--deps-report <file>', 'the dependency audit of the commit (needed for deps)')
        .option('--key <file>', 'sign with this private key (aiprov keygen); its passphrase from AIPROV_PASSWORD')
        .option('--keyless', "sign through Sigstore with the CI's OIDC identity (Fulcio certificate, Rekor entry and/or timestamp)")
        .option('--identity-token-file <file>', "keyless: the OIDC token, from a file (default: the CI's, or SIGSTORE_ID_TOKEN)")
        .option('--fulcio-url <url>', 'keyless: the certificate authority', DEFAULT_FULCIO_URL)
        .option('--rekor-url <url>', 'keyless: the transparency log', DEFAULT_REKOR_URL)
        .option('--no-tlog-upload', 'keyless: no transparency-log entry (then --tsa-url is needed)')
        .option('--tsa-url <url>', 'keyless: an RFC 3161 timestamp authority (e.g. https://timestamp.sigstore.dev/api/v1/timestamp)')
        .option('--output-dir <dir>', 'where bundle files are written, named after commit and predicate (needed with --store files or both)')
        .option('--bom <file>', 'sign this AI-BOM of the commit (aiprov bom) as the bom predicate, instead of making it again')
        .option('--scan-report <file>', "authorship: this commit's scan (aiprov scan --format json), instead of scanning again")
        .option('--blame-report <file>', "authorship: this commit's blame (aiprov blame --contributors --format json), instead of blaming again")
        .option(
          '--store <where>',
          `files, notes (${ATTESTATIONS_REF}; source-vsa: ${SOURCE_NOTES_REF}, its default) or both (with --image: only when given)`,
          'files',
        )
        .option(
          '--image <ref>',
          'also attest this container image (by the digest the reference names now) and attach each bundle to it in its registry, as an OCI 1.1 referrer',
        )
        .option('--platform-digests', "with --image: also attach to each platform's manifest of a multi-platform image")
        .option(
          '--oci-format <format>',
          "with --image: referrer (an OCI 1.1 referrer per bundle) or legacy (cosign's sha256-<hex>.att tag: policy-controller with a public key, Kyverno before 1.19)",
          'referrer',
        ),
    ),
  );
}

export const registerAttest: Register = (program, exit, io) => {
  attestCommand(program).action(async (flags: AttestFlags, command: Command) => {
    const options = readGlobals({ ...command.optsWithGlobals<RawGlobals>(), format: undefined }, null, 'attest', io);
    if (flags.predicate.split(',').some((n) => n.trim() === 'source-vsa')) {
      exit(await attestSourceVsa(options, flags, command));
      return;
    }
    const { store, names } = checkAttestFlags(flags, command);
    const artifacts = await readArtifacts(io, flags.artifact ?? []);
    const deps = flags.depsReport !== undefined ? await readDepsReport(resolvePath(io, flags.depsReport)) : undefined;
    const bom = flags.bom !== undefined ? { document: await readSbom(resolvePath(io, flags.bom)), file: flags.bom } : undefined;
    const given = await givenReports(io, flags, names);
    const outputDir = flags.outputDir;
    if (store === 'files' || store === 'both') {
      // Never the work tree by default: bundles written there would be committed with the next `git add -A`.
      if (outputDir === undefined) throw new UsageError(`--store ${store} writes bundle files: say where with --output-dir DIR (or --store notes)`);
      const problem = await makeDirectory(resolvePath(io, outputDir));
      if (problem !== undefined) throw new UsageError(problem, { field: 'outputDir', value: outputDir, code: 'BAD_PATH' });
    }
    // Every argument is checked, and every input read, before a passphrase is asked for.
    const signer = await signerFor(io, flags);
    const context = await contextFor(options);
    const request = { context, commit: flags.commit, predicates: names, artifacts, signer, ...(deps ? { deps } : {}), ...(bom ? { bom } : {}), given };
    // Everything is signed before anything is written: a failure leaves no bundle behind.
    const attestations = flags.image !== undefined ? await attestAndAttach(options, request, { ...flags, image: flags.image }) : await attestCommit(request);
    if ((store === 'files' || store === 'both') && outputDir !== undefined) {
      for (const a of attestations) {
        const file = path.join(outputDir, bundleFileName(a));
        await writeWhole(io, file, `${JSON.stringify(a.bundle)}\n`);
        notice(options, `${a.predicateType} for ${a.commit.slice(0, 12)}: ${file}`);
      }
    }
    const commit = attestations[0]?.commit;
    if ((store === 'notes' || store === 'both') && commit !== undefined) {
      await appendBundles(
        context.git,
        commit,
        attestations.map((a) => a.bundle),
      );
      const many = attestations.length === 1 ? '' : 's';
      notice(
        options,
        `${attestations.length} bundle${many} added to ${ATTESTATIONS_REF} on ${commit.slice(0, 12)} (push it: git push origin ${ATTESTATIONS_REF})`,
      );
    }
    exit(0);
  });
};

/** `--scan-report` and `--blame-report`: read whole before anything is signed (what they say is checked against the commit by attestCommit). */
async function givenReports(io: CliIo, flags: AttestFlags, names: readonly PredicateName[]): Promise<NonNullable<AttestOptions['given']>> {
  if ((flags.scanReport !== undefined || flags.blameReport !== undefined) && !names.includes('authorship'))
    throw new UsageError('--scan-report and --blame-report are read for the authorship predicate: add authorship to --predicate');
  return {
    ...(flags.scanReport !== undefined
      ? { scan: { report: (await readJsonReport(resolvePath(io, flags.scanReport), 'scan report')) as ScanReport, file: flags.scanReport } }
      : {}),
    ...(flags.blameReport !== undefined
      ? { blame: { report: (await readJsonReport(resolvePath(io, flags.blameReport), 'blame report')) as BlameReport, file: flags.blameReport } }
      : {}),
  };
}

async function readArtifacts(io: CliIo, files: readonly string[]): Promise<{ name: string; sha256: string }[]> {
  const artifacts = [];
  for (const file of files) artifacts.push({ name: path.basename(file), sha256: await artifactDigest(resolvePath(io, file), file) });
  return artifacts;
}

const SOURCE_VSA_ONLY = [
  'branch',
  'since',
  'resourceUri',
  'previousKey',
  'previousIdentity',
  'previousOidcIssuer',
  'trustedRoot',
  'cacheDir',
  'forge',
  'forgeApi',
] as const;

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `--predicate source-vsa`: its flags checked, then the signer (its passphrase asked for last), then the VSA. */
async function attestSourceVsa(options: GlobalOptions, flags: AttestFlags, command: Command): Promise<ExitCode> {
  await checkSourceVsaFlags(options.io, flags, command);
  const signer = await signerFor(options.io, flags);
  return runSourceVsa(options, flags, signer, await contextFor(options));
}

/** `--predicate source-vsa`: alone, about a commit (no artifacts, image, BOM or audit report), signed one way. */
async function checkSourceVsaFlags(io: CliIo, flags: AttestFlags, command: Command): Promise<void> {
  if (flags.predicate.trim() !== 'source-vsa')
    throw new UsageError('--predicate source-vsa is a VSA of the revision, made alone: attest the other predicates in another run');
  if ((flags.key === undefined) === (flags.keyless !== true)) throw new UsageError('give exactly one of --key KEY and --keyless');
  for (const name of ['artifact', 'depsReport', 'bom', 'scanReport', 'blameReport', 'image', 'platformDigests', 'ociFormat'] as const)
    if (command.getOptionValueSource(name) === 'cli')
      throw new UsageError(`--${kebab(name)} does not apply to --predicate source-vsa (its subject is the commit)`);
  if (!['files', 'notes', 'both'].includes(flags.store)) throw new UsageError('expected files, notes or both', { field: 'store', value: flags.store });
  await checkSourceVsaStore(io, flags, command);
}

/** The flags that must agree with each other, the image reference and the predicates, checked before anything is read. */
function checkAttestFlags(flags: AttestFlags, command: Command): { store: string; names: PredicateName[] } {
  for (const name of SOURCE_VSA_ONLY)
    if (command.getOptionValueSource(name) === 'cli') throw new UsageError(`--${kebab(name)} applies to --predicate source-vsa only`);
  if ((flags.key === undefined) === (flags.keyless !== true)) throw new UsageError('give exactly one of --key KEY and --keyless');
  if (!['files', 'notes', 'both'].includes(flags.store)) throw new UsageError('expected files, notes or both', { field: 'store', value: flags.store });
  if (flags.platformDigests === true && flags.image === undefined) throw new UsageError('--platform-digests applies to --image only');
  if (flags.ociFormat !== 'referrer' && flags.ociFormat !== 'legacy')
    throw new UsageError('expected referrer or legacy', { field: 'ociFormat', value: flags.ociFormat });
  if (command.getOptionValueSource('ociFormat') !== 'default' && flags.image === undefined) throw new UsageError('--oci-format applies to --image only');
  if (flags.image !== undefined) parseImageReference(flags.image);
  for (const [field, url] of [
    ['fulcioUrl', flags.fulcioUrl],
    ['rekorUrl', flags.rekorUrl],
    ['tsaUrl', flags.tsaUrl],
  ] as const) {
    if (url !== undefined && !/^https?:\/\/[^\s/]+/.test(url)) throw new UsageError('is not an http(s) URL', { field, value: url });
  }
  const names = flags.predicate
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const n of names) if (!Object.hasOwn(PREDICATE_TYPES, n)) throw new UsageError(`--predicate ${n}: expected ${Object.keys(PREDICATE_TYPES).join(', ')}`);
  if (flags.bom !== undefined && !names.includes('bom')) throw new UsageError('--bom is signed as the bom predicate: add bom to --predicate');
  // With --image the registry is where the bundles go; files or notes too only when asked for.
  const store = flags.image !== undefined && command.getOptionValueSource('store') === 'default' ? 'none' : flags.store;
  return { store, names: names as PredicateName[] };
}

/** A local key (its passphrase asked for last), or keyless signing with the CI's identity. */
async function signerFor(io: CliIo, flags: AttestFlags): Promise<AttestOptions['signer']> {
  if (flags.key !== undefined) return { privateKey: await readPrivateKey(resolvePath(io, flags.key), await readPassphrase(io, `the key ${flags.key}`, false)) };
  return {
    keyless: {
      identityProvider: await identityProvider(flags.identityTokenFile === undefined ? undefined : resolvePath(io, flags.identityTokenFile), io.env),
      fulcioURL: flags.fulcioUrl,
      rekorURL: flags.rekorUrl,
      tlogUpload: flags.tlogUpload,
      ...(flags.tsaUrl !== undefined ? { tsaURL: flags.tsaUrl } : {}),
    },
  };
}

/** The image's digest a subject too, each bundle attached to it in its registry; says where each went. */
async function attestAndAttach(options: GlobalOptions, request: AttestOptions, flags: AttestFlags & { image: string }): Promise<Attestation[]> {
  const result = await attestImage({
    ...request,
    registry: await registryClient(options.io, flags, 'push'),
    platformDigests: flags.platformDigests === true,
    format: flags.ociFormat === 'legacy' ? 'legacy' : 'referrer',
  });
  for (const a of result.attestations) {
    for (const at of a.attached) {
      const tag = at.subject.replace(':', '-');
      const where =
        at.via === 'referrers-api'
          ? "listed by the registry's referrers API"
          : at.via === 'legacy-att'
            ? `a layer of ${tag}.att`
            : `listed in the referrers tag ${tag}`;
      notice(options, `${a.predicateType} for ${result.image}@${at.subject}: ${at.digest} (${where})`);
    }
  }
  return result.attestations;
}
