import { chmod, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AIPROV_NOTES_REF } from '../authorship/notes.js';
import { HooksError } from '../kernel/errors.js';
import { makeDirectory } from '../kernel/files.js';
import { isRemoteName, overwritingNotesRefspecs, overwritingRefspecWarning, SHARED_NOTES_REFS } from '../git/remote.js';
import type { RepositoryConfig } from '../git/types.js';
import type { TrailerStyle } from './agent-env.js';
import { CHAINED_SUFFIX, HOOK_MARKER, HOOK_NAMES, hookScript, type HookName, type Launcher } from './hook-script.js';

/** Marks that `notes.rewriteRef` was added by us, so uninstall removes only what install added. */
const ADDED_REWRITE_REF = 'aiprov.hooks.addedRewriteRef';
/** The remotes whose notes fetch refspec install added (multi-valued), for uninstall. */
const ADDED_FETCH_REFSPEC = 'aiprov.hooks.addedFetchRefspec';

/**
 * The fetch refspec install adds to each remote: every `git fetch` brings the
 * remote's copies of aiprov's and git-ai's notes (`ai*`) into
 * `refs/notes/remotes/<remote>/`, where nothing local is overwritten (forced
 * there, as remote-tracking branches are); `aiprov notes merge` joins them in.
 */
export function notesFetchRefspec(remote: string): string {
  return `+refs/notes/ai*:refs/notes/remotes/${remote}/ai*`;
}

export interface HookChange {
  hook: HookName;
  /** `installed`, `chained` (a hook was there and now runs first), `updated` (ours, rewritten), `removed`, `restored`, `left` (not ours). */
  action: 'installed' | 'chained' | 'updated' | 'removed' | 'restored' | 'left';
}

export interface HooksResult {
  hooksDir: string;
  changes: HookChange[];
  /** `kept`: set, but not by aiprov, so left alone; `absent`: not set at all. */
  rewriteRef: 'added' | 'present' | 'removed' | 'kept' | 'absent';
  /** Each remote's notes fetch refspec (notesFetchRefspec). */
  fetchRefspecs: { remote: string; refspec: string; action: 'added' | 'present' | 'removed' }[];
  /** Forced notes refspecs other tools configured: every plain `git fetch` overwrites local notes with them. */
  warnings: string[];
}

/**
 * Installs the hooks beside any already there (chained, never overwritten) and
 * makes git carry `refs/notes/aiprov` through amend and rebase.
 */
export interface InstallHooksOptions {
  context: { git: RepositoryConfig };
  /** How the hook scripts start aiprov: this Node and this bin. */
  launcher: Launcher;
  /** Trailer added to agents' commits. */
  trailer: TrailerStyle;
}

export async function installHooks(options: InstallHooksOptions): Promise<HooksResult> {
  const {
    context: { git },
    launcher,
    trailer,
  } = options;
  const hooksDir = await git.gitPath('hooks');
  const problem = await makeDirectory(hooksDir);
  if (problem) throw new HooksError('HOOK_UNWRITABLE', `cannot make the hooks directory: ${problem}`);
  // All or nothing: every conflict is found before anything changes, and a failure half-way undoes what was done.
  const plan: { hook: HookName; file: string; action: HookChange['action'] }[] = [];
  for (const hook of HOOK_NAMES) {
    const file = path.join(hooksDir, hook);
    const current = await readText(file);
    let action: HookChange['action'] = 'installed';
    if (current !== undefined && current.includes(HOOK_MARKER)) {
      action = 'updated';
    } else if (current !== undefined) {
      const chained = file + CHAINED_SUFFIX;
      if (await exists(chained))
        throw new HooksError('HOOK_CONFLICT', `cannot chain ${file}: ${chained} already exists; move one of them aside first (nothing was installed)`);
      action = 'chained';
    }
    plan.push({ hook, file, action });
  }
  const undo: (() => Promise<void>)[] = [];
  const changes: HookChange[] = [];
  try {
    for (const { hook, file, action } of plan) {
      const previous = action === 'updated' ? await readFile(file) : undefined;
      if (action === 'chained') {
        await rename(file, file + CHAINED_SUFFIX);
        undo.push(() => rename(file + CHAINED_SUFFIX, file));
      }
      const args = hook === 'prepare-commit-msg' ? ['--trailer', trailer] : [];
      const temp = `${file}.tmp-${process.pid}`;
      await writeFile(temp, hookScript(hook, launcher, args), { mode: 0o755 });
      await chmod(temp, 0o755);
      await rename(temp, file);
      undo.push(previous ? () => writeFile(file, previous) : () => rm(file, { force: true }));
      changes.push({ hook, action });
    }
  } catch (error) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    if (error instanceof HooksError) throw error;
    throw new HooksError(
      'HOOK_UNWRITABLE',
      `cannot write hooks in ${hooksDir} (${(error as NodeJS.ErrnoException).code ?? String(error)}); nothing was installed`,
      { cause: error },
    );
  }
  const refs = await git.configValues('notes.rewriteRef');
  let rewriteRef: HooksResult['rewriteRef'] = 'present';
  if (!refs.includes(AIPROV_NOTES_REF)) {
    await git.addConfig('notes.rewriteRef', AIPROV_NOTES_REF);
    await git.addConfig(ADDED_REWRITE_REF, 'true');
    rewriteRef = 'added';
  }
  return { hooksDir, changes, rewriteRef, ...(await addFetchRefspecs(git)) };
}

async function addFetchRefspecs(git: RepositoryConfig): Promise<Pick<HooksResult, 'fetchRefspecs' | 'warnings'>> {
  const fetchRefspecs: HooksResult['fetchRefspecs'] = [];
  const warnings: string[] = [];
  for (const remote of await git.remoteNames()) {
    if (!isRemoteName(remote)) continue;
    const refspec = notesFetchRefspec(remote);
    const configured = await git.configValues(`remote.${remote}.fetch`);
    for (const spec of overwritingNotesRefspecs(configured, SHARED_NOTES_REFS)) warnings.push(overwritingRefspecWarning(remote, spec));
    if (configured.includes(refspec)) {
      fetchRefspecs.push({ remote, refspec, action: 'present' });
      continue;
    }
    await git.addConfig(`remote.${remote}.fetch`, refspec);
    await git.addConfig(ADDED_FETCH_REFSPEC, remote);
    fetchRefspecs.push({ remote, refspec, action: 'added' });
  }
  return { fetchRefspecs, warnings };
}

async function removeFetchRefspecs(git: RepositoryConfig): Promise<HooksResult['fetchRefspecs']> {
  const removed: HooksResult['fetchRefspecs'] = [];
  for (const remote of new Set(await git.configValues(ADDED_FETCH_REFSPEC))) {
    const refspec = notesFetchRefspec(remote);
    if ((await git.configValues(`remote.${remote}.fetch`)).includes(refspec)) {
      await git.unsetConfig(`remote.${remote}.fetch`, refspec);
      removed.push({ remote, refspec, action: 'removed' });
    }
    await git.unsetConfig(ADDED_FETCH_REFSPEC, remote);
  }
  return removed;
}

/** Removes our hooks and puts back the ones they chained; leaves alone any hook that is not ours. */
export async function uninstallHooks(options: { context: { git: RepositoryConfig } }): Promise<HooksResult> {
  const { git } = options.context;
  const hooksDir = await git.gitPath('hooks');
  const changes: HookChange[] = [];
  for (const hook of HOOK_NAMES) {
    const file = path.join(hooksDir, hook);
    const current = await readText(file);
    if (current === undefined || !current.includes(HOOK_MARKER)) {
      if (current !== undefined) changes.push({ hook, action: 'left' });
      continue;
    }
    await rm(file);
    if (await exists(file + CHAINED_SUFFIX)) {
      await rename(file + CHAINED_SUFFIX, file);
      changes.push({ hook, action: 'restored' });
    } else {
      changes.push({ hook, action: 'removed' });
    }
  }
  let rewriteRef: HooksResult['rewriteRef'] = (await git.configValues('notes.rewriteRef')).includes(AIPROV_NOTES_REF) ? 'kept' : 'absent';
  if ((await git.configValues(ADDED_REWRITE_REF)).includes('true')) {
    await git.unsetConfig('notes.rewriteRef', AIPROV_NOTES_REF);
    await git.unsetConfig(ADDED_REWRITE_REF, 'true');
    rewriteRef = 'removed';
  }
  return { hooksDir, changes, rewriteRef, fetchRefspecs: await removeFetchRefspecs(git), warnings: [] };
}

async function readText(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HooksError('HOOK_UNREADABLE', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  });
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
