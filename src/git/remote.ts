import { GitError } from '../kernel/errors.js';
import { GitRunner } from './runner.js';

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
  fetch(remote: string, refspecs: readonly string[], options?: { unshallow?: boolean }): Promise<void>;
  /**
   * Pushes; false when the remote refused the update (it moved meanwhile: fetch, merge and push again). git says
   * only "failed to push some refs" for that and for a hook's refusal alike: the caller's attempts are bounded.
   */
  push(remote: string, refspecs: readonly string[]): Promise<boolean>;
  /** Merges notes fetched from the remote into the local ref, keeping both sides' lines (`cat_sort_uniq`). */
  mergeNotes(ref: string, fetched: string): Promise<void>;
  isShallow(): Promise<boolean>;
}

/** The authorization header GitHub's own checkout action uses for a token. */
export function tokenAuth(token: string): RemoteAuth {
  return { header: `basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}` };
}

export function remoteSync(root: string, vars: NodeJS.ProcessEnv, auth?: RemoteAuth): RemoteSync {
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
      await git.text([...(await withAuth()), 'fetch', '--no-tags', '--quiet', ...(options.unshallow === true ? ['--unshallow'] : []), remote, ...refspecs], {
        code: 'GIT_FAILED',
        message: `git fetch ${remote} ${refspecs.join(' ')} failed`,
      });
    },
    async push(remote, refspecs) {
      try {
        await git.text([...(await withAuth()), 'push', '--quiet', '--porcelain', remote, ...refspecs], {
          code: 'GIT_FAILED',
          message: `git push ${remote} ${refspecs.join(' ')} failed`,
        });
        return true;
      } catch (error) {
        if (error instanceof GitError && /\[rejected\]|fetch first|non-fast-forward|stale info|failed to push some refs/.test(error.message)) return false;
        throw error;
      }
    },
    async mergeNotes(ref, fetched) {
      await git.text(['notes', `--ref=${ref}`, 'merge', '--quiet', '--strategy=cat_sort_uniq', fetched], {
        code: 'GIT_FAILED',
        message: `git notes merge of ${fetched} into ${ref} failed`,
      });
    },
    async isShallow() {
      return (await git.text(['rev-parse', '--is-shallow-repository'])).trim() === 'true';
    },
  };
}
