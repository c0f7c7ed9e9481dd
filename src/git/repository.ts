import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitError, type GitCode } from '../kernel/errors.js';
import { assertCommitIds, assertNotesRef, assertSafeRevision, COMMIT_ID } from './guards.js';
import { blameGroups, blameSettings, type BlameGroup, type DetectionLevel } from './blame.js';
import { BlobStream, readBlobs } from './cat-file.js';
import { commitSigners } from './commit-signatures.js';
import { CliNotesSnapshot, NotesBudget, NotesListings } from './notes-snapshot.js';
import { commitNotesTree, committerEnv, type NotesCommitter } from './notes-commit.js';
import { addNotesAtOnce } from './notes-bulk.js';
import { LineMap, parseHunks } from './line-map.js';
import { GitRunner } from './runner.js';
import {
  NOTE_CAP,
  type NoteText,
  type CommitSigner,
  type SignerTrust,
  type CommitRecord,
  type NotesSnapshot,
  type GitRepository,
  type HeadState,
  type LogRequest,
  type TreeEntry,
  type TreeFile,
} from './types.js';
import { compareStrings } from '../kernel/sorted.js';

const FIELD = '\x1f';
const LOG_FORMAT = ['%H', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%B'].join('%x1f');
const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Opens the repository that contains `dir`; fails with NOT_A_REPOSITORY when
 * there is none. Git runs with `vars` (the context's environment variables).
 */
export async function openRepository(dir: string, vars?: NodeJS.ProcessEnv): Promise<GitRepository> {
  const absolute = path.resolve(dir);
  const info = await stat(absolute).catch(() => null);
  if (!info) throw new GitError('NOT_A_REPOSITORY', `${absolute}: no such directory`);
  if (!info.isDirectory()) throw new GitError('NOT_A_REPOSITORY', `${absolute}: not a directory`);
  const git = new GitRunner(absolute, vars);
  // A work tree, the usual case, in one call; a bare repository, a git directory or no repository fails it, and is
  // then told apart by the calls below (which say what is wrong).
  const [inBare, top] = (await git.text(['rev-parse', '--is-bare-repository', '--show-toplevel']).catch(() => '')).split('\n');
  if (inBare === 'false' && top !== undefined && top !== '') return new CliGitRepository(top, new GitRunner(top, vars), false);
  const notRepository = { code: 'NOT_A_REPOSITORY' as GitCode, message: `${absolute} is not a git repository` };
  const bare = (await git.text(['rev-parse', '--is-bare-repository'], notRepository)).trim();
  if (bare !== 'true' && bare !== 'false') throw new GitError('NOT_A_REPOSITORY', notRepository.message);
  const root =
    bare === 'true' ? path.resolve(absolute, (await git.text(['rev-parse', '--git-dir'])).trim()) : (await git.text(['rev-parse', '--show-toplevel'])).trim();
  return new CliGitRepository(root, new GitRunner(root, vars), bare === 'true');
}

/** Compare-and-swap attempts of a note update before giving up (each re-reads the note). */
const NOTE_UPDATE_ATTEMPTS = 50;
/** Paths per `git diff` call when counting lines of chosen files. */
const PATHSPEC_CHUNK = 2000;

class CliGitRepository implements GitRepository {
  /** The note text this handle (one command) reads whole, in all: shared by every notes read. */
  private readonly notesBudget = new NotesBudget();
  /** Notes commits listed in this command, shared by every reader of the same tip. */
  private readonly notesListings = new NotesListings();
  notesCommitter: NotesCommitter | undefined;

  constructor(
    readonly root: string,
    private readonly git: GitRunner,
    readonly bare: boolean,
  ) {}

  async head(): Promise<HeadState> {
    const sha = (await this.git.text(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim();
    const ref = (await this.git.text(['symbolic-ref', '--quiet', 'HEAD'])).trim();
    return { sha: sha === '' ? null : sha, ref: ref === '' ? null : ref };
  }

  async shallowBoundary(): Promise<string[]> {
    const shallow = (await this.git.text(['rev-parse', '--is-shallow-repository'])).trim();
    if (shallow !== 'true') return [];
    const file = (await this.git.text(['rev-parse', '--git-path', 'shallow'])).trim();
    const text = await readFile(path.resolve(this.root, file), 'utf8').catch(() => '');
    return text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^[0-9a-f]{40,64}$/.test(l))
      .sort();
  }

  async checkRange(range: string): Promise<void> {
    assertSafeRevision(range, 'range');
    await this.git.text(['rev-list', '--max-count=0', '--end-of-options', range, '--'], {
      code: 'BAD_REVISION',
      message: `unknown revision or range '${range}'`,
    });
  }

  async readNotes(ref: string, shas: readonly string[]): Promise<Map<string, NoteText>> {
    return (await this.notesAt(ref)).read(shas);
  }

  async notesAt(ref: string): Promise<NotesSnapshot> {
    assertNotesRef(ref);
    // for-each-ref, unlike rev-parse --verify, exits 0 when the ref is absent (it usually is).
    const out = await this.git.text(['for-each-ref', '--format=%(refname) %(objecttype) %(objectname)', '--', ref]);
    const tip = out
      .split('\n')
      .map((line) => line.split(' '))
      .find(([name, type, oid]) => name === ref && type === 'commit' && oid)?.[2];
    return new CliNotesSnapshot(this.git, ref, tip ?? null, this.notesBudget, this.notesListings);
  }

  async commitTimes(shas: readonly string[]): Promise<Map<string, number>> {
    const times = new Map<string, number>();
    const ids = [...new Set(shas)].filter((sha) => COMMIT_ID.test(sha));
    for (let i = 0; i < ids.length; i += PATHSPEC_CHUNK) {
      const out = await this.git.text(['log', '--no-walk=unsorted', '--ignore-missing', '--format=%H %ct', ...ids.slice(i, i + PATHSPEC_CHUNK), '--']);
      for (const line of out.split('\n')) {
        const [sha, time] = line.split(' ');
        if (sha && time) times.set(sha, Number(time));
      }
    }
    return times;
  }

  async *log(request: LogRequest): AsyncIterable<CommitRecord> {
    const args = [
      '-c',
      'log.showSignature=false',
      'log',
      '--no-color',
      '--no-notes',
      '--encoding=UTF-8',
      '-z',
      `--format=${LOG_FORMAT}`,
      ...revisionArgs(request),
    ];
    for await (const batch of this.git.recordBatches(args)) {
      for (const record of batch) yield parseRecord(decoder.decode(record));
    }
  }

  async countCommits(request: LogRequest): Promise<number> {
    const out = await this.git.text(['rev-list', '--count', ...revisionArgs(request)]);
    return Number(out.trim()) || 0;
  }

  async listRefs(patterns: readonly string[]): Promise<string[]> {
    const out = await this.git.text(['for-each-ref', '--format=%(refname)', '--', ...patterns]);
    return out
      .split('\n')
      .filter((line) => line !== '')
      .sort(compareStrings);
  }

  async refTips(patterns: readonly string[]): Promise<Map<string, string>> {
    const out = await this.git.text(['for-each-ref', '--format=%(refname)%00%(objectname)%00%(*objectname)', '--', ...patterns]);
    const tips = new Map<string, string>();
    for (const line of out.split('\n')) {
      const [ref, object, peeled] = line.split('\0');
      const sha = peeled !== undefined && peeled !== '' ? peeled : object;
      if (ref !== undefined && ref !== '' && sha !== undefined && COMMIT_ID.test(sha)) tips.set(ref, sha);
    }
    return tips;
  }

  async listCommits(range: string, options: { firstParent?: boolean } = {}): Promise<string[]> {
    await this.checkRange(range);
    const out = await this.git.text(['rev-list', ...(options.firstParent === true ? ['--first-parent'] : []), '--end-of-options', range, '--']);
    return out.split('\n').filter((l) => l.length > 0);
  }

  async firstParents(rev: string, max: number): Promise<string[]> {
    assertSafeRevision(rev);
    const out = await this.git.text(['rev-list', '--first-parent', `--max-count=${Math.max(0, Math.floor(max)) + 1}`, '--end-of-options', rev, '--']);
    return out
      .split('\n')
      .filter((l) => l.length > 0)
      .slice(1);
  }

  async reachableAmong(tips: readonly string[], shas: ReadonlySet<string>): Promise<Set<string>> {
    assertCommitIds(tips);
    const found = new Set<string>();
    if (tips.length === 0 || shas.size === 0) return found;
    const out = await this.git.collect(['rev-list', '--stdin'], `${tips.join('\n')}\n`);
    for (const sha of out.toString('latin1').split('\n')) if (shas.has(sha)) found.add(sha);
    return found;
  }

  async lastCommitBefore(rev: string, date: Date): Promise<string | undefined> {
    assertSafeRevision(rev);
    const out = await this.git.text(['rev-list', '-1', `--before=${date.toISOString()}`, '--end-of-options', rev, '--']);
    return out.trim() === '' ? undefined : out.trim();
  }

  async resolveCommit(rev: string): Promise<string> {
    assertSafeRevision(rev);
    const sha = (await this.git.text(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`])).trim();
    if (sha === '') {
      const unborn = rev === 'HEAD' && (await this.head()).sha === null;
      throw new GitError('BAD_REVISION', unborn ? `HEAD has no commits yet in ${this.root}` : `unknown revision '${rev}'`);
    }
    return sha;
  }

  async *logCommits(shas: readonly string[], options: { ignoreMissing?: boolean } = {}): AsyncIterable<CommitRecord> {
    if (shas.length === 0) return;
    for (const sha of shas) if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new GitError('BAD_REVISION', `not a full commit id: '${sha}'`);
    // git log fails on a full id whose object is not here, --ignore-missing or not: those are asked about first.
    if (options.ignoreMissing === true) shas = await this.presentCommits(shas);
    if (shas.length === 0) return;
    const args = [
      '-c',
      'log.showSignature=false',
      'log',
      '--no-walk=unsorted',
      '--stdin',
      '--no-color',
      '--no-notes',
      '--encoding=UTF-8',
      '-z',
      `--format=${LOG_FORMAT}`,
    ];
    for await (const record of this.git.records(args, { input: shas.join('\n') + '\n' })) {
      yield parseRecord(decoder.decode(record));
    }
  }

  /** The commits among `shas` whose objects are in the repository (one `cat-file --batch-check`). */
  async presentCommits(shas: readonly string[]): Promise<string[]> {
    if (shas.length === 0) return [];
    assertCommitIds(shas);
    const out = await this.git.collect(['cat-file', '--batch-check=%(objectname) %(objecttype)'], `${shas.join('\n')}\n`);
    return out
      .toString('utf8')
      .split('\n')
      .map((line) => line.split(' '))
      .filter(([, type]) => type === 'commit')
      .map(([sha]) => sha ?? '');
  }

  async changedFiles(sha: string): Promise<string[]> {
    assertSafeRevision(sha);
    const out = await this.git.text([
      'diff-tree',
      '-r',
      '-z',
      '--root',
      '-m',
      '--first-parent',
      '--no-commit-id',
      '--name-only',
      '--diff-filter=AMRCT',
      '--no-renames',
      sha,
    ]);
    return out.split('\0').filter((p) => p !== '');
  }

  async changedBetween(from: string, to: string): Promise<string[]> {
    // Every file some commit of the range touched (merges against each parent): blame can give a line to a
    // commit only in a file that commit changed, even when the file ends the range as it began.
    return this.pathsChanged(from, to, ['-m']);
  }

  async changedAlongFirstParents(from: string, to: string): Promise<string[]> {
    return this.pathsChanged(from, to, ['--first-parent', '--diff-merges=first-parent']);
  }

  /** The paths the commits of `from..to` changed, once each, as `git log --name-only` lists them with `walk`'s flags. */
  private async pathsChanged(from: string, to: string, walk: readonly string[]): Promise<string[]> {
    assertSafeRevision(from);
    assertSafeRevision(to);
    const out = await this.git.text(['log', '-z', '--name-only', '--format=', ...walk, '--no-renames', '--no-ext-diff', '--no-textconv', `${from}..${to}`]);
    return [
      ...new Set(
        out
          .split('\0')
          .map((p) => p.replace(/^\n+/, ''))
          .filter((p) => p !== ''),
      ),
    ];
  }

  async listTree(rev: string): Promise<TreeEntry[]> {
    const sha = await this.resolveCommit(rev);
    const tree = await this.git.text(['ls-tree', '-r', '-z', '--full-tree', sha]);
    const entries: TreeEntry[] = [];
    for (const entry of tree.split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab === -1) continue;
      const [mode = '', , blob = ''] = entry.slice(0, tab).split(' ');
      entries.push({ path: entry.slice(tab + 1), kind: mode === '160000' ? 'submodule' : mode === '120000' ? 'symlink' : 'file', blob });
    }
    return entries.sort((a, b) => compareStrings(a.path, b.path));
  }

  async describeFiles(rev: string, entries: readonly TreeEntry[]): Promise<TreeFile[]> {
    const sha = await this.resolveCommit(rev);
    const wanted = entries.filter((e) => e.kind === 'file').map((e) => e.path);
    const counts = new Map<string, { lines: number; binary: boolean }>();
    if (wanted.length > 0) {
      const empty = (await this.git.text(['hash-object', '-t', 'tree', '/dev/null'])).trim();
      // Literal pathspecs, a few thousand at a time (the command line has a limit): only these blobs are read.
      for (let i = 0; i < wanted.length; i += PATHSPEC_CHUNK) {
        const chunk = wanted.slice(i, i + PATHSPEC_CHUNK);
        const numstat = await this.git
          .text(['--literal-pathspecs', 'diff', '--numstat', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', empty, sha, '--', ...chunk])
          .catch(async (error: unknown) => {
            throw await this.namedMissingBlob(error, sha, chunk);
          });
        for (const entry of numstat.split('\0')) {
          const m = /^(\d+|-)\t(\d+|-)\t([\s\S]+)$/.exec(entry);
          if (m) counts.set(m[3] ?? '', { lines: m[1] === '-' ? 0 : Number(m[1]), binary: m[1] === '-' });
        }
      }
    }
    return entries.map((e) => {
      const count = counts.get(e.path) ?? { lines: 0, binary: false };
      return { ...e, lines: e.kind === 'file' ? count.lines : 0, binary: count.binary };
    });
  }

  /**
   * git names a blob it cannot read by its id alone ("unable to read 73720e2…"): the error then names the file
   * too, and what to do, as a user needs it (a partial clone, an object lost).
   */
  private async namedMissingBlob(error: unknown, sha: string, paths: readonly string[]): Promise<unknown> {
    const oid = error instanceof GitError ? /unable to read (?:sha1 file of \S+ \()?([0-9a-f]{40,64})/.exec(error.message)?.[1] : undefined;
    if (oid === undefined) return error;
    const ids = await this.blobIds(sha, paths).catch(() => new Map<string, string>());
    const file = [...ids].find(([, id]) => id === oid)?.[0];
    return new GitError(
      'GIT_FAILED',
      `${file ?? 'a file'} at ${sha.slice(0, 12)} (blob ${oid}) is missing from the repository (a partial or damaged clone): fetch it (git fetch --refetch), or leave the file out (--exclude)`,
      { cause: error },
    );
  }

  async readFile(rev: string, file: string): Promise<string | undefined> {
    return (await this.readFiles(rev, [file])).get(file);
  }

  blame(rev: string, file: string, options: { since?: string; detection: DetectionLevel }): AsyncIterable<BlameGroup> {
    assertSafeRevision(rev);
    if (options.since !== undefined) assertSafeRevision(options.since);
    return blameGroups(this.git, options.since === undefined ? rev : `${options.since}..${rev}`, file, options.detection);
  }

  blameSettings(): Promise<string> {
    return blameSettings(this.git, this.root);
  }

  async renamesBetween(from: string, to: string): Promise<Map<string, string>> {
    assertSafeRevision(from);
    assertSafeRevision(to);
    // -z: paths as they are (a name with a newline stays one name); R<score>, then the old path, then the new.
    const out = (await this.git.text(['diff', '-z', '--name-status', '-M', '--diff-filter=R', '--no-ext-diff', '--no-textconv', from, to, '--'])).split('\0');
    const renames = new Map<string, string>();
    for (let i = 0; i + 2 < out.length; i += 3) {
      const [status, oldPath, newPath] = [out[i] ?? '', out[i + 1] ?? '', out[i + 2] ?? ''];
      if (status.startsWith('R') && oldPath !== '' && newPath !== '') renames.set(oldPath, newPath);
    }
    return renames;
  }

  async lineMaps(from: string, to: string, paths: readonly string[]): Promise<Map<string, LineMap>> {
    assertSafeRevision(from);
    assertSafeRevision(to);
    const out = new Map<string, LineMap>();
    for (let i = 0; i < paths.length; i += PATHSPEC_CHUNK) {
      const chunk = paths.slice(i, i + PATHSPEC_CHUNK);
      const diff = await this.git.text([
        '-c',
        'core.quotePath=false',
        'diff',
        '-U0',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        '--no-renames',
        from,
        to,
        '--',
        ...chunk.map((p) => `:(literal)${p}`),
      ]);
      // One section per changed file; a file the diff does not name is the same at both ends.
      const sections = new Map<string, string>();
      for (const section of diff.split(/^(?=diff --git )/m)) {
        const header = section.slice(0, section.indexOf('\n'));
        for (const p of chunk) if (header === `diff --git a/${p} b/${p}`) sections.set(p, section);
      }
      for (const p of chunk) {
        const section = sections.get(p);
        // A name git quoted in the header (quotes, control characters) is diffed on its own.
        if (section === undefined && diff.includes(`/${p}`)) out.set(p, await this.lineMap(from, p, to, p));
        else out.set(p, section === undefined ? LineMap.identity() : new LineMap(parseHunks(section)));
      }
    }
    return out;
  }

  async lineMap(from: string, fromPath: string, to: string, toPath: string): Promise<LineMap> {
    assertSafeRevision(from);
    assertSafeRevision(to);
    if (from === to && fromPath === toPath) return LineMap.identity();
    const diff = await this.git.text(['diff', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', `${from}:${fromPath}`, `${to}:${toPath}`]);
    return new LineMap(parseHunks(diff));
  }

  async addNotes(ref: string, notes: ReadonlyMap<string, string>): Promise<{ written: string[]; kept: string[] }> {
    // The notes read may be newer than the tip addNotesAtOnce read: then the ref moved, and its compare-and-swap fails and counts again.
    return addNotesAtOnce(this.git, ref, notes, async () => (await this.notesAt(ref)).noted(), this.notesCommitter);
  }

  async updateNote(ref: string, sha: string, update: (current: NoteText | undefined) => string): Promise<void> {
    assertNotesRef(ref);
    // Each attempt writes on a private ref, then moves `ref` only if nobody moved it since it was read.
    // Under refs/notes/: `git notes --ref` puts any other name there itself.
    const scratch = `refs/notes/aiprov-scratch/${randomBytes(8).toString('hex')}`;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aiprov-note-'));
    try {
      for (let attempt = 0; ; attempt++) {
        const tip = (await this.git.text(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
        if (tip !== '') await this.git.text(['update-ref', scratch, tip]);
        else await this.git.text(['update-ref', '-d', scratch]);
        const current = tip === '' ? undefined : await this.noteAt(scratch, sha);
        const file = path.join(dir, 'note');
        await writeFile(file, update(current));
        await this.git.withEnv(committerEnv(this.notesCommitter)).text(['notes', `--ref=${scratch}`, 'add', '--force', '-F', file, sha]);
        const written = await this.notesCommit(scratch, tip);
        // An all-zero old value: the ref must not exist yet.
        const failure = await this.git.text(['update-ref', ref, written, tip === '' ? '0'.repeat(written.length) : tip]).then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error : new GitError('GIT_FAILED', String(error))),
        );
        if (failure === undefined) return;
        // Lost a race only if the ref moved; any other failure (permissions, a broken ref) is the error itself.
        const now = (await this.git.text(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
        if (now === tip) throw failure;
        if (attempt >= NOTE_UPDATE_ATTEMPTS)
          throw new GitError(
            'GIT_FAILED',
            `could not update ${ref} for commit ${sha.slice(0, 12)}: other writers kept moving it (${NOTE_UPDATE_ATTEMPTS + 1} attempts)`,
          );
        await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * (attempt + 1)));
      }
    } finally {
      await this.git.text(['update-ref', '-d', scratch]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The commit `git notes add` made on `scratch`, or the same tree committed with the configured message, when there is one. */
  private async notesCommit(scratch: string, tip: string): Promise<string> {
    const made = (await this.git.text(['rev-parse', '--verify', '--quiet', `${scratch}^{commit}`])).trim();
    if (this.notesCommitter?.message === undefined) return made;
    return commitNotesTree(this.git, `${made}^{tree}`, tip === '' ? [] : [tip], this.notesCommitter, this.notesCommitter.message);
  }

  /** The note on `sha` at notes ref `ref`: its text, a MissingNote when its object is missing, undefined when there is none. */
  private async noteAt(ref: string, sha: string): Promise<NoteText | undefined> {
    const listed = await this.git.text(['notes', `--ref=${ref}`, 'list', sha]).catch((error: unknown) => {
      if (error instanceof GitError && /no note found/.test(error.message)) return '';
      throw error;
    });
    const blob = listed.trim();
    if (blob === '') return undefined;
    // The note a writer appends to is read under the same cap as any other: one of 400 MB is said, never held.
    for await (const [, content] of new BlobStream(this.git, NOTE_CAP).read([blob])) {
      if (content === undefined) return { missingObject: blob };
      if (!Buffer.isBuffer(content)) return { missingObject: blob, tooLarge: content.tooLarge };
      return decoder.decode(content);
    }
    return { missingObject: blob };
  }

  async configValues(key: string): Promise<string[]> {
    const out = await this.git.text(['config', '--get-all', key]);
    return out.split('\n').filter((l) => l.length > 0);
  }

  async addConfig(key: string, value: string): Promise<void> {
    await this.git.text(['config', '--add', key, value]);
  }

  async unsetConfig(key: string, value: string): Promise<void> {
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await this.git.text(['config', '--unset-all', key, `^${escaped}$`]);
  }

  async remoteNames(): Promise<string[]> {
    return (await this.git.text(['remote'])).split('\n').filter((l) => l !== '');
  }

  async commonDir(): Promise<string> {
    return path.resolve(this.root, (await this.git.text(['rev-parse', '--git-common-dir'])).trim());
  }

  async gitPath(name: string): Promise<string> {
    return path.resolve(this.root, (await this.git.text(['rev-parse', '--git-path', name])).trim());
  }

  async workTreeFiles(): Promise<string[]> {
    if (this.bare) return [];
    const out = await this.git.text(['-c', 'core.quotePath=false', 'ls-files', '-z', '--cached', '--others', '--exclude-standard']);
    return [...new Set(out.split('\0').filter((f) => f.length > 0))];
  }

  commitSigners(shas: readonly string[], trust: SignerTrust): Promise<Map<string, CommitSigner>> {
    assertCommitIds(shas);
    return commitSigners(this.git, shas, trust);
  }

  async patchIds(shas: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    assertCommitIds(shas);
    if (shas.length === 0) return out;
    // One diff of all of them, then one patch-id over it: patch-id reads the `commit <sha>` lines log prints.
    const patches = await this.git.collect(
      ['log', '-p', '--no-walk=unsorted', '--stdin', '--no-color', '--no-ext-diff', '--no-textconv', '--format=commit %H'],
      `${shas.join('\n')}\n`,
    );
    const ids = await this.git.collect(['patch-id', '--stable'], patches);
    for (const line of ids.toString('utf8').split('\n')) {
      const [id, sha] = line.split(' ');
      if (id !== undefined && sha !== undefined && COMMIT_ID.test(sha)) out.set(sha, id);
    }
    return out;
  }

  async addedLines(shas: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const [sha, patch] of await this.patchesOf(shas, [])) {
      out.set(
        sha,
        patch
          .split('\n')
          .filter((l) => l.startsWith('+') && !l.startsWith('+++ '))
          .map((l) => l.slice(1)),
      );
    }
    return out;
  }

  async addedLineNumbers(shas: readonly string[]): Promise<Map<string, Map<string, number[]>>> {
    const out = new Map<string, Map<string, number[]>>();
    for (const [sha, part] of await this.patchesOf(shas, ['-c', 'core.quotePath=false'], ['--no-renames'])) {
      const files = new Map<string, number[]>();
      let current: number[] | undefined;
      for (const line of part.split('\n')) {
        if (line.startsWith('diff --git ')) current = undefined;
        else if (line.startsWith('+++ ')) {
          // A name git still quotes (quotes, control characters) is left out: its lines are mapped by a diff instead.
          const name = line.slice(4);
          current = name.startsWith('b/') ? [] : undefined;
          if (current) files.set(name.slice(2), current);
        } else if (current && line.startsWith('@@ ')) {
          const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
          const start = Number(m?.[1]);
          const count = m?.[2] === undefined ? 1 : Number(m[2]);
          for (let l = start; l < start + count; l++) current.push(l);
        }
      }
      out.set(sha, files);
    }
    return out;
  }

  /** Each commit's patch against its first parent with no context (`git log -p -U0`, one process for all), by commit. */
  private async patchesOf(shas: readonly string[], config: string[], options: string[] = []): Promise<Map<string, string>> {
    assertCommitIds(shas);
    const out = new Map<string, string>();
    if (shas.length === 0) return out;
    const patches = await this.git.collect(
      // A merge against its first parent, as the roles say (git log -p shows no diff for a merge otherwise).
      [
        ...config,
        'log',
        '-p',
        '-U0',
        '--diff-merges=first-parent',
        '--no-walk=unsorted',
        '--stdin',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        ...options,
        '--format=%x00commit %H',
      ],
      `${shas.join('\n')}\n`,
    );
    for (const part of patches.toString('utf8').split('\0commit ')) {
      const sha = part.slice(0, part.indexOf('\n'));
      if (COMMIT_ID.test(sha)) out.set(sha, part);
    }
    return out;
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    assertSafeRevision(a);
    assertSafeRevision(b);
    const out = await this.git.text(['merge-base', '--end-of-options', a, b]).catch(() => '');
    const sha = out.trim();
    return COMMIT_ID.test(sha) ? sha : undefined;
  }

  async readFiles(rev: string, paths: readonly string[]): Promise<Map<string, string>> {
    assertSafeRevision(rev);
    // By object id, from a NUL-separated listing: `cat-file --batch` reads one name a line, and a file name may hold a
    // newline ("src/x\n…" read as "rev:src/x" would seem deleted, and its lines never judged).
    const oids = await this.blobIds(rev, paths);
    const blobs = await readBlobs(this.git, [...new Set(oids.values())]);
    const out = new Map<string, string>();
    for (const p of paths) {
      const oid = oids.get(p);
      const content = oid === undefined ? undefined : blobs.get(oid);
      if (content !== undefined) out.set(p, decoder.decode(content));
    }
    return out;
  }

  /** path → blob id at `rev` for the paths that are blobs there (symbolic links, submodules and absent paths left out). */
  private async blobIds(rev: string, paths: readonly string[]): Promise<Map<string, string>> {
    const wanted = new Set(paths);
    const oids = new Map<string, string>();
    for (let i = 0; i < paths.length; i += PATHSPEC_CHUNK) {
      const listing = await this.git.text(['--literal-pathspecs', 'ls-tree', '-r', '-z', '--end-of-options', rev, '--', ...paths.slice(i, i + PATHSPEC_CHUNK)]);
      for (const entry of listing.split('\0')) {
        const m = /^(\d+) blob ([0-9a-f]+)\t([\s\S]+)$/.exec(entry);
        if (m?.[1] && m[2] && m[3] && m[1] !== '120000' && wanted.has(m[3])) oids.set(m[3], m[2]);
      }
    }
    return oids;
  }

  async *fileHistory(file: string): AsyncIterable<{ sha: string; added: string[] }> {
    const args = ['log', '--reverse', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '-U0', '--format=%x00%H', '-p', '--', file];
    for await (const record of this.git.records(args)) {
      const text = decoder.decode(record);
      const sha = text.slice(0, text.indexOf('\n'));
      if (!/^[0-9a-f]{40,64}$/.test(sha)) continue;
      const added = text
        .split('\n')
        .filter((l) => l.startsWith('+') && !l.startsWith('+++'))
        .map((l) => l.slice(1));
      yield { sha, added };
    }
  }

  async addTrailer(messageFile: string, trailer: string): Promise<void> {
    await this.git.text(['interpret-trailers', '--in-place', '--if-exists', 'addIfDifferent', '--trailer', trailer, '--', messageFile]);
  }
}

function revisionArgs(request: LogRequest): string[] {
  if (request.all) return [...['refs/notes/*', ...(request.exclude ?? [])].map((glob) => `--exclude=${glob}`), '--all', '--'];
  const revisions = request.revisions.length > 0 ? request.revisions : ['HEAD'];
  for (const revision of revisions) assertSafeRevision(revision);
  return ['--end-of-options', ...revisions, '--'];
}

function parseRecord(text: string): CommitRecord {
  const fields: string[] = [];
  let at = 0;
  for (let i = 0; i < 8; i++) {
    const next = text.indexOf(FIELD, at);
    if (next === -1) throw new GitError('GIT_FAILED', `could not parse git log output near ${JSON.stringify(text.slice(0, 60))}`);
    fields.push(text.slice(at, next));
    at = next + 1;
  }
  const [sha = '', parents = '', an = '', ae = '', aI = '', cn = '', ce = '', cI = ''] = fields;
  if (!COMMIT_ID.test(sha)) throw new GitError('GIT_FAILED', `could not parse git log output: bad commit id ${JSON.stringify(sha.slice(0, 80))}`);
  return {
    sha,
    parents: parents === '' ? [] : parents.split(' '),
    author: { name: an, email: ae },
    committer: { name: cn, email: ce },
    authoredAt: aI,
    committedAt: cI,
    message: text.slice(at),
  };
}
