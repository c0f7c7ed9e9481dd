import { createPublicKey } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import type { AttestOptions } from '../attest/attest.js';
import { readPublicKey } from '../attest/keys.js';
import { basePolicyReader } from '../config/base-policy.js';
import type { Context } from '../context/context.js';
import { readForgeRun } from '../ci/forge-run.js';
import { remoteIdentity } from '../inventory/identity.js';
import { UsageError } from '../kernel/errors.js';
import { makeDirectory } from '../kernel/files.js';
import { attestSource, type SourceVsaResult } from '../source/attest-source.js';
import { resourceUriFor, SOURCE_NOTES_REF } from '../source/vsa.js';
import type { Trust } from '../verify/signature.js';
import { publicGoodRoot, readTrustedRoot } from '../verify/trusted-root.js';
import { forgeReader } from './check.js';
import { notice, writeWhole, type ExitCode, type GlobalOptions } from './globals.js';
import { resolvePath, type CliIo } from './io.js';

export interface SourceVsaFlags {
  commit: string;
  store: string;
  outputDir?: string;
  branch?: string;
  since?: string;
  resourceUri?: string;
  previousKey?: string[];
  previousIdentity?: string;
  previousOidcIssuer?: string;
  trustedRoot?: string;
  cacheDir?: string;
  forge?: string;
  forgeApi?: string;
}

/** The flags `attest --predicate source-vsa` adds (each named for it in the help). */
export function sourceVsaOptions(command: Command): Command {
  return command
    .option('--branch <ref>', 'source-vsa: the protected branch, fully qualified (default: GITHUB_REF, CI_COMMIT_BRANCH, else the checked-out branch)')
    .option('--since <rev>', 'source-vsa: check from this revision instead of the previous VSA (the first VSA of a branch)')
    .option('--resource-uri <uri>', "source-vsa: the repository, git+https://host/owner/name (default: the origin remote's URL)")
    .option('--previous-key <file>', 'source-vsa: a public key that signed earlier VSAs of the chain (default with --key: its own public key)', collectKeys)
    .option('--previous-identity <id>', 'source-vsa, keyless: the identity that signed earlier VSAs of the chain')
    .option('--previous-oidc-issuer <url>', 'source-vsa, keyless: the OIDC issuer of --previous-identity')
    .option('--trusted-root <file>', 'source-vsa: a Sigstore trusted_root.json for the earlier VSAs (default: the public-good root)')
    .option('--cache-dir <dir>', "source-vsa: the dependency audit's registry cache")
    .option('--forge <forge>', "source-vsa: read review approvals from github or gitlab too (the base's review.forge otherwise)")
    .option('--forge-api <url>', "source-vsa: the forge's API URL (default: the CI's, or the public service)");
}

function collectKeys(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * `attest --predicate source-vsa`: the revision's Source VSA, continuing the
 * branch's chain, appended to its note in refs/notes/commits (or written to
 * --output-dir). Exit 0 when every property was granted, 1 when the VSA was
 * written without some (each said, with why), 2 when something could not be
 * decided (nothing written: the next run checks the range again).
 */
export async function runSourceVsa(options: GlobalOptions, flags: SourceVsaFlags, signer: AttestOptions['signer'], context: Context): Promise<ExitCode> {
  const { io } = options;
  if (flags.forge !== undefined && flags.forge !== 'github' && flags.forge !== 'gitlab')
    throw new UsageError(`--forge ${flags.forge}: expected github or gitlab`);
  const ref = await branchRef(flags, io, context);
  const resourceUri = flags.resourceUri ?? (await originUri(context));
  const trust = await previousTrust(io, flags, signer);
  const basePolicy = basePolicyReader(context.git);
  const run = await readForgeRun(io.env).catch(() => undefined);
  const result = await attestSource({
    context,
    head: flags.commit,
    ref,
    resourceUri,
    ...(trust ? { trust } : {}),
    ...(flags.since !== undefined ? { since: flags.since } : {}),
    policyAt: (sha) => basePolicy.policyAt(sha),
    deps: flags.cacheDir !== undefined ? { cacheDir: resolvePath(io, flags.cacheDir) } : {},
    forgeFor: (forge) => forgeReader(forge, flags.forgeApi !== undefined ? { forgeApi: flags.forgeApi } : {}, run, io),
    ...(flags.forge === 'github' || flags.forge === 'gitlab' ? { forge: flags.forge } : {}),
    ...(flags.trustedRoot !== undefined ? { trustedRoot: (await readTrustedRoot(resolvePath(io, flags.trustedRoot))).root } : {}),
    signer,
    store: flags.store === 'notes' || flags.store === 'both',
    now: context.clock.now(),
  });
  await report(options, flags, result);
  if (result.couldNotDecide !== null) return 2;
  return result.levels.every((l) => l.granted) ? 0 : 1;
}

async function report(options: GlobalOptions, flags: SourceVsaFlags, result: SourceVsaResult): Promise<void> {
  const from = result.previous ? `the previous VSA on ${result.previous.commit.slice(0, 12)}` : `--since ${result.base.slice(0, 12)}`;
  notice(options, `${result.ref} at ${result.commit.slice(0, 12)}: ${result.commits} commit${result.commits === 1 ? '' : 's'} checked since ${from}`);
  for (const l of result.levels) notice(options, `  ${l.granted ? 'granted' : 'not granted'} ${l.level}: ${l.because}`);
  if (result.couldNotDecide !== null) {
    notice(options, `no VSA written: could not decide: ${result.couldNotDecide}`);
    return;
  }
  if (result.stored) notice(options, `source VSA added to ${SOURCE_NOTES_REF} on ${result.commit.slice(0, 12)} (push it: git push origin ${SOURCE_NOTES_REF})`);
  if ((flags.store === 'files' || flags.store === 'both') && flags.outputDir !== undefined && result.bundle) {
    const file = path.join(flags.outputDir, `${result.commit.slice(0, 12)}.source-vsa.sigstore.json`);
    await writeWhole(options.io, file, `${JSON.stringify(result.bundle)}\n`);
    notice(options, `source VSA for ${result.commit.slice(0, 12)}: ${file}`);
  }
}

/** Where to write, checked before anything is read: notes by default (where the Source track keeps VSAs). */
export async function checkSourceVsaStore(io: CliIo, flags: SourceVsaFlags, command: Command): Promise<void> {
  if (command.getOptionValueSource('store') === 'default') flags.store = 'notes';
  if (flags.store === 'files' || flags.store === 'both') {
    if (flags.outputDir === undefined) throw new UsageError(`--store ${flags.store} writes a bundle file: say where with --output-dir DIR`);
    const problem = await makeDirectory(resolvePath(io, flags.outputDir));
    if (problem !== undefined) throw new UsageError(problem, { field: 'outputDir', value: flags.outputDir, code: 'BAD_PATH' });
  }
}

/** The protected branch: --branch, else the CI's (GitHub's GITHUB_REF, GitLab's CI_COMMIT_BRANCH), else the checked-out one. */
async function branchRef(flags: SourceVsaFlags, io: CliIo, context: Context): Promise<string> {
  const given = flags.branch ?? (io.env.GITHUB_REF?.startsWith('refs/heads/') === true ? io.env.GITHUB_REF : undefined);
  if (given !== undefined) {
    if (!/^refs\/(?:heads|tags)\/\S+$/.test(given))
      throw new UsageError('must be fully qualified (refs/heads/main), as the Source track requires', { field: 'branch', value: given });
    return given;
  }
  const gitlab = io.env.CI_COMMIT_BRANCH;
  if (gitlab !== undefined && gitlab !== '') return `refs/heads/${gitlab}`;
  const head = await context.git.head();
  if (head.ref?.startsWith('refs/heads/') === true) return head.ref;
  throw new UsageError('no branch is checked out: give --branch refs/heads/main, the protected branch this revision is of');
}

async function originUri(context: Context): Promise<string> {
  const raw = (await context.git.configValues('remote.origin.url'))[0];
  const identity = raw !== undefined ? remoteIdentity(raw) : undefined;
  if (!identity) throw new UsageError('the repository has no origin remote with a URL: give --resource-uri git+https://host/owner/name');
  return resourceUriFor(identity.url);
}

/** Who signed the earlier VSAs: the keys given, else the signing key's own public key; keyless, the identity and issuer given. */
async function previousTrust(io: CliIo, flags: SourceVsaFlags, signer: AttestOptions['signer']): Promise<Trust | undefined> {
  if ((flags.previousIdentity === undefined) !== (flags.previousOidcIssuer === undefined))
    throw new UsageError('give --previous-identity and --previous-oidc-issuer together (the same identity from another issuer is someone else)');
  const keys = await Promise.all((flags.previousKey ?? []).map((k) => readPublicKey(resolvePath(io, k))));
  if (keys.length > 0 && flags.previousIdentity !== undefined) throw new UsageError('give --previous-key or --previous-identity, not both');
  if (keys.length > 0) return { kind: 'keys', keys };
  if (flags.previousIdentity !== undefined && flags.previousOidcIssuer !== undefined) {
    const root = flags.trustedRoot !== undefined ? (await readTrustedRoot(resolvePath(io, flags.trustedRoot))).root : publicGoodRoot().root;
    return { kind: 'certificate', root, identity: { subject: { exact: flags.previousIdentity }, issuer: flags.previousOidcIssuer } };
  }
  if ('privateKey' in signer) return { kind: 'keys', keys: [createPublicKey(signer.privateKey)] };
  return undefined;
}
