import { readRegularFile } from '../kernel/files.js';
import path from 'node:path';
import type { GitRunner } from './runner.js';

const BOUNDARY = Buffer.from('boundary');
const FILENAME = Buffer.from('filename ');

/** A run of consecutive lines that `git blame` gives to one commit. */
export interface BlameGroup {
  sha: string;
  /** Path of the file in that commit (differs from the blamed path after a rename, move or copy). */
  origPath: string;
  /** First line of the run in that commit's version of the file (1-based). */
  origLine: number;
  /** First line of the run in the blamed version. */
  finalLine: number;
  lines: number;
  /** The commit lies at or beyond the range's boundary (`--since`): its lines are not counted. */
  boundary: boolean;
}

/** How hard blame looks for moved and copied lines, as the flags git takes. */
export const DETECTION_FLAGS = {
  off: [],
  moves: ['-M'],
  copies: ['-M', '-C'],
  deep: ['-M', '-C', '-C', '-C'],
  // aider's own script: `git blame -M100 -C100 -C -C`.
  aider: ['-M100', '-C100', '-C', '-C'],
} as const satisfies Record<string, readonly string[]>;

export type DetectionLevel = keyof typeof DETECTION_FLAGS;

export function isDetectionLevel(value: string): value is DetectionLevel {
  return Object.hasOwn(DETECTION_FLAGS, value);
}

/**
 * Streams `git blame --incremental`: groups rather than one record per line,
 * and commit headers only once, so output stays small for large files.
 * `revision` must already be a resolved commit id (or `A..B` of two).
 */
export async function* blameGroups(git: GitRunner, revision: string, file: string, detection: DetectionLevel): AsyncGenerator<BlameGroup> {
  // aiprov counts a root commit's lines as that commit's (--root); aider's measure does not pass --root, so
  // with `aider` a root commit is a boundary like the range's start, and its lines count for nobody.
  const root = detection === 'aider' ? [] : ['--root'];
  const args = ['-c', 'core.quotePath=false', 'blame', '--incremental', ...root, ...DETECTION_FLAGS[detection], revision, '--', file];
  const boundaries = new Set<string>();
  let current: Omit<BlameGroup, 'origPath' | 'boundary'> | undefined;
  for await (const batch of git.recordBatches(args, { separator: 10 })) {
    for (const raw of batch) {
      if (current === undefined) {
        const m = /^([0-9a-f]{40,64}) (\d+) (\d+) (\d+)$/.exec(raw.toString('latin1'));
        if (m) current = { sha: m[1] ?? '', origLine: Number(m[2]), finalLine: Number(m[3]), lines: Number(m[4]) };
        continue;
      }
      // Header lines (author, summary, …) are most of the output and never needed: look at their first bytes only.
      if (raw.length === 8 && raw.equals(BOUNDARY)) {
        boundaries.add(current.sha);
      } else if (raw.subarray(0, 9).equals(FILENAME)) {
        yield { ...current, origPath: unquote(raw.subarray(9).toString('utf8')), boundary: boundaries.has(current.sha) };
        current = undefined;
      }
    }
  }
}

/** Undoes git's C-style quoting of unusual paths (`"a\\tb"`). */
export function unquote(path: string): string {
  if (!path.startsWith('"') || !path.endsWith('"')) return path;
  const bytes: number[] = [];
  const body = path.slice(1, -1);
  const simple: Record<string, number> = { 'a': 7, 'b': 8, 't': 9, 'n': 10, 'v': 11, 'f': 12, 'r': 13, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i);
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body.charAt(i + 1);
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * What shapes `git blame`'s answer besides the revision, the path and the flags (see TreeReader.blameSettings):
 * git's version; the configuration blame's diffs read (`diff.*`: the algorithm, heuristics and textconv drivers;
 * `blame.*`: ignored revisions, with the file's content; `core.attributesFile`, with its content when the path is
 * absolute; `core.bigFileThreshold`), and nothing else, so that a
 * credential CI writes into the configuration on every run changes nothing; the repository's own attributes,
 * grafts and shallow boundary; and the replace refs, which change history under the same commit ids.
 */
export async function blameSettings(git: GitRunner, root: string): Promise<string> {
  const [version, config, paths, replaced] = await Promise.all([
    git.text(['version']),
    git.text(['config', '--list', '-z']).then(blameConfig, () => ''),
    git.text(['rev-parse', '--git-path', 'info/attributes', '--git-path', 'info/grafts', '--git-path', 'shallow']),
    git.text(['for-each-ref', '--format=%(refname) %(objectname)', '--', 'refs/replace/']),
  ]);
  // The files the configuration names count by their content: the ignored revisions (relative to the work tree,
  // as git reads them) and an attributes file given by an absolute path.
  const named = config.split('\0').flatMap((entry) => {
    const [key = '', value = ''] = entry.split('\n', 2);
    if (key === 'blame.ignorerevsfile') return [value];
    return key === 'core.attributesfile' && path.isAbsolute(value) ? [value] : [];
  });
  const files = await Promise.all(
    [...paths.split('\n').filter((p) => p !== ''), ...named].map(async (p) => {
      // Read as the kernel reads any named file: a FIFO or a device is refused, not waited on, and what it is counts.
      const read = await readRegularFile(path.resolve(root, p), SETTINGS_FILE_CAP);
      return `${p}\0${read.ok ? read.bytes.toString('utf8') : read.problem}`;
    }),
  );
  return ['version', version, 'config', config, 'files', ...files, 'replace', replaced].join('\0');
}

/** Larger than any ignored-revisions or attributes file; past it the file counts by what is wrong with it. */
const SETTINGS_FILE_CAP = 16 * 1024 * 1024;

const BLAME_CONFIG = /^(?:diff\.|blame\.|core\.attributesfile\n|core\.bigfilethreshold\n)/;

/** The entries of `git config --list -z` (key, newline, value) that change what blame answers, in git's order. */
function blameConfig(list: string): string {
  return list
    .split('\0')
    .filter((entry) => BLAME_CONFIG.test(entry.includes('\n') ? entry : `${entry}\n`))
    .join('\0');
}
