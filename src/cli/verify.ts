import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { readPrivateKey, readPublicKey } from '../attest/keys.js';
import { signWithKey } from '../attest/sign.js';
import { predicateType, PREDICATE_TYPES, type ReviewPredicate } from '../attest/statement.js';
import { claimedPredicateType, readStoredBundles } from '../attest/store.js';
import { PolicyError, UsageError, VerificationError, type VerificationCode } from '../errors.js';
import { BUNDLE_CAP, readRegularFile } from '../files.js';
import { linearPattern, PatternSyntaxError } from '../linear-regex.js';
import { printable } from '../report/printable.js';
import { parseDuration, verifyAttestation, type AttestationVerification } from '../verify/attestation.js';
import type { CheckName } from '../verify/checks.js';
import { readContentPolicy, type ContentPolicy } from '../verify/content-policy.js';
import type { Trust } from '../verify/signature.js';
import { publicGoodRoot, readTrustedRoot } from '../verify/trusted-root.js';
import { verifiedLevels, vsaStatement } from '../verify/vsa.js';
import { artifactDigest } from './attest.js';
import { collect, contextFor, notice, readGlobals, settingsFor, writeWhole, type RawGlobals, type Register } from './globals.js';
import { resolvePath, type CliIo } from './io.js';
import { systemClock } from '../clock.js';
import { configMayChooseHosts } from '../trust.js';
import { findBundles, resolveImage, type BundleSearch } from '../oci/bundles.js';
import { formatReference } from '../oci/reference.js';
import { registryClient, registryOptions } from './registry.js';
import { readPassphrase } from './secret.js';

interface VerifyFlags {
  commit: string;
  artifact?: string;
  bundle?: string[];
  fromNotes?: boolean;
  type: string;
  key?: string[];
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  trustedRoot?: string;
  policy?: string;
  maxAge?: string;
  vsaOutput?: string;
  vsaKey?: string;
  image?: string;
  registryConfig?: string;
  insecureRegistry?: string[];
  registryTimeout?: string;
}

/** A bundle to verify: where it was read, its bytes' digest, and its JSON (undefined when it is not JSON: a failed check, not a crash). */
interface Input {
  source: string;
  sha256: string;
  json: unknown;
}

interface Outcome extends Input {
  verification: AttestationVerification;
}

const FAILURE_CODES: Partial<Record<CheckName, VerificationCode>> = { bundle: 'BUNDLE_INVALID', identity: 'IDENTITY_UNTRUSTED', predicateType: 'PREDICATE_TYPE_MISMATCH', subject: 'SUBJECT_MISMATCH', freshness: 'ATTESTATION_STALE' };

async function readTrust(io: CliIo, flags: VerifyFlags): Promise<Trust> {
  const keys = (flags.key ?? []).map((k) => resolvePath(io, k));
  const identities = [flags.certificateIdentity, flags.certificateIdentityRegexp].filter((v) => v !== undefined);
  if (keys.length > 0 && identities.length > 0) throw new UsageError('give trusted keys (--key) or a certificate identity, not both');
  if (identities.length > 1) throw new UsageError('give --certificate-identity or --certificate-identity-regexp, not both');
  if (keys.length > 0) {
    if (flags.certificateOidcIssuer !== undefined) throw new UsageError('an issuer is checked on certificates; key-signed bundles have none', { field: 'certificateOidcIssuer' });
    const root = flags.trustedRoot !== undefined ? (await readTrustedRoot(resolvePath(io, flags.trustedRoot))).root : undefined;
    return { kind: 'keys', keys: await Promise.all(keys.map((k) => readPublicKey(k))), ...(root ? { root } : {}) };
  }
  if (identities.length === 0) throw new PolicyError('TRUST_MATERIAL_MISSING', 'nothing to trust: give --key PUB, or --certificate-identity (or --certificate-identity-regexp) with --certificate-oidc-issuer');
  // As cosign does: an identity without its issuer would accept the same name from any issuer Fulcio trusts.
  if (flags.certificateOidcIssuer === undefined) throw new UsageError('is required with a certificate identity (the same identity from another issuer is someone else)', { field: 'certificateOidcIssuer' });
  if (flags.certificateIdentityRegexp !== undefined) {
    try {
      linearPattern(`^(?:${flags.certificateIdentityRegexp})$`);
    } catch (error) {
      if (error instanceof PatternSyntaxError) throw new UsageError(error.message, { field: 'certificateIdentityRegexp', value: flags.certificateIdentityRegexp });
      throw error;
    }
  }
  const root = flags.trustedRoot !== undefined ? (await readTrustedRoot(resolvePath(io, flags.trustedRoot))).root : publicGoodRoot().root;
  const subject = flags.certificateIdentity !== undefined ? { exact: flags.certificateIdentity } : { pattern: flags.certificateIdentityRegexp ?? '' };
  return { kind: 'certificate', root, identity: { subject, issuer: flags.certificateOidcIssuer } };
}

async function readBundleFile(io: CliIo, file: string): Promise<Input> {
  const read = await readRegularFile(resolvePath(io, file), BUNDLE_CAP);
  if (!read.ok) throw new UsageError(read.problem, { field: 'bundle', value: file });
  let json: unknown;
  try { json = JSON.parse(read.bytes.toString('utf8')); } catch { json = undefined; }
  return { source: file, sha256: createHash('sha256').update(read.bytes).digest('hex'), json };
}

export const registerVerify: Register = (program, exit, io) => {
  registryOptions(program
    .command('verify')
    .description('verify attestations about a commit, an artifact or a container image: every check by name; exit 0 only when all pass')
    .option('--commit <rev>', 'the commit the attestation must be about (and whose notes --from-notes reads)', 'HEAD')
    .option('--artifact <file>', 'the artifact the attestation must be about (instead of the commit)')
    .option('--bundle <file>', 'a bundle to verify (repeatable: each must pass)', collect)
    .option('--from-notes', 'the bundles stored on the commit in refs/notes/aiprov-attestations')
    .requiredOption('--type <predicate>', `predicate type: its URI, or ${Object.keys(PREDICATE_TYPES).join(', ')}`)
    .option('--key <file>', 'a trusted public key (repeatable)', collect)
    .option('--certificate-identity <id>', 'keyless: the exact identity the certificate must name')
    .option('--certificate-identity-regexp <re>', 'keyless: a regular expression the whole identity must match (anchored for you)')
    .option('--certificate-oidc-issuer <url>', 'keyless: the exact OIDC issuer (required with an identity)')
    .option('--trusted-root <file>', 'a Sigstore trusted_root.json (default: the public-good root shipped with aiprov)')
    .option('--policy <file>', 'content policy (YAML or JSON; schemas/verify-policy.schema.json)')
    .option('--max-age <duration>', 'the signature may be at most this old: 90d, 12h, 30m, 1d12h')
    .option('--vsa-output <file>', 'write a SLSA Verification Summary Attestation of this run')
    .option('--vsa-key <file>', 'sign the VSA with this private key (passphrase from AIPROV_PASSWORD)')
    .option('--image <ref>', 'the container image the attestation must be about: its bundles are read from its registry (referrers API, else the referrers tag; then cosign\'s .att tag)'))
    .action(async (flags: VerifyFlags, command: Command) => {
      const raw = command.optsWithGlobals<RawGlobals>();
      if (raw.format !== undefined && raw.format !== 'table' && raw.format !== 'json') throw new UsageError(`verify supports --format table or json, not ${raw.format}`);
      const format = raw.format ?? 'table';
      const options = readGlobals({ ...raw, format: undefined }, null, 'verify', io);
      const type = predicateType(flags.type);
      const maxAgeMs = flags.maxAge !== undefined ? parseDuration(flags.maxAge) : undefined;
      if (flags.maxAge !== undefined && maxAgeMs === undefined) throw new UsageError('expected a duration such as 90d, 12h, 30m or 1d12h', { field: 'maxAge', value: flags.maxAge });
      const sources = [flags.bundle !== undefined, flags.fromNotes === true, flags.image !== undefined].filter(Boolean).length;
      if (sources > 1) throw new UsageError('give one of --bundle files, --from-notes and --image');
      if (sources === 0) throw new UsageError('no bundle to verify: give --bundle FILE, --from-notes or --image REF');
      if (flags.image !== undefined && flags.artifact !== undefined) throw new UsageError('the image is the subject with --image; --artifact names another');
      // From notes or a registry, the bundles of the asked type are candidates (anyone may add one); named files each must pass.
      const pooled = flags.fromNotes === true || flags.image !== undefined;
      if (flags.vsaKey !== undefined && flags.vsaOutput === undefined) throw new UsageError('--vsa-key signs the VSA that --vsa-output writes; give both');
      const trust = await readTrust(io, flags);
      // The policy: a --policy file, or the config's verify section when the repository being verified does not control it.
      // An artifact with its bundles is verified without a repository (a deploy job may have none); a commit, or notes, need one.
      const needsRepo = (flags.artifact === undefined && flags.image === undefined) || flags.fromNotes === true;
      const repoContext = flags.policy === undefined && needsRepo ? await contextFor(options) : undefined;
      const configured = repoContext ?? (flags.policy === undefined ? await settingsFor(options) : undefined);
      if (configured?.config.verify !== undefined && !configMayChooseHosts(configured)) {
        notice(options, `${configured.configFile ?? '.aiprov.yml'}: its verify policy is not used: the repository under verification would be choosing its own policy (give --policy FILE, or --config, or --trust-repo-config)`);
      }
      const policy: ContentPolicy | undefined = flags.policy !== undefined
        ? await readContentPolicy(resolvePath(io, flags.policy))
        : configured?.config.verify !== undefined && configMayChooseHosts(configured) ? configured.config.verify : undefined;
      const vsaKey = flags.vsaKey !== undefined ? await readPrivateKey(resolvePath(io, flags.vsaKey), await readPassphrase(io, `the key ${flags.vsaKey}`, false)) : undefined;

      // The repository is opened once: the context the policy was looked up in serves, when there is one.
      const context = needsRepo ? repoContext ?? await contextFor(options, false) : undefined;
      const commit = context ? await context.git.resolveCommit(flags.commit) : undefined;
      const registry = flags.image !== undefined ? await registryClient(io, { ...flags, image: flags.image }, 'pull') : undefined;
      const image = registry ? (await resolveImage(registry)).descriptor.digest : undefined;
      const subject: { gitCommit: string } | { sha256: string } = image !== undefined ? { sha256: image.slice('sha256:'.length) }
        : flags.artifact !== undefined ? { sha256: await artifactDigest(resolvePath(io, flags.artifact), flags.artifact) } : { gitCommit: commit ?? '' };

      const inputs: Input[] = [];
      let searched: BundleSearch | undefined;
      if (registry && image !== undefined) {
        searched = await findBundles(registry, image);
        for (const f of searched.found) inputs.push({ source: f.source, sha256: createHash('sha256').update(f.bytes).digest('hex'), json: f.json });
      } else if (flags.fromNotes === true) {
        if (context) inputs.push(...await readStoredBundles(context.git, commit ?? ''));
      } else {
        for (const file of flags.bundle ?? []) inputs.push(await readBundleFile(io, file));
      }
      const reviewType = PREDICATE_TYPES.review;
      const wantsReview = policy?.review?.required === true && type !== reviewType;
      const now = (context ?? configured)?.clock.now() ?? systemClock.now();
      const check = (input: Input, asked: string): Promise<Outcome> => verifyAttestation({ bundle: input.json, trust, predicateType: asked, subject, now, ...(maxAgeMs !== undefined ? { maxAgeMs } : {}), ...(policy ? { policy } : {}) }).then((verification) => ({ ...input, verification }));

      const reviewInputs = wantsReview ? inputs.filter((i) => claimedPredicateType(i.json) === reviewType) : [];
      const main = inputs.filter((i) => !reviewInputs.includes(i) && (!pooled || claimedPredicateType(i.json) === type || claimedPredicateType(i.json) === undefined));
      const outcomes = await Promise.all(main.map((i) => check(i, type)));
      const reviews = await Promise.all(reviewInputs.map((i) => check(i, reviewType)));
      const approved = reviews.filter((r) => r.verification.verified && (r.verification.statement?.predicate as ReviewPredicate | undefined)?.decision === 'approved');

      // Verified as evidence (signature, identity, statement, freshness), whatever the content policy says of it.
      const trustedAny = outcomes.some((o) => o.verification.verified || o.verification.policyOnly);
      const policyFailures = outcomes.filter((o) => o.verification.policyOnly);
      const otherFailures = outcomes.filter((o) => !o.verification.verified && !o.verification.policyOnly);
      const problems: string[] = [];
      let verificationFailed = false;
      if (outcomes.length === 0) {
        verificationFailed = true;
        const where = registry && image !== undefined
          ? `attached to ${formatReference(registry.ref, image)} (looked at ${searched?.looked.join(' and ') ?? ''}: ${searched?.found.length ?? 0} Sigstore bundle${searched?.found.length === 1 ? '' : 's'}, none of that type${searched && searched.skipped.length > 0 ? `; left out: ${searched.skipped.slice(0, 3).join('; ')}` : ''})`
          : flags.fromNotes === true ? `on commit ${(commit ?? '').slice(0, 12)} in refs/notes/aiprov-attestations` : 'among the bundles given';
        problems.push(`no attestation of type ${type} ${where}`);
      } else if (pooled ? !trustedAny : otherFailures.length > 0) {
        // From notes or a registry, one trusted attestation is enough (others may be anyone's); named files must each verify.
        verificationFailed = true;
        const first = otherFailures[0]?.verification.checks.find((c) => c.result === 'failed');
        problems.push(`${otherFailures.length} of ${outcomes.length} bundle${outcomes.length === 1 ? '' : 's'} did not verify (${first ? `${first.name}: ${first.detail}` : 'failed'})`);
      }
      if (policyFailures.length > 0) problems.push(`${policyFailures.length} verified attestation${policyFailures.length === 1 ? '' : 's'} break${policyFailures.length === 1 ? 's' : ''} the policy (${policyFailures[0]?.verification.checks.find((c) => c.name === 'policy')?.detail ?? ''})`);
      if (wantsReview && approved.length === 0) problems.push(`the policy requires an approving review/v1 attestation from a trusted signer; ${reviews.length === 0 ? 'there is none' : `none of the ${reviews.length} present verifies and approves`}`);
      const passed = problems.length === 0;

      const subjectText = 'gitCommit' in subject ? `commit ${subject.gitCommit}` : registry && image !== undefined ? `image ${formatReference(registry.ref, image)}` : `artifact sha256:${subject.sha256}`;
      const show = (o: Outcome): string => `${printable(o.source)}: ${o.verification.verified ? 'VERIFIED' : 'FAILED'}${o.verification.signer !== undefined ? ` (${printable(o.verification.signer)})` : ''}\n${o.verification.checks.map((c) => `  ${c.result.padEnd(7)} ${c.name.padEnd(13)} ${printable(c.detail)}`).join('\n')}\n`;
      const json = (o: Outcome): object => ({ bundle: o.source, sha256: o.sha256, verified: o.verification.verified, signer: o.verification.signer ?? null, signedAt: o.verification.signedAt?.toISOString() ?? null, checks: o.verification.checks });
      const text = format === 'json'
        ? `${JSON.stringify({ predicateType: type, subject, verified: passed, problems, bundles: outcomes.map(json), ...(wantsReview ? { reviews: reviews.map(json) } : {}) }, null, 2)}\n`
        : `${[...outcomes, ...reviews].map(show).join('')}${passed ? `verified: ${type} for ${subjectText}\n` : `NOT verified: ${type} for ${subjectText}\n${problems.map((p) => `  ${printable(p)}\n`).join('')}`}`;
      await writeWhole(io, raw.output, text);

      if (flags.vsaOutput !== undefined) {
        const short = Object.entries(PREDICATE_TYPES).find(([, uri]) => uri === type)?.[0] ?? 'attestation';
        const policyFile = flags.policy ?? (policy !== undefined ? configured?.configFile ?? undefined : undefined);
        const policyRead = policyFile !== undefined ? await readRegularFile(resolvePath(io, policyFile), 1024 * 1024) : undefined;
        const vsa = vsaStatement({
          subject: 'gitCommit' in subject ? { name: `git+commit:${subject.gitCommit}`, digest: { gitCommit: subject.gitCommit } } : { name: registry ? `${registry.ref.registry}/${registry.ref.repository}` : path.basename(flags.artifact ?? ''), digest: { sha256: subject.sha256 } },
          resourceUri: 'gitCommit' in subject ? `git+commit:${subject.gitCommit}` : registry && image !== undefined ? `oci://${formatReference(registry.ref, image)}` : `file:${path.basename(flags.artifact ?? '')}`,
          predicateType: type,
          ...(policyRead?.ok === true && policyFile !== undefined ? { policy: { uri: `file:${path.basename(policyFile)}`, sha256: createHash('sha256').update(policyRead.bytes).digest('hex') } } : {}),
          inputs: [...outcomes, ...reviews].map((o) => ({ uri: o.source, sha256: o.sha256 })),
          passed,
          levels: verifiedLevels(short, policy !== undefined, maxAgeMs !== undefined),
          timeVerified: now,
        });
        const document = vsaKey ? await signWithKey(vsa, vsaKey) : vsa;
        await writeWhole(io, flags.vsaOutput, `${JSON.stringify(document, null, 2)}\n`);
      }

      if (!passed) {
        const summary = problems.join('; ');
        if (!verificationFailed && (policyFailures.length > 0 || wantsReview)) throw new PolicyError('POLICY_FAILED', summary);
        const first = otherFailures[0]?.verification.checks.find((c) => c.result === 'failed');
        throw new VerificationError(outcomes.length === 0 ? 'ATTESTATION_MISSING' : (first ? FAILURE_CODES[first.name] : undefined) ?? 'SIGNATURE_INVALID', summary);
      }
      exit(0);
    });
};
