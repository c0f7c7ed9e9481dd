import type { HistoryReader } from '../git/types.js';
import { GitError, SarifError } from '../kernel/errors.js';
import type { SarifInput } from './sarif.js';

export interface Revision {
  rev: string;
  revSpec: string;
  from: 'sarif' | 'rev' | 'head';
}

/**
 * The revision the logs describe: the one their runs' `versionControlProvenance` names, else `--rev`, else HEAD.
 * Logs of different revisions, or a log of another revision than `--rev`, are an error naming both: attributing
 * one revision's lines to another's findings would credit the wrong authors without a sign.
 */
export async function revisionOf(
  git: HistoryReader,
  inputs: readonly SarifInput[],
  given: string | undefined,
  label = `--rev ${given ?? ''}`,
): Promise<Revision> {
  const claims: { name: string; id: string; sha: string }[] = [];
  for (const input of inputs) {
    for (const run of input.log.runs) {
      for (const vcs of run.versionControlProvenance ?? []) {
        if (vcs.revisionId === undefined) continue;
        claims.push({ name: input.name, id: vcs.revisionId, sha: await commitOf(git, vcs.revisionId, input.name) });
      }
    }
  }
  const first = claims[0];
  const other = claims.find((c) => c.sha !== first?.sha);
  if (first && other)
    throw new SarifError(
      'SARIF_REVISION_MISMATCH',
      `${first.name} describes revision ${first.id} but ${other.name} describes ${other.id}: give logs of one revision`,
    );
  if (given !== undefined) {
    const sha = await git.resolveCommit(given);
    if (first && first.sha !== sha)
      throw new SarifError(
        'SARIF_REVISION_MISMATCH',
        `${label} is ${sha.slice(0, 12)} but ${first.name} describes revision ${first.id} (versionControlProvenance)`,
      );
    return { rev: sha, revSpec: given, from: 'rev' };
  }
  if (first) return { rev: first.sha, revSpec: first.id, from: 'sarif' };
  return { rev: await git.resolveCommit('HEAD'), revSpec: 'HEAD', from: 'head' };
}

async function commitOf(git: HistoryReader, id: string, name: string): Promise<string> {
  // A git revision id is a commit's hex name; anything else (a branch, an option-like string) is not a revision the log can vouch for.
  if (!/^[0-9a-f]{7,64}$/i.test(id))
    throw new SarifError('SARIF_INVALID', `${name}: versionControlProvenance revisionId ${JSON.stringify(id)} is not a commit id`);
  try {
    return await git.resolveCommit(id);
  } catch (error) {
    if (error instanceof GitError && error.code === 'BAD_REVISION')
      throw new SarifError(
        'SARIF_REVISION_MISMATCH',
        `${name} describes revision ${id} (versionControlProvenance), which is not a commit of this repository: fetch it, or give the log of a revision it has`,
      );
    throw error;
  }
}
