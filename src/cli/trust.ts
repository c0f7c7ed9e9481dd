import { createPublicKey } from 'node:crypto';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { Command } from 'commander';
import { readPublicKey } from '../attest/keys.js';
import { PolicyError, UsageError } from '../kernel/errors.js';
import { linearPattern, PatternSyntaxError } from '../kernel/linear-regex.js';
import type { ContentPolicy } from '../verify/content-policy.js';
import type { Trust } from '../verify/signature.js';
import { publicGoodRoot, readTrustedRoot } from '../verify/trusted-root.js';
import { collect } from './globals.js';
import { resolvePath, type CliIo } from './io.js';

/** Who is trusted to have signed an attestation, and a review, as `verify` and `collect --verified-only` take it. */
export interface TrustFlags {
  key?: string[];
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  reviewKey?: string[];
  reviewIdentity?: string;
  reviewOidcIssuer?: string;
  trustedRoot?: string;
}

/** The trust flags, as every command that verifies declares them. */
export function trustOptions(command: Command): Command {
  return command
    .option('--key <file>', 'a trusted public key (repeatable)', collect)
    .option('--certificate-identity <id>', 'keyless: the exact identity the certificate must name')
    .option('--certificate-identity-regexp <re>', 'keyless: a regular expression the whole identity must match (anchored for you)')
    .option('--certificate-oidc-issuer <url>', 'keyless: the exact OIDC issuer (required with an identity)')
    .option('--trusted-root <file>', 'a Sigstore trusted_root.json (default: the public-good root shipped with aiprov)')
    .option('--review-key <file>', "a public key trusted to sign the review a policy requires (repeatable; the attestation's keys are not)", collect)
    .option('--review-identity <id>', 'keyless: the exact identity a required review must be signed by')
    .option('--review-oidc-issuer <url>', 'keyless: the OIDC issuer of --review-identity');
}

/**
 * `--trusted-root`, read once however many trusts ask for it (the attestation's, each review signer's), and only
 * when one does: a key-signed verification reads it only if given; keyless ones fall back to the public-good root.
 */
export function rootLoader(io: CliIo, flags: TrustFlags): { given(): Promise<TrustedRoot | undefined>; orPublicGood(): Promise<TrustedRoot> } {
  let read: Promise<TrustedRoot | undefined> | undefined;
  const given = (): Promise<TrustedRoot | undefined> => {
    read ??= flags.trustedRoot === undefined ? Promise.resolve(undefined) : readTrustedRoot(resolvePath(io, flags.trustedRoot)).then((r) => r.root);
    return read;
  };
  return { given, orPublicGood: async () => (await given()) ?? publicGoodRoot().root };
}

export async function readTrust(io: CliIo, flags: TrustFlags, roots: ReturnType<typeof rootLoader>): Promise<Trust> {
  const keys = (flags.key ?? []).map((k) => resolvePath(io, k));
  const identities = [flags.certificateIdentity, flags.certificateIdentityRegexp].filter((v) => v !== undefined);
  if (keys.length > 0 && identities.length > 0) throw new UsageError('give trusted keys (--key) or a certificate identity, not both');
  if (identities.length > 1) throw new UsageError('give --certificate-identity or --certificate-identity-regexp, not both');
  if (keys.length > 0) {
    if (flags.certificateOidcIssuer !== undefined)
      throw new UsageError('an issuer is checked on certificates; key-signed bundles have none', { field: 'certificateOidcIssuer' });
    const root = await roots.given();
    return { kind: 'keys', keys: await Promise.all(keys.map((k) => readPublicKey(k))), ...(root ? { root } : {}) };
  }
  if (identities.length === 0)
    throw new PolicyError(
      'TRUST_MATERIAL_MISSING',
      'nothing to trust: give --key PUB, or --certificate-identity (or --certificate-identity-regexp) with --certificate-oidc-issuer',
    );
  // As cosign does: an identity without its issuer would accept the same name from any issuer Fulcio trusts.
  if (flags.certificateOidcIssuer === undefined)
    throw new UsageError('is required with a certificate identity (the same identity from another issuer is someone else)', { field: 'certificateOidcIssuer' });
  if (flags.certificateIdentityRegexp !== undefined) {
    try {
      linearPattern(`^(?:${flags.certificateIdentityRegexp})$`);
    } catch (error) {
      if (error instanceof PatternSyntaxError)
        throw new UsageError(error.message, { field: 'certificateIdentityRegexp', value: flags.certificateIdentityRegexp });
      throw error;
    }
  }
  const root = await roots.orPublicGood();
  const subject = flags.certificateIdentity !== undefined ? { exact: flags.certificateIdentity } : { pattern: flags.certificateIdentityRegexp ?? '' };
  return { kind: 'certificate', root, identity: { subject, issuer: flags.certificateOidcIssuer } };
}

/**
 * Who may sign the review a policy requires: `--review-key`, `--review-identity`
 * with `--review-oidc-issuer`, and the policy's `review.signers`; never the
 * keys or identity trusted for the attestation itself.
 */
export async function readReviewTrust(io: CliIo, flags: TrustFlags, policy: ContentPolicy | undefined, roots: ReturnType<typeof rootLoader>): Promise<Trust[]> {
  const out: Trust[] = [];
  const keys = await Promise.all((flags.reviewKey ?? []).map((k) => readPublicKey(resolvePath(io, k))));
  if (keys.length > 0) out.push({ kind: 'keys', keys });
  if ((flags.reviewIdentity === undefined) !== (flags.reviewOidcIssuer === undefined))
    throw new UsageError('give --review-identity and --review-oidc-issuer together (the same identity from another issuer is someone else)', {
      field: flags.reviewIdentity === undefined ? 'reviewIdentity' : 'reviewOidcIssuer',
    });
  const root = (): Promise<TrustedRoot> => roots.orPublicGood();
  if (flags.reviewIdentity !== undefined && flags.reviewOidcIssuer !== undefined)
    out.push({ kind: 'certificate', root: await root(), identity: { subject: { exact: flags.reviewIdentity }, issuer: flags.reviewOidcIssuer } });
  for (const [i, signer] of (policy?.review?.signers ?? []).entries()) {
    if ('key' in signer) {
      try {
        out.push({ kind: 'keys', keys: [createPublicKey({ key: signer.key, format: 'pem' })] });
      } catch {
        throw new PolicyError('POLICY_INVALID', `policy review.signers[${i}].key is not a PEM public key`);
      }
    } else out.push({ kind: 'certificate', root: await root(), identity: { subject: { exact: signer.identity }, issuer: signer.issuer } });
  }
  return out;
}
