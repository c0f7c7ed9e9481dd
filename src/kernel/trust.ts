/**
 * The repository under analysis is untrusted input: on a pull request its
 * files were written by whoever opened it. Its `.aiprov.yml` and `.npmrc` may
 * name private scopes and thresholds, but they choose no hosts and no
 * credentials, and expand no `${VAR}`, unless the user opts in
 * (`--trust-repo-config`). This is where a context says which is which.
 */

/** Where a command's config came from: the repository's `.aiprov.yml`, the user (`--config`, or an object), or nowhere. */
export type ConfigSource = 'repository' | 'user' | 'none';

export interface ConfigTrust {
  /** Absolute path of the config file that was read, or null. */
  configFile: string | null;
  configSource: ConfigSource;
  /** The user's opt-in: files of the repository may choose hosts and credentials. */
  trustRepoConfig: boolean;
}

/** Whether the loaded config may choose hosts: it came from the user, or the user trusts the repository. */
export function configMayChooseHosts(trust: ConfigTrust): boolean {
  return trust.configSource !== 'repository' || trust.trustRepoConfig;
}
