import { createPublicKey, type KeyObject } from 'node:crypto';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { AnalyserFactory } from '../authorship/analyse.js';
import type { ScanWarning } from '../authorship/types.js';
import { PREDICATE_TYPES, type ReviewPredicate } from '../attest/statement.js';
import { ATTESTATIONS_REF, claimedPredicateType, readStoredBundles } from '../attest/store.js';
import type { CommitRecord, CommitSigner, NotesReader, SignatureReader, SignerTrust, TreeReader } from '../git/types.js';
import { ConfigError } from '../kernel/errors.js';
import { verifyAttestation } from '../verify/attestation.js';
import type { Trust } from '../verify/signature.js';
import { publicGoodRoot } from '../verify/trusted-root.js';
import type { ReviewConfig, ReviewSigner } from './config.js';
import { agentOf, notedReviews, reviewsOf, type Review } from './coverage.js';
import { forgeReviews, type ForgeApprovals } from './forge-reviews.js';
import { readReviews, reviewProblem, REVIEWS_REF } from './review.js';

export interface ReviewEvidenceOptions {
  git: NotesReader & TreeReader & SignatureReader;
  analyser: AnalyserFactory;
  /** The change's commits, newest first. */
  commits: readonly CommitRecord[];
  base: string;
  head: string;
  /** The base's `review:` section: it alone says what counts as a review. */
  review: ReviewConfig | undefined;
  /** Where the policy came from, for errors naming a file it names. */
  source: string;
  /** The pull request's approvals on the forge, when the base counts them and a pull request is known. */
  forge?: ForgeApprovals;
  /** Keyless review signers chain to this root (default: Sigstore's public-good root). */
  trustedRoot?: TrustedRoot;
  now: Date;
  warnings: ScanWarning[];
}

export interface ReviewEvidence {
  /** Every review found, counted or not (with why not). */
  reviews: Review[];
  /** Evidence that exists but could not be read (a forge that did not answer): while work waits, the gate cannot decide. */
  unread: string[];
}

/**
 * The reviews of a change, each counted only when authenticated as the base's
 * `review:` section says: the forge's approvals, review/v1 attestations
 * signed by a listed signer, `Reviewed-by:` on commits signed by the person
 * named. Trailers and notes nothing authenticates are returned as claims
 * (`rejected`), so that every output shows them and none counts them.
 */
export async function gatherReviews(options: ReviewEvidenceOptions): Promise<ReviewEvidence> {
  const { git, analyser, commits } = options;
  const withTrailers = commits.filter((c) => /^reviewed-by\s*:/im.test(c.message)).map((c) => c.sha);
  const signers = withTrailers.length > 0 ? await git.commitSigners(withTrailers, await signerTrust(options)) : new Map<string, CommitSigner>();
  const signed = await signedReviews(options);
  const noted = notedReviews(
    await readReviews(
      git,
      commits.map((c) => c.sha),
      options.warnings,
    ),
    analyser,
  ).filter(
    // The note `aiprov review --key` writes beside its signed copy is not shown again as a claim.
    (n) => !signed.some((s) => s.rejected === undefined && s.commit === n.commit && s.reviewer === n.reviewer),
  );
  const forge = options.forge ? await forgeReviews(options.forge, options.head, analyser) : { reviews: [], unread: [] };
  return { reviews: [...forge.reviews, ...signed, ...reviewsOf(commits, analyser, signers), ...noted], unread: forge.unread };
}

/** The base's trust for signed commits: its allowed-signers file and OpenPGP keys, each read at the base. */
async function signerTrust(options: ReviewEvidenceOptions): Promise<SignerTrust> {
  const { review, git, base, source } = options;
  return {
    ...(review?.allowedSigners !== undefined ? { allowedSigners: await baseFile(git, base, review.allowedSigners, `${source}: review.allowedSigners`) } : {}),
    ...(review?.gpgKeys !== undefined ? { gpgKeys: await baseFile(git, base, review.gpgKeys, `${source}: review.gpgKeys`) } : {}),
  };
}

/** A file the base's policy names, read at the base; one that is not there is the policy's error, never "no trust". */
async function baseFile(git: TreeReader, base: string, file: string, what: string): Promise<string> {
  const text = (await git.readFiles(base, [file])).get(file);
  if (text === undefined) throw new ConfigError('CONFIG_INVALID', `${what}: ${file} is not in the base revision ${base.slice(0, 12)}`);
  return text;
}

interface ReviewSignerTrust {
  email: string;
  trust: Trust;
}

/** The review signers as trust: each key read from the base revision, each keyless identity against the trusted root. */
async function signerTrusts(options: ReviewEvidenceOptions, signers: readonly ReviewSigner[]): Promise<ReviewSignerTrust[]> {
  const out: ReviewSignerTrust[] = [];
  for (const [i, s] of signers.entries()) {
    const where = `${options.source}: review.signers[${i}]`;
    if (s.key !== undefined) {
      let key: KeyObject;
      try {
        // The key itself (PEM), or a file of the base revision that holds it.
        const pem = s.key.trimStart().startsWith('-----BEGIN') ? s.key : await baseFile(options.git, options.base, s.key, `${where}.key`);
        key = createPublicKey({ key: pem, format: 'pem' });
      } catch (error) {
        if (error instanceof ConfigError) throw error;
        throw new ConfigError('CONFIG_INVALID', `${where}.key: ${s.key.startsWith('-----') ? 'the key given' : s.key} is not a PEM public key`);
      }
      out.push({ email: s.email.toLowerCase(), trust: { kind: 'keys', keys: [key] } });
    } else if (s.issuer !== undefined) {
      const root = options.trustedRoot ?? publicGoodRoot().root;
      out.push({ email: s.email.toLowerCase(), trust: { kind: 'certificate', root, identity: { subject: { exact: s.email }, issuer: s.issuer } } });
    }
  }
  return out;
}

/**
 * The review/v1 attestations in refs/notes/aiprov-attestations on the change's
 * commits, each verified against the signers the base trusts for reviews
 * (not the keys that sign authorship): one counts when a listed signer signed
 * it, it names that signer as the reviewer, its scope ends at the commit it
 * is about, and it approves.
 */
async function signedReviews(options: ReviewEvidenceOptions): Promise<Review[]> {
  const signers = options.review?.signers ?? [];
  if (signers.length === 0) return [];
  const trusts = await signerTrusts(options, signers);
  const out: Review[] = [];
  for (const c of options.commits) {
    for (const bundle of await readStoredBundles(options.git, c.sha)) {
      if (claimedPredicateType(bundle.json) !== PREDICATE_TYPES.review) continue;
      let found: { email: string; predicate: unknown } | undefined;
      for (const t of trusts) {
        const v = await verifyAttestation({
          bundle: bundle.json,
          trust: t.trust,
          predicateType: PREDICATE_TYPES.review,
          subject: { gitCommit: c.sha },
          now: options.now,
        });
        if (v.verified) {
          found = { email: t.email, predicate: v.statement?.predicate };
          break;
        }
      }
      out.push(signedReview(c.sha, found, options.analyser, bundle.source));
    }
  }
  return out;
}

function signedReview(commit: string, found: { email: string; predicate: unknown } | undefined, analyser: AnalyserFactory, source: string): Review {
  if (!found)
    return { commit, reviewer: source, via: 'signed-review', names: [], rejected: 'a review/v1 attestation no signer in review.signers signed: not counted' };
  const problem = reviewProblem(found.predicate);
  if (problem !== null) return { commit, reviewer: found.email, via: 'signed-review', names: [found.email], rejected: `not a review/v1 (${problem})` };
  const p = found.predicate as ReviewPredicate;
  const email = (p.reviewer.email ?? '').toLowerCase();
  const reviewer = `${p.reviewer.name} <${p.reviewer.email ?? ''}>`;
  const agent = agentOf({ name: p.reviewer.name, email }, analyser);
  const range = p.scope.range;
  const rejected =
    email !== found.email
      ? `signed by ${found.email}'s key, but names ${email || 'nobody'} as the reviewer`
      : agent !== undefined
        ? `an agent (${agent}) cannot review`
        : range !== commit && !range.endsWith(`..${commit}`)
          ? `its scope (${range}) does not end at the commit it is about`
          : p.decision !== 'approved'
            ? `decision: ${p.decision}`
            : undefined;
  return {
    commit,
    reviewer,
    via: 'signed-review',
    names: [email],
    ...(p.scope.paths ? { paths: p.scope.paths } : {}),
    range,
    ...(rejected !== undefined ? { rejected } : {}),
  };
}

/** The commits a review may sit on besides `known`: those with a review note or an attestation (for the dashboard, which reads reviews across the history). */
export async function reviewHolders(git: NotesReader, known: ReadonlySet<string>): Promise<string[]> {
  const out = new Set<string>();
  for (const ref of [REVIEWS_REF, ATTESTATIONS_REF]) for (const sha of await (await git.notesAt(ref)).noted()) if (!known.has(sha)) out.add(sha);
  return [...out];
}
