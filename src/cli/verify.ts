import { exceedsDepth, JSON_DEPTH_LIMIT } from '../kernel/json-depth.js';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { readPrivateKey } from '../attest/keys.js';
import { signWithKey } from '../attest/sign.js';
import { predicateType, VERIFIED_TYPES } from '../attest/statement.js';
import { ATTESTATIONS_REF, readStoredBundles } from '../attest/store.js';
import { SOURCE_NOTES_REF } from '../source/vsa.js';
import { readReviewTrust, readTrust, rootLoader, trustOptions, type TrustFlags } from './trust.js';
import { systemClock } from '../kernel/clock.js';
import type { Context, SettingsContext } from '../context/context.js';
import { UsageError } from '../kernel/errors.js';
import { BUNDLE_CAP, readRegularFile } from '../kernel/files.js';
import { findBundles, resolveImage } from '../oci/bundles.js';
import { formatReference, parseImageReference } from '../oci/reference.js';
import { configMayChooseHosts } from '../kernel/trust.js';
import { parseDuration } from '../verify/attestation.js';
import { readContentPolicy, type ContentPolicy } from '../verify/content-policy.js';
import { verificationError, verifyBundles, verifyReport, type BundleInput, type VerifyOptions } from '../verify/verify.js';
import { vsaForRun } from '../verify/vsa.js';
import { artifactDigest } from './attest.js';
import { exitCodeFor } from './exit.js';
import { collect, contextFor, notice, print, readGlobals, settingsFor, writeWhole, type GlobalOptions, type RawGlobals, type Register } from './globals.js';
import { resolvePath, type CliIo } from './io.js';
import { registryClient, registryOptions } from './registry.js';
import { readPassphrase } from './secret.js';

interface VerifyFlags extends TrustFlags {
  commit: string;
  artifact?: string;
  bundle?: string[];
  fromNotes?: boolean;
  type: string;
  policy?: string;
  maxAge?: string;
  vsaOutput?: string;
  vsaKey?: string;
  image?: string;
  registryConfig?: string;
  insecureRegistry?: string[];
  registryTimeout?: string;
}

async function readBundleFile(io: CliIo, file: string): Promise<BundleInput> {
  const read = await readRegularFile(resolvePath(io, file), BUNDLE_CAP);
  if (!read.ok) throw new UsageError(read.problem, { field: 'bundle', value: file });
  let json: unknown;
  try {
    json = JSON.parse(read.bytes.toString('utf8'));
  } catch {
    json = undefined;
  }
  if (exceedsDepth(json)) throw new UsageError(`nests deeper than ${JSON_DEPTH_LIMIT} levels: not a Sigstore bundle`, { field: 'bundle', value: file });
  return { source: file, sha256: createHash('sha256').update(read.bytes).digest('hex'), json };
}

export const registerVerify: Register = (program, exit, io) => {
  registryOptions(
    trustOptions(
      program
        .command('verify')
        .description('verify attestations about a commit, an artifact or a container image: every check by name; exit 0 only when all pass')
        .option('--commit <rev>', 'the commit the attestation must be about', 'HEAD')
        .option('--artifact <file>', 'the artifact the attestation must be about (instead of the commit)')
        .option('--bundle <file>', 'a bundle to verify (repeatable: each must pass)', collect)
        .option('--from-notes', 'the bundles stored on the commit in refs/notes/aiprov-attestations (source-vsa: in refs/notes/commits)')
        .requiredOption('--type <predicate>', `predicate type: its URI, or ${Object.keys(VERIFIED_TYPES).join(', ')}`),
    )
      .option('--policy <file>', 'content policy (YAML or JSON; schemas/verify-policy.schema.json)')
      .option('--max-age <duration>', 'the signature may be at most this old: 90d, 12h, 30m, 1d12h')
      .option('--vsa-output <file>', 'write a SLSA Verification Summary Attestation of this run')
      .option('--vsa-key <file>', 'sign the VSA with this private key (passphrase from AIPROV_PASSWORD)')
      .option(
        '--image <ref>',
        "the container image the attestation must be about: its bundles are read from its registry (referrers API, else the referrers tag; then cosign's .att tag)",
      ),
  ).action(async (flags: VerifyFlags, command: Command) => {
    const options = readGlobals(command.optsWithGlobals<RawGlobals>(), 'verifyReport', 'verify', io);
    const request = checkFlags(flags);
    const roots = rootLoader(io, flags);
    const trust = await readTrust(io, flags, roots);
    const { policy, context, configFile, now } = await policyAndRepository(options, flags);
    // Every argument is checked before a passphrase is asked for.
    const vsaKey =
      flags.vsaKey !== undefined ? await readPrivateKey(resolvePath(io, flags.vsaKey), await readPassphrase(io, `the key ${flags.vsaKey}`, false)) : undefined;
    const reviewTrust = await readReviewTrust(io, flags, policy, roots);
    const found = await readInputs(io, flags, context);
    const result = await verifyBundles({
      ...found,
      trust,
      reviewTrust,
      predicateType: request.type,
      now,
      ...(request.maxAgeMs !== undefined ? { maxAgeMs: request.maxAgeMs } : {}),
      ...(policy ? { policy } : {}),
    });
    await print(options, 'verifyReport', verifyReport(result));
    if (flags.vsaOutput !== undefined) {
      const policyFile = flags.policy !== undefined ? resolvePath(io, flags.policy) : policy !== undefined ? configFile : undefined;
      const vsa = vsaForRun(result, {
        ...found.about,
        ...(policyFile !== undefined ? { policyFile: await policyDigest(policyFile) } : {}),
        policyApplied: policy !== undefined,
        freshnessChecked: request.maxAgeMs !== undefined,
        timeVerified: now,
      });
      const document = vsaKey ? await signWithKey(vsa, vsaKey) : vsa;
      await writeWhole(io, flags.vsaOutput, `${JSON.stringify(document, null, 2)}\n`);
    }
    const failure = verificationError(result);
    if (failure) throw failure;
    exit(exitCodeFor(result.outcome));
  });
};

/** The flags that must agree with each other, checked before anything is read. */
function checkFlags(flags: VerifyFlags): { type: string; maxAgeMs?: number } {
  const type = predicateType(flags.type);
  const maxAgeMs = flags.maxAge !== undefined ? parseDuration(flags.maxAge) : undefined;
  if (flags.maxAge !== undefined && maxAgeMs === undefined)
    throw new UsageError('expected a duration such as 90d, 12h, 30m or 1d12h', { field: 'maxAge', value: flags.maxAge });
  const sources = [flags.bundle !== undefined, flags.fromNotes === true, flags.image !== undefined].filter(Boolean).length;
  if (sources > 1) throw new UsageError('give one of --bundle files, --from-notes and --image');
  if (sources === 0) throw new UsageError('no bundle to verify: give --bundle FILE, --from-notes or --image REF');
  if (flags.image !== undefined && flags.artifact !== undefined) throw new UsageError('the image is the subject with --image; --artifact names another');
  if (flags.vsaKey !== undefined && flags.vsaOutput === undefined) throw new UsageError('--vsa-key signs the VSA that --vsa-output writes; give both');
  if (flags.image !== undefined) parseImageReference(flags.image);
  return { type, ...(maxAgeMs !== undefined ? { maxAgeMs } : {}) };
}

/**
 * The content policy: a --policy file, or the config's verify section when
 * the repository being verified does not control it. An artifact or an image
 * is verified without a repository (a deploy job may have none); a commit,
 * or notes, need one, opened once here.
 */
async function policyAndRepository(
  options: GlobalOptions,
  flags: VerifyFlags,
): Promise<{ policy?: ContentPolicy; context?: Context; configFile?: string; now: Date }> {
  const needsRepo = (flags.artifact === undefined && flags.image === undefined) || flags.fromNotes === true;
  if (flags.policy !== undefined) {
    const policy = await readContentPolicy(resolvePath(options.io, flags.policy));
    const context = needsRepo ? await contextFor(options, false) : undefined;
    return { policy, ...(context ? { context } : {}), now: (context?.clock ?? systemClock).now() };
  }
  const context = needsRepo ? await contextFor(options) : undefined;
  const configured: SettingsContext = context ?? (await settingsFor(options));
  const usable = configured.config.verify !== undefined && configMayChooseHosts(configured);
  if (configured.config.verify !== undefined && !usable) {
    notice(
      options,
      `${configured.configFile ?? '.aiprov.yml'}: its verify policy is not used: the repository under verification would be choosing its own policy (give --policy FILE, or --config, or --trust-repo-config)`,
    );
  }
  return {
    ...(usable && configured.config.verify ? { policy: configured.config.verify } : {}),
    ...(context ? { context } : {}),
    ...(configured.configFile !== null ? { configFile: configured.configFile } : {}),
    now: configured.clock.now(),
  };
}

/** The bundles to verify (files, the commit's notes, or the image's registry), the subject they must be about, and how to name it. */
async function readInputs(
  io: CliIo,
  flags: VerifyFlags,
  context: Context | undefined,
): Promise<Pick<VerifyOptions, 'inputs' | 'from' | 'subject' | 'subjectText' | 'where'> & { about: { name: string; resourceUri: string } }> {
  if (flags.image !== undefined) {
    const registry = await registryClient(io, { ...flags, image: flags.image }, 'pull');
    const image = (await resolveImage(registry)).descriptor.digest;
    const searched = await findBundles(registry, image);
    const reference = formatReference(registry.ref, image);
    const skipped = searched.skipped.length > 0 ? `; left out: ${searched.skipped.slice(0, 3).join('; ')}` : '';
    return {
      inputs: searched.found.map((f) => ({ source: f.source, sha256: createHash('sha256').update(f.bytes).digest('hex'), json: f.json })),
      from: 'pool',
      subject: { sha256: image.slice('sha256:'.length) },
      subjectText: `image ${reference}`,
      where: `attached to ${reference} (looked at ${searched.looked.join(' and ')}: ${searched.found.length} Sigstore bundle${searched.found.length === 1 ? '' : 's'}, none of that type${skipped})`,
      about: { name: `${registry.ref.registry}/${registry.ref.repository}`, resourceUri: `oci://${reference}` },
    };
  }
  const commit = context ? await context.git.resolveCommit(flags.commit) : undefined;
  const subject =
    flags.artifact !== undefined ? { sha256: await artifactDigest(resolvePath(io, flags.artifact), flags.artifact) } : { gitCommit: commit ?? '' };
  const about =
    'gitCommit' in subject
      ? { name: `git+commit:${subject.gitCommit}`, resourceUri: `git+commit:${subject.gitCommit}` }
      : { name: path.basename(flags.artifact ?? ''), resourceUri: `file:${path.basename(flags.artifact ?? '')}` };
  const subjectText = 'gitCommit' in subject ? `commit ${subject.gitCommit}` : `artifact sha256:${subject.sha256}`;
  if (flags.fromNotes === true && context) {
    // Source VSAs are kept where the Source track's reference tool keeps them, beside its own.
    const ref = predicateType(flags.type) === VERIFIED_TYPES['source-vsa'] ? SOURCE_NOTES_REF : ATTESTATIONS_REF;
    const inputs = await readStoredBundles(context.git, commit ?? '', ref);
    return { inputs, from: 'pool', subject, subjectText, where: `on commit ${(commit ?? '').slice(0, 12)} in ${ref}`, about };
  }
  const inputs: BundleInput[] = [];
  for (const file of flags.bundle ?? []) inputs.push(await readBundleFile(io, file));
  return { inputs, from: 'files', subject, subjectText, where: 'among the bundles given', about };
}

/** The policy file's name and SHA-256, for the VSA. */
async function policyDigest(file: string): Promise<{ uri: string; sha256: string }> {
  const read = await readRegularFile(file, 1024 * 1024);
  if (!read.ok) throw new UsageError(read.problem, { field: 'policy', value: file });
  return { uri: `file:${path.basename(file)}`, sha256: createHash('sha256').update(read.bytes).digest('hex') };
}
