import path from 'node:path';
import type { HistoryReader, RepositoryConfig } from '../git/types.js';

/** A repository as the store knows it: one identity whichever clone, protocol or CI token it was collected through. */
export interface RepositoryIdentity {
  /** `https://host/owner/name` (no credentials, no `.git`), or `file://` and the path for a repository with no remote. */
  url: string;
  /** `owner/name`, or the directory's name. */
  name: string;
  defaultBranch: string | null;
}

/**
 * The identity of a remote URL: credentials, query and `.git` dropped, the
 * host lower-cased, and SSH forms (`git@host:owner/name.git`,
 * `ssh://git@host/owner/name`) written as `https://host/owner/name`, so that
 * a laptop's SSH clone and CI's HTTPS checkout (whose URL may carry a job
 * token, as GitLab's does) are one repository. The forges serve both at the
 * same path.
 */
export function remoteIdentity(remote: string): { url: string; name: string } | undefined {
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(remote);
  let host: string;
  let pathname: string;
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) {
    [host, pathname] = [scp[1] ?? '', `/${scp[2] ?? ''}`];
  } else {
    let parsed: URL;
    try {
      parsed = new URL(remote);
    } catch {
      return undefined;
    }
    if (parsed.protocol === 'file:') return undefined;
    [host, pathname] = [parsed.host, parsed.pathname];
  }
  const clean = pathname
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/^\/+/, '');
  if (host === '' || clean === '') return undefined;
  return { url: `https://${host.toLowerCase()}/${clean}`, name: clean };
}

/** The repository's identity: the URL given, else its `origin` remote's (or its only remote's), else its path. */
export async function repositoryIdentity(
  git: HistoryReader & RepositoryConfig,
  given: { url?: string; defaultBranch?: string } = {},
): Promise<RepositoryIdentity> {
  const head = await git.head();
  const branch = given.defaultBranch ?? (head.ref?.startsWith('refs/heads/') ? head.ref.slice('refs/heads/'.length) : null);
  const fromUrl = (raw: string) => remoteIdentity(raw);
  if (given.url !== undefined) {
    const known = fromUrl(given.url);
    return { url: known?.url ?? given.url, name: known?.name ?? given.url, defaultBranch: branch };
  }
  const remotes = await git.remoteNames();
  const remote = remotes.includes('origin') ? 'origin' : remotes.length === 1 ? remotes[0] : undefined;
  const raw = remote !== undefined ? (await git.configValues(`remote.${remote}.url`))[0] : undefined;
  const known = raw !== undefined ? fromUrl(raw) : undefined;
  if (known) return { ...known, defaultBranch: branch };
  return { url: `file://${git.root}`, name: path.basename(git.root), defaultBranch: branch };
}
