import { GitError, UsageError } from '../kernel/errors.js';
import type { NotesCommitter } from './notes-commit.js';
import { mergeNotesRef, unionOfLines, type CombineNotes, type NotesMergeResult } from './notes-merge.js';
import { exitOf, GitRunner } from './runner.js';

/**
 * Fetching and pushing refs for CI: the base branch and its history, the notes
 * aiprov reads (reviews, authorship, checks), and the checks ref it records
 * to. A checkout made with `persist-credentials: false` keeps no credentials,
 * so the token can be given as an HTTP authorization header for these calls
 * alone (passed with `-c`, never written to the repository's config); when the
 * checkout already configured one, it is used as it is (two would be refused).
 */
export interface RemoteAuth {
  /** The value of an `Authorization` header, e.g. `basic <base64 of x-access-token:TOKEN>`. */
  header: string;
}

export interface RemoteSync {
  /** The refs the remote has under the patterns (`refs/notes/*`): name → object id. */
  remoteRefs(remote: string, patterns: readonly string[]): Promise<Map<string, string>>;
  /**
   * Fetches exactly `refspecs`. `exact`: the remote's configured fetch refspecs are not applied on the side
   * (`--refmap=`), so a forced `+refs/notes/*:refs/notes/*` another tool set cannot overwrite local notes.
   */
  fetch(remote: string, refspecs: readonly string[], options?: { unshallow?: boolean; exact?: boolean }): Promise<void>;
  /**
   * Pushes; `pushed: false` when the remote refused the update, with git's reason: it moved meanwhile (fetch, merge
   * and push again), or a hook declined. git does not always tell the two apart: the caller's attempts are bounded.
   * `noVerify`: the local pre-push hook is not run (the notes pushed from inside it).
   */
  push(remote: string, refspecs: readonly string[], options?: { noVerify?: boolean }): Promise<PushOutcome>;
  /**
   * Merges notes fetched from the remote into the local ref as a union (notes-merge.ts); by default their lines
   * (JSON lines: reviews, checks, attestations); 'fast-forward-only' for refs aiprov does not write.
   */
  mergeNotes(ref: string, fetched: string, combine?: CombineNotes | 'fast-forward-only'): Promise<NotesMergeResult>;
  isShallow(): Promise<boolean>;
  /** The remote's configured fetch refspecs; UsageError when no remote of that name is configured. */
  fetchRefspecs(remote: string): Promise<string[]>;
  /** The local refs under `prefix`: name → object id. */
  localRefs(prefix: string): Promise<Map<string, string>>;
}

export type PushOutcome = { pushed: true } | { pushed: false; reason: string };

/** The authorization header GitHub's own checkout action uses for a token. */
export function tokenAuth(token: string): RemoteAuth {
  return { header: `basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}` };
}

export function remoteSync(root: string, vars: NodeJS.ProcessEnv, auth?: RemoteAuth, committer?: NotesCommitter): RemoteSync {
  const git = new GitRunner(root, vars);
  let authArgs: Promise<string[]> | undefined;
  // Only when the repository has no extraheader of its own (actions/checkout writes one unless persist-credentials is false).
  const withAuth = (): Promise<string[]> =>
    (authArgs ??= (async () => {
      if (!auth) return [];
      const configured = await git.text(['config', '--get-regexp', '^http\\..*extraheader$']).catch(() => '');
      return configured.trim() === '' ? ['-c', `http.extraheader=AUTHORIZATION: ${auth.header}`] : [];
    })());
  return {
    async remoteRefs(remote, patterns) {
      const out = await git.text([...(await withAuth()), 'ls-remote', '--refs', remote, ...patterns], {
        code: 'GIT_FAILED',
        message: `git ls-remote ${remote} failed`,
      });
      const refs = new Map<string, string>();
      for (const line of out.split('\n')) {
        const [oid, name] = line.split('\t');
        if (oid && name) refs.set(name, oid);
      }
      return refs;
    },
    async fetch(remote, refspecs, options = {}) {
      if (refspecs.length === 0 && options.unshallow !== true) return;
      const flags = [...(options.unshallow === true ? ['--unshallow'] : []), ...(options.exact === true ? ['--refmap='] : [])];
      await git.text([...(await withAuth()), 'fetch', '--no-tags', '--quiet', ...flags, remote, ...refspecs], {
        code: 'GIT_FAILED',
        message: `git fetch ${remote} ${refspecs.join(' ')} failed`,
      });
    },
    async push(remote, refspecs, options = {}) {
      // Spawned: the porcelain lines on stdout say why a ref was refused, which a failed buffered call loses.
      const args = [...(await withAuth()), 'push', '--porcelain', ...(options.noVerify === true ? ['--no-verify'] : []), remote, ...refspecs];
      const child = git.spawn(args, ['ignore', 'pipe', 'pipe']);
      let out = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      try {
        await exitOf(child, args);
        return { pushed: true };
      } catch (error) {
        const refused = out.split('\n').find((l) => l.startsWith('!\t'));
        if (refused !== undefined) return { pushed: false, reason: refused.split('\t')[2] ?? refused };
        throw new GitError('GIT_FAILED', `git push ${remote} ${refspecs.join(' ')} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    mergeNotes(ref, fetched, combine = unionOfLines) {
      return mergeNotesRef(git, ref, fetched, combine, committer);
    },
    async fetchRefspecs(remote) {
      assertRemoteName(remote);
      if ((await git.text(['config', '--get', `remote.${remote}.url`])).trim() === '')
        throw new UsageError(`no remote named '${remote}' is configured (git remote -v lists them)`);
      return (await git.text(['config', '--get-all', `remote.${remote}.fetch`])).split('\n').filter((l) => l !== '');
    },
    async localRefs(prefix) {
      const out = await git.text(['for-each-ref', '--format=%(objectname) %(refname)', prefix]);
      const refs = new Map<string, string>();
      for (const line of out.split('\n')) {
        const [oid, name] = line.split(' ');
        if (oid && name) refs.set(name, oid);
      }
      return refs;
    },
    async isShallow() {
      return (await git.text(['rev-parse', '--is-shallow-repository'])).trim() === 'true';
    },
  };
}

/** Where the remote's copy of a notes ref is fetched to: `refs/notes/remotes/<remote>/<name>`, never the local ref itself. */
export function notesTrackingRef(remote: string, ref: string): string {
  assertRemoteName(remote);
  return `refs/notes/remotes/${remote}/${ref.replace(/^refs\/notes\//, '')}`;
}

/**
 * The notes refs shared through a remote: aiprov's authorship, reviews, recorded
 * checks and attestations, and git-ai's `refs/notes/ai` (read, never written).
 */
export const SHARED_NOTES_REFS = [
  'refs/notes/aiprov',
  'refs/notes/aiprov-reviews',
  'refs/notes/aiprov-checks',
  'refs/notes/aiprov-attestations',
  'refs/notes/ai',
];

/** What is said of a forced notes refspec found in a remote's config. */
export function overwritingRefspecWarning(remote: string, spec: string): string {
  return `remote.${remote}.fetch has '${spec}': every git fetch from ${remote} replaces local notes with ${remote}'s, losing records not pushed yet; aiprov never fetches with it (it fetches into refs/notes/remotes/${remote}/); remove it with: git config --fixed-value --unset-all remote.${remote}.fetch '${spec}'`;
}

/**
 * The configured fetch refspecs that force-update one of `refs` (local notes refs): `+refs/notes/*:refs/notes/*`
 * and the like, which other tools set up and which make every `git fetch` replace the local notes with the remote's.
 */
export function overwritingNotesRefspecs(refspecs: readonly string[], refs: readonly string[]): string[] {
  return refspecs.filter((spec) => {
    if (!spec.startsWith('+')) return false;
    const destination = spec.slice(1).split(':')[1];
    if (destination === undefined || !destination.startsWith('refs/notes/') || destination.startsWith('refs/notes/remotes/')) return false;
    const star = destination.indexOf('*');
    if (star < 0) return refs.includes(destination);
    const [prefix, suffix] = [destination.slice(0, star), destination.slice(star + 1)];
    return refs.some((ref) => ref.startsWith(prefix) && ref.endsWith(suffix) && ref.length >= prefix.length + suffix.length);
  });
}

/** A remote is named in config keys and in the tracking refs' names: a plain name only. */
export function isRemoteName(remote: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(remote) && !remote.includes('..');
}

export function assertRemoteName(remote: string): void {
  if (!isRemoteName(remote)) throw new UsageError(`'${remote}' is not a remote's name (give a remote configured with git remote add, not a URL)`);
}
