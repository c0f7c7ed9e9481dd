import path from 'node:path';
import { ForgeRecovery } from '../recover/recovery.js';
import { AnalyserFactory } from '../authorship/analyse.js';
import { systemClock, type Clock } from '../kernel/clock.js';
import { loadConfig, type AiprovConfig } from '../config/load.js';
import { processEnvironment, type Environment } from '../kernel/environment.js';
import { openRepository } from '../git/repository.js';
import type { GitRepository } from '../git/types.js';
import type { ConfigSource } from '../kernel/trust.js';
import { notesCommitter } from '../sync/config.js';

/**
 * Everything a command works with, built once at the top (the CLI, or a
 * library user) and passed down: the repository, its loaded config, the
 * environment, the clock, and the commit analyser every command shares.
 * Library entry points take a context, or the part of one they need; none of
 * them opens a repository or reads a config file itself.
 */
export interface Context {
  git: GitRepository;
  config: AiprovConfig;
  /** Absolute path of the config file that was read, or null when there was none (defaults). */
  configFile: string | null;
  /** Whether the config came from the repository or the user (trust.ts: the repository's files choose no hosts or credentials). */
  configSource: ConfigSource;
  /** The user's opt-in (`--trust-repo-config`): the repository's `.aiprov.yml` and `.npmrc` may choose hosts and credentials. */
  trustRepoConfig: boolean;
  env: Environment;
  clock: Clock;
  analyser: AnalyserFactory;
}

/** A context without a repository, for work on names from anywhere (`deps check`). */
export type SettingsContext = Omit<Context, 'git' | 'analyser'>;

export interface ContextOptions {
  /** Repository directory, relative to the environment's cwd; default the cwd. */
  repo?: string;
  /** A repository adapter to use instead of opening `repo` (tests, embedding). */
  git?: GitRepository;
  /**
   * Config file path (relative to the cwd), an already parsed config, or
   * false to read none; default `.aiprov.yml` at the repository root when present.
   */
  config?: string | AiprovConfig | false;
  /** Parts of the environment to use instead of the process's. */
  env?: Partial<Environment>;
  clock?: Clock;
  /** Let the repository's `.aiprov.yml` and `.npmrc` choose registry hosts and credentials (default false). */
  trustRepoConfig?: boolean;
  /** The refs records are recovered from (for-each-ref patterns; empty: no recovery); every pull ref and noted commit when unset. */
  recoverFrom?: readonly string[];
}

/** Opens the repository, reads its config and makes the context for it. */
export async function openContext(options: ContextOptions = {}): Promise<Context> {
  const env = environment(options);
  const git = options.git ?? (await openRepository(path.resolve(env.cwd, options.repo ?? '.'), env.vars));
  const settings = await settingsFor(options, git.root, env);
  // Notes commits made in this run carry the configured committer (pre-receive hooks that check them accept them).
  git.notesCommitter = notesCommitter(settings.config.notes);
  // Records are recovered when read (squash and rebase merges); what recovery reads the source commits with does not recover.
  const plain = new AnalyserFactory(git, settings.config.signatures);
  const analyser = options.recoverFrom?.length === 0 ? plain : plain.withRecovery(new ForgeRecovery(git, plain, options.recoverFrom));
  return { ...settings, git, analyser };
}

/** A context with no repository: the config comes only from a file named explicitly. */
export async function settingsContext(options: Omit<ContextOptions, 'repo' | 'git'> = {}): Promise<SettingsContext> {
  return settingsFor(options, null, environment(options));
}

function environment(options: ContextOptions): Environment {
  return { ...processEnvironment(), ...options.env };
}

/** The config (read from the repository root `root`, or only when named without one), the environment and the clock. */
async function settingsFor(options: ContextOptions, root: string | null, env: Environment): Promise<SettingsContext> {
  const clock = options.clock ?? systemClock;
  const trustRepoConfig = options.trustRepoConfig === true;
  if (options.config === false) return { config: {}, configFile: null, configSource: 'none', trustRepoConfig, env, clock };
  if (typeof options.config === 'object') return { config: options.config, configFile: null, configSource: 'user', trustRepoConfig, env, clock };
  const { config, file } = await loadConfig(root, options.config, env.cwd);
  const configSource: ConfigSource = file === null ? 'none' : options.config !== undefined ? 'user' : 'repository';
  return { config, configFile: file, configSource, trustRepoConfig, env, clock };
}
