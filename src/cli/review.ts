import type { Command } from 'commander';
import { readPrivateKey } from '../attest/keys.js';
import { UsageError } from '../kernel/errors.js';
import { recordReview, REVIEWS_REF } from '../gate/review.js';
import { contextFor, notice, readGlobals, type RawGlobals, type Register } from './globals.js';
import { resolvePath } from './io.js';
import { readPassphrase } from './secret.js';

const DECISIONS = { approve: 'approved', reject: 'rejected' } as const;

/** `aiprov review`: a person records their review of AI-written changes, in their git identity; signed with --key. */
export const registerReview: Register = (program, exit, io) => {
  program
    .command('review')
    .description(`record a human review of a commit or range (${REVIEWS_REF}; signed review/v1 attestation with --key)`)
    .option('--commit <rev>', 'the commit reviewed', 'HEAD')
    .option('--range <A..B>', 'the range reviewed (the review is recorded on B)')
    .requiredOption('--decision <decision>', 'approve or reject')
    .option('--scope <globs>', 'comma-separated paths the review covers (default: the whole change)')
    .option('--comment <text>', 'a note to go with it')
    .option('--key <file>', 'sign the review with this private key (passphrase from AIPROV_PASSWORD)')
    .action(async (flags: { commit: string; range?: string; decision: string; scope?: string; comment?: string; key?: string }, command: Command) => {
      const options = readGlobals({ ...command.optsWithGlobals<RawGlobals>(), format: undefined }, null, 'review', io);
      if (!Object.hasOwn(DECISIONS, flags.decision)) throw new UsageError('expected approve or reject', { field: 'decision', value: flags.decision });
      const context = await contextFor(options, false);
      const [name, email] = [(await context.git.configValues('user.name')).at(-1) ?? '', (await context.git.configValues('user.email')).at(-1) ?? ''];
      const privateKey =
        flags.key !== undefined ? await readPrivateKey(resolvePath(io, flags.key), await readPassphrase(io, `the key ${flags.key}`, false)) : undefined;
      const paths = flags.scope
        ?.split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '');
      const recorded = await recordReview({
        context,
        target: flags.range ?? flags.commit,
        decision: DECISIONS[flags.decision as keyof typeof DECISIONS],
        reviewer: { name, email },
        now: context.clock.now(),
        ...(paths ? { paths } : {}),
        ...(flags.comment !== undefined ? { comment: flags.comment } : {}),
        ...(privateKey ? { privateKey } : {}),
      });
      notice(
        options,
        `${recorded.predicate.decision} by ${name} <${email}> on ${recorded.commit.slice(0, 12)} (${REVIEWS_REF}${recorded.signed ? ', signed in refs/notes/aiprov-attestations' : ''}); push it: git push origin ${REVIEWS_REF}`,
      );
      const own = recorded.ownCommits;
      if (own.length > 0)
        notice(
          options,
          `warning: you (${email}) wrote ${own.length === 1 ? `commit ${own[0]?.slice(0, 12) ?? ''}` : `${own.length} of the commits reviewed (${own.map((c) => c.slice(0, 12)).join(', ')})`}: aiprov check does not count a review by a change's own author; another person's review is needed`,
        );
      exit(0);
    });
};
