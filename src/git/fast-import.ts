import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitError } from '../errors.js';
import { gitEnv } from './stream.js';
import type { Identity } from './types.js';

const run = promisify(execFile);

export interface Signature extends Identity {
  /** Seconds since the epoch. */
  time: number;
  /** `+0000` form; defaults to UTC. */
  offset?: string;
}

export interface ImportCommit {
  /** Branch the commit is on; defaults to `refs/heads/main`. */
  ref?: string;
  author: Signature;
  /** Defaults to the author. */
  committer?: Signature;
  /** Raw bytes are written as they are: that is how a non-UTF-8 message is made. */
  message: string | Buffer;
  /** Value of the commit's `encoding` header, for messages in a legacy encoding. */
  encoding?: string;
  /** Indexes of earlier commits in the same list; defaults to the previous commit on the same ref. */
  parents?: number[];
  /** Parents already in the repository, by commit id (to continue an existing history). */
  parentShas?: string[];
  /** Path → new content, or null to delete. */
  files?: Record<string, string | Buffer | null>;
  /** Notes ref (`refs/notes/aiprov`) → note text to attach to this commit. */
  notes?: Record<string, string>;
}

/**
 * Writes a history with `git fast-import`: deterministic (same input, same
 * commit ids), and fast enough to build the 100,000-commit benchmark
 * repository in seconds. Returns the commit ids in input order.
 */
export async function importHistory(dir: string, commits: Iterable<ImportCommit>): Promise<string[]> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'aiprov-import-'));
  const marksFile = path.join(work, 'marks');
  const args = ['fast-import', '--quiet', '--done', '--date-format=raw', `--export-marks=${marksFile}`];
  const child = spawn('git', args, { cwd: dir, stdio: ['pipe', 'ignore', 'pipe'], env: gitEnv() });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (t: string) => { if (stderr.length < 65_536) stderr += t; });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => { resolve(c ?? 1); });
  });
  const write = async (chunk: string | Buffer): Promise<void> => {
    if (!child.stdin.write(chunk)) await new Promise<void>((resolve) => child.stdin.once('drain', resolve));
  };
  const notes = new Map<string, { mark: number; text: string }[]>();
  const lastOnRef = new Map<string, number>();
  let count = 0;
  try {
    for (const commit of commits) {
      const mark = ++count;
      const ref = commit.ref ?? 'refs/heads/main';
      const parts: (string | Buffer)[] = [`commit ${ref}\nmark :${mark}\n`];
      parts.push(`author ${sig(commit.author)}\ncommitter ${sig(commit.committer ?? commit.author)}\n`);
      if (commit.encoding) parts.push(`encoding ${commit.encoding}\n`);
      parts.push(...data(commit.message));
      const parents = [
        ...(commit.parents?.map((i) => `:${i + 1}`) ?? (lastOnRef.has(ref) ? [`:${lastOnRef.get(ref) ?? 0}`] : [])),
        ...(commit.parentShas ?? []),
      ];
      parents.forEach((p, i) => parts.push(`${i === 0 ? 'from' : 'merge'} ${p}\n`));
      for (const [file, content] of Object.entries(commit.files ?? {})) {
        if (content === null) parts.push(`D ${quote(file)}\n`);
        else parts.push(`M 100644 inline ${quote(file)}\n`, ...data(content));
      }
      parts.push('\n');
      await write(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
      lastOnRef.set(ref, mark);
      for (const [notesRef, text] of Object.entries(commit.notes ?? {})) {
        const list = notes.get(notesRef) ?? [];
        list.push({ mark, text });
        notes.set(notesRef, list);
      }
    }
    const when = '1700000000 +0000';
    for (const [notesRef, list] of notes) {
      // An existing notes ref is continued, not replaced.
      const tip = await run('git', ['rev-parse', '--verify', '--quiet', `${notesRef}^{commit}`], { cwd: dir, env: gitEnv() }).then((r) => r.stdout.trim(), () => '');
      let block = `commit ${notesRef}\ncommitter aiprov <aiprov@localhost> ${when}\ndata 0\n${tip ? `from ${tip}\n` : ''}`;
      for (const { mark, text } of list) block += `N inline :${mark}\n${data(text).map(String).join('')}`;
      await write(block + '\n');
    }
    child.stdin.end('done\n');
    const code = await exited;
    if (code !== 0) throw new GitError('GIT_FAILED', `git fast-import failed in ${dir}: ${stderr.trim().split('\n')[0] ?? code}`);
    const marks = await readFile(marksFile, 'utf8');
    const shas: string[] = new Array<string>(count);
    for (const line of marks.split('\n')) {
      const m = /^:(\d+) ([0-9a-f]+)$/.exec(line);
      if (m) shas[Number(m[1]) - 1] = m[2] ?? '';
    }
    return shas;
  } finally {
    if (child.exitCode === null) child.kill();
    await rm(work, { recursive: true, force: true });
  }
}

function sig(s: Signature): string {
  return `${s.name} <${s.email}> ${s.time} ${s.offset ?? '+0000'}`;
}

function data(content: string | Buffer): (string | Buffer)[] {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return [`data ${bytes.length}\n`, bytes, '\n'];
}

function quote(file: string): string {
  return /[\s"\\]/.test(file) ? JSON.stringify(file) : file;
}
