import { bundleLines, claimedPredicateType } from '../attest/store.js';
import type { HistoryReader, NotesReader } from '../git/types.js';
import { isMissingNote, missingNoteProblem } from '../git/types.js';
import { NotesError } from '../kernel/errors.js';
import { verifyAttestation } from '../verify/attestation.js';
import type { Trust } from '../verify/signature.js';
import { SOURCE_NOTES_REF, SOURCE_VERIFIER_ID, SOURCE_VSA_TYPE } from './vsa.js';

/** The VSA a new one continues from: aiprov's, signed by whom the caller trusts, about the same repository and branch. */
export interface PreviousVsa {
  commit: string;
  levels: ReadonlySet<string>;
  /** Where it is kept: `refs/notes/commits:<sha12>#<line>`. */
  source: string;
  /** The SHA-256 of its line: the new VSA names it among its input attestations. */
  sha256: string;
}

export interface ChainOptions {
  git: HistoryReader & NotesReader;
  /** The revision the new VSA is about: the search starts at its first parent. */
  head: string;
  ref: string;
  resourceUri: string;
  /** Who signed the earlier VSAs; an entry no trust verifies is ignored, so a forged one cannot shorten the range checked. */
  trust: Trust;
  now: Date;
}

/**
 * The newest earlier VSA on the branch's first-parent history (the commits
 * the branch pointed at, as a protected branch's pushes and merges leave
 * them): only commits with a note in `refs/notes/commits` are looked at, and
 * of their lines only those claiming the VSA type are verified. What the
 * clone's notes say is a claim until its signature, the verifier id, the
 * repository, the branch and the result check out; source-tool's own VSAs
 * (another verifier) are not aiprov's chain.
 */
export async function previousVsa(options: ChainOptions): Promise<PreviousVsa | undefined> {
  const notes = await options.git.notesAt(SOURCE_NOTES_REF);
  const noted = await notes.noted();
  if (noted.size === 0) return undefined;
  const history = (await options.git.listCommits(options.head, { firstParent: true })).slice(1).filter((sha) => noted.has(sha));
  for (let i = 0; i < history.length; i += CHUNK) {
    const chunk = history.slice(i, i + CHUNK);
    const texts = await notes.read(chunk);
    for (const commit of chunk) {
      const text = texts.get(commit);
      if (text === undefined) continue;
      // A note that cannot be read whole might hold the VSA that ends the range: deciding without it would check too little.
      if (isMissingNote(text)) throw new NotesError('NOTE_UNREADABLE', `the note on ${commit.slice(0, 12)} in ${SOURCE_NOTES_REF} ${missingNoteProblem(text)}`);
      const found = await trustedIn(text, commit, options);
      if (found) return found;
    }
  }
  return undefined;
}

const CHUNK = 256;

async function trustedIn(text: string, commit: string, options: ChainOptions): Promise<PreviousVsa | undefined> {
  for (const line of bundleLines(text, SOURCE_NOTES_REF, commit)) {
    if (claimedPredicateType(line.json) !== SOURCE_VSA_TYPE) continue;
    // aiprov's own, about this repository and branch, PASSED with one Source level: the content policy's rules, as verify applies them.
    const verified = await verifyAttestation({
      bundle: line.json,
      trust: options.trust,
      predicateType: SOURCE_VSA_TYPE,
      subject: { gitCommit: commit },
      policy: { sourceVsa: { verifiers: [SOURCE_VERIFIER_ID], resourceUri: options.resourceUri, sourceRefs: [options.ref] } },
      now: options.now,
    });
    if (!verified.verified || !verified.statement) continue;
    const levels = (verified.statement.predicate as { verifiedLevels: string[] }).verifiedLevels;
    return { commit, levels: new Set(levels), source: line.source, sha256: line.sha256 };
  }
  return undefined;
}
