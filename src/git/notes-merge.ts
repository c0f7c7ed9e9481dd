import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitError, NotesError } from '../kernel/errors.js';
import { BlobStream } from './cat-file.js';
import { assertNotesRef } from './guards.js';
import { commitNotesTree, type NotesCommitter } from './notes-commit.js';
import type { GitRunner } from './runner.js';
import { NOTE_CAP } from './types.js';

/**
 * Merging one notes ref into another as a union: every note of either side
 * is kept; where both sides hold a different note for the same commit, the
 * two are combined by `combine` (their records together, never one side's
 * over the other's). git's own `notes merge` strategies either pick a side,
 * concatenate JSON documents into one that no longer parses, or leave a
 * worktree of conflicts to resolve by hand; none of them is a union of records.
 */
export interface CombinedNote {
  text: string;
  /** Set when the two notes disagree in a way that keeping both does not settle (said to the user). */
  conflict?: string;
}

export type CombineNotes = (local: string, other: string, commit: string) => CombinedNote;

export interface NotesMergeResult {
  ref: string;
  from: string;
  /**
   * `absent`: the other ref does not exist; `created`: the local one did not, and now is the other's tip;
   * `diverged`: both moved and the ref is one aiprov does not write (left as it is).
   */
  outcome: 'absent' | 'up-to-date' | 'created' | 'fast-forward' | 'merged' | 'diverged';
  /** Commits whose notes were combined from both sides. */
  combined: string[];
  /** Commits whose notes came from the other side alone. */
  added: number;
  conflicts: { commit: string; problem: string }[];
}

/** JSON-lines notes (reviews, checks, attestations): the local lines, then the other side's lines not already there. */
export const unionOfLines: CombineNotes = (local, other) => {
  const kept = local.split('\n').filter((l) => l.trim() !== '');
  const have = new Set(kept);
  const added = other.split('\n').filter((l) => l.trim() !== '' && !have.has(l));
  return { text: `${[...kept, ...added].join('\n')}\n` };
};

/** Attempts when another writer moves the local ref while the merge is made. */
const MERGE_ATTEMPTS = 10;

export async function mergeNotesRef(
  git: GitRunner,
  ref: string,
  from: string,
  combine: CombineNotes | 'fast-forward-only',
  committer: NotesCommitter | undefined,
): Promise<NotesMergeResult> {
  assertNotesRef(ref);
  assertNotesRef(from);
  const base: NotesMergeResult = { ref, from, outcome: 'up-to-date', combined: [], added: 0, conflicts: [] };
  const other = await tipOf(git, from);
  if (other === '') return { ...base, outcome: 'absent' };
  for (let attempt = 1; ; attempt++) {
    const local = await tipOf(git, ref);
    if (local === other || (local !== '' && (await isAncestor(git, other, local)))) return base;
    let result: NotesMergeResult;
    let target = other;
    if (local === '') result = { ...base, outcome: 'created' };
    else if (await isAncestor(git, local, other)) result = { ...base, outcome: 'fast-forward' };
    else if (combine === 'fast-forward-only') return { ...base, outcome: 'diverged' };
    else ({ result, commit: target } = await unionCommit(git, base, local, other, combine, committer));
    // Compare-and-swap: when the ref moved meanwhile (a commit recorded, another merge), the merge is made again on it.
    const moved = await git.text(['update-ref', ref, target, local === '' ? '0'.repeat(target.length) : local]).then(
      () => false,
      async (error: unknown) => {
        if ((await tipOf(git, ref)) === local) throw error;
        return true;
      },
    );
    if (!moved) return result;
    if (attempt >= MERGE_ATTEMPTS)
      throw new GitError('GIT_FAILED', `could not merge ${from} into ${ref}: other writers kept moving it (${MERGE_ATTEMPTS} attempts)`);
  }
}

/** A merge commit of both notes trees: the local tree with the other side's notes added and the differing ones combined. */
async function unionCommit(
  git: GitRunner,
  base: NotesMergeResult,
  local: string,
  other: string,
  combine: CombineNotes,
  committer: NotesCommitter | undefined,
): Promise<{ result: NotesMergeResult; commit: string }> {
  const mine = await notesTree(git, local);
  const theirs = await notesTree(git, other);
  const updates: string[] = [];
  const result: NotesMergeResult = { ...base, outcome: 'merged', combined: [], added: 0, conflicts: [] };
  const differing = [...theirs].filter(([key, entry]) => mine.get(key)?.oid !== entry.oid);
  const texts = await readNotes(
    git,
    base.ref,
    differing.flatMap(([key, entry]) => {
      const have = mine.get(key);
      return have ? [have.oid, entry.oid] : [];
    }),
  );
  for (const [key, entry] of differing) {
    const have = mine.get(key);
    if (!have) {
      updates.push(`${entry.mode} ${entry.oid}\t${entry.path}`);
      result.added++;
      continue;
    }
    const merged = combine(texts.get(have.oid) ?? '', texts.get(entry.oid) ?? '', key);
    if (merged.conflict !== undefined) result.conflicts.push({ commit: key, problem: merged.conflict });
    const oid = (await git.collect(['hash-object', '-w', '--stdin'], merged.text)).toString('utf8').trim();
    updates.push(`${have.mode} ${oid}\t${have.path}`);
    result.combined.push(key);
  }
  const tree = await treeWith(git, local, updates);
  const commit = await commitNotesTree(git, tree, [local, other], committer, `Notes merged by aiprov from ${base.from} (${other.slice(0, 12)})`);
  return { result, commit };
}

interface TreeEntry {
  mode: string;
  oid: string;
  path: string;
}

/** The notes of a notes commit, keyed by the annotated commit (fan-out directories removed); other files by their path. */
async function notesTree(git: GitRunner, commit: string): Promise<Map<string, TreeEntry>> {
  const out = await git.text(['ls-tree', '-r', '-z', '--full-tree', commit]);
  const entries = new Map<string, TreeEntry>();
  for (const line of out.split('\0')) {
    const match = /^(\d+) blob ([0-9a-f]+)\t(.+)$/s.exec(line);
    if (!match) continue;
    const [, mode, oid, file] = match as unknown as [string, string, string, string];
    const flat = file.replace(/\//g, '');
    entries.set(/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(flat) ? flat : file, { mode, oid, path: file });
  }
  return entries;
}

/** Both sides' notes where they differ, read whole under the note cap: a note that cannot be read stops the merge, naming it. */
async function readNotes(git: GitRunner, ref: string, oids: readonly string[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  if (oids.length === 0) return texts;
  const decoder = new TextDecoder('utf-8');
  for await (const [oid, content] of new BlobStream(git, NOTE_CAP).read([...new Set(oids)])) {
    if (!Buffer.isBuffer(content))
      throw new NotesError(
        'NOTE_UNREADABLE',
        content === undefined
          ? `a note being merged into ${ref} names object ${oid}, which is missing; nothing was merged (fetch the notes again)`
          : `a note being merged into ${ref} (object ${oid}) is ${content.tooLarge} bytes, over the ${NOTE_CAP}-byte cap; nothing was merged`,
      );
    texts.set(oid, decoder.decode(content));
  }
  return texts;
}

/** The tree of `commit` with the entries `updates` (ls-tree lines) put in, through a private index. */
async function treeWith(git: GitRunner, commit: string, updates: readonly string[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aiprov-notes-merge-'));
  try {
    const indexed = git.withIndex(path.join(dir, 'index'));
    await indexed.text(['read-tree', `${commit}^{tree}`]);
    if (updates.length > 0) await indexed.collect(['update-index', '--index-info'], `${updates.join('\n')}\n`);
    return (await indexed.text(['write-tree'])).trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function tipOf(git: GitRunner, ref: string): Promise<string> {
  return (await git.text(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
}

/** By the merge base, not `--is-ancestor`'s exit status: a buffered git call that fails silently reads as success. */
async function isAncestor(git: GitRunner, ancestor: string, of: string): Promise<boolean> {
  const base = await git.text(['merge-base', ancestor, of]).catch(() => '');
  return base.trim() === ancestor;
}
