import { createHash } from 'node:crypto';
import { signKeyless, signWithKey, type SerializedBundle } from '../attest/sign.js';
import type { Statement } from '../attest/statement.js';
import type { CheckOptions } from '../gate/check.js';
import { appendNoteLines } from '../git/note-lines.js';
import type { NotesWriter, PatchReader } from '../git/types.js';
import { GitError, UsageError } from '../kernel/errors.js';
import type { AttestOptions } from '../attest/attest.js';
import type { Trust } from '../verify/signature.js';
import { previousVsa, type PreviousVsa } from './chain.js';
import { checkRange, type LevelResult } from './levels.js';
import { SOURCE_NOTES_REF, sourceVsaStatement, type SourceVsaPredicate } from './vsa.js';

export interface SourceVsaOptions extends Omit<CheckOptions, 'base' | 'head' | 'context'> {
  context: CheckOptions['context'] & { git: CheckOptions['context']['git'] & NotesWriter & Pick<PatchReader, 'mergeBase'> };
  /** The revision attested (default HEAD). */
  head?: string;
  /** The protected branch it is a revision of, fully qualified. */
  ref: string;
  resourceUri: string;
  /** Who signed the earlier VSAs of the chain. */
  trust?: Trust;
  /** Check from this revision instead of the previous VSA (the first VSA of a branch, or a chain started again). */
  since?: string;
  signer: AttestOptions['signer'];
  /** Append the bundle to the commit's note in refs/notes/commits. */
  store: boolean;
  now: Date;
}

export interface SourceVsaResult {
  commit: string;
  ref: string;
  /** The range checked: from the previous VSA's commit, or --since. */
  base: string;
  commits: number;
  previous?: Pick<PreviousVsa, 'commit' | 'source'>;
  /** Each organisation property, granted or why not; a property the previous VSA lacked is not granted by a range check alone. */
  levels: LevelResult[];
  /** Written only when every property could be decided. */
  couldNotDecide: string | null;
  statement?: Statement<SourceVsaPredicate>;
  bundle?: SerializedBundle;
  stored: boolean;
}

/**
 * A Source VSA for a revision of a protected branch: the previous VSA found
 * (or `since`), the gate run over the range under the range start's policy,
 * each property granted only when its check passed over the whole range and
 * the previous VSA granted it too (so one range that lost a property is not
 * hidden by the next), signed, and appended to the commit's note beside
 * whatever source-tool keeps there.
 */
export async function attestSource(options: SourceVsaOptions): Promise<SourceVsaResult> {
  const { git } = options.context;
  const head = await git.resolveCommit(options.head ?? 'HEAD');
  const start = await rangeStart(options, head);
  const checked = await checkRange({ ...options, base: start.base, head });
  const levels = checked.levels.map((l) => continued(l, start.previous));
  const result = {
    commit: head,
    ref: options.ref,
    base: start.base,
    commits: checked.report.change.commits,
    ...(start.previous ? { previous: { commit: start.previous.commit, source: start.previous.source } } : {}),
    levels,
    couldNotDecide: checked.couldNotDecide,
    stored: false,
  };
  if (checked.couldNotDecide !== null) return result;
  const policyText = await git.readFile(start.base, '.aiprov.yml');
  const statement = sourceVsaStatement({
    commit: head,
    ref: options.ref,
    resourceUri: options.resourceUri,
    policy:
      policyText !== undefined
        ? { uri: `${options.resourceUri}@${start.base}#.aiprov.yml`, digest: { sha256: createHash('sha256').update(policyText).digest('hex') } }
        : { uri: 'https://aiprov.dev/source-verifier/builtin-policy' },
    ...(start.previous ? { previous: { uri: start.previous.source, sha256: start.previous.sha256 } } : {}),
    levels: levels.filter((l) => l.granted).map((l) => l.level),
    timeVerified: options.now,
  });
  const bundle =
    'privateKey' in options.signer ? await signWithKey(statement, options.signer.privateKey) : await signKeyless(statement, options.signer.keyless);
  if (options.store) await appendNoteLines(git, SOURCE_NOTES_REF, head, [JSON.stringify(bundle)], { unique: true });
  return { ...result, statement, bundle, stored: options.store };
}

/** Where the range starts: `since` (an ancestor of the head), else the previous trusted VSA; with neither, the caller must say. */
async function rangeStart(options: SourceVsaOptions, head: string): Promise<{ base: string; previous?: PreviousVsa }> {
  const { git } = options.context;
  if (options.since !== undefined) {
    const base = await git.resolveCommit(options.since);
    if (base === head || (await git.mergeBase(base, head)) !== base)
      throw new GitError(
        'BAD_REVISION',
        `--since ${options.since} is not an earlier revision of ${head.slice(0, 12)}'s history: the range would not be ${options.ref}'s`,
      );
    return { base };
  }
  if (!options.trust) throw new UsageError('say who signed the earlier source VSAs of this branch, or give --since REV to check from a revision');
  const previous = await previousVsa({ git, head, ref: options.ref, resourceUri: options.resourceUri, trust: options.trust, now: options.now });
  if (!previous)
    throw new UsageError(
      `no earlier source VSA by aiprov, signed by whom you trust, on ${options.ref}'s first-parent history of ${head.slice(0, 12)}: give --since REV, the revision from which to check (the first VSA of a branch)`,
    );
  return { base: previous.commit, previous };
}

/** A property continues the chain: granted only when the range passed and the previous VSA (if the range starts at one) had it too. */
function continued(result: LevelResult, previous: PreviousVsa | undefined): LevelResult {
  if (!previous || !result.granted || previous.levels.has(result.level)) return result;
  return {
    ...result,
    granted: false,
    because: `the previous VSA (${previous.source}) did not grant it, so the history before ${previous.commit.slice(0, 12)} is not known to hold it; check a longer range with --since REV`,
  };
}
