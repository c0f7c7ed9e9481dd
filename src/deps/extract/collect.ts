import path from 'node:path';
import type { FoundDependency } from '../types.js';
import { commandDependencies, isCommandFile } from './commands.js';
import { fromCargoToml, fromGoMod } from './go-cargo.js';
import { fromPackageJson, fromPackageLock, fromPnpmLock, fromYarnLock } from './npm.js';
import { fromPipfile, fromPyproject, fromRequirements, parseTomlFile, tomlTable } from './python.js';
import { canonicalName } from '../names.js';
import { isAiprovError } from '../../kernel/errors.js';

/** `problem` reports what could not be read without giving up the rest of the file (a bad `-r` include). */
type Extractor = (file: string, text: string, read: (file: string) => string | undefined, problem: (message: string) => void) => FoundDependency[];

/** Manifest and lockfile readers, by file name. */
const MANIFESTS: [RegExp, Extractor][] = [
  [/(?:^|\/)package\.json$/, (f, t) => fromPackageJson(f, t)],
  [/(?:^|\/)(?:package-lock|npm-shrinkwrap)\.json$/, (f, t) => fromPackageLock(f, t)],
  [/(?:^|\/)pnpm-lock\.yaml$/, (f, t) => fromPnpmLock(f, t)],
  [/(?:^|\/)yarn\.lock$/, (f, t) => fromYarnLock(f, t)],
  [
    /(?:^|\/)requirements[^/]*\.(?:txt|in)$|(?:^|\/)requirements\/[^/]+\.(?:txt|in)$/,
    (f, t, read, problem) => fromRequirements(f, t, read, new Set(), problem),
  ],
  [/(?:^|\/)pyproject\.toml$/, (f, t) => fromPyproject(f, t)],
  [/(?:^|\/)Pipfile$/, (f, t) => fromPipfile(f, t)],
  [/(?:^|\/)go\.mod$/, (f, t) => fromGoMod(f, t)],
  [/(?:^|\/)Cargo\.toml$/, (f, t) => fromCargoToml(f, t)],
];

/** Directories whose contents are other people's code, not this repository's choices. */
const SKIP = /(?:^|\/)(?:node_modules|vendor|third_party|\.venv|venv|site-packages|dist|build|target)\//;
const LOCKFILE = /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.yaml|yarn\.lock|Cargo\.lock|poetry\.lock|uv\.lock|Pipfile\.lock)$/;
/** The largest file read: lockfiles of big monorepos run to tens of megabytes; nothing else a person writes comes near 16. */
export const LOCKFILE_CAP = 64 * 1024 * 1024;
export const TEXT_CAP = 16 * 1024 * 1024;

export function capFor(file: string): number {
  return LOCKFILE.test(file) ? LOCKFILE_CAP : TEXT_CAP;
}

/** A file that was not read, or not read whole, and why: its names went unchecked. */
export interface UnreadFile {
  file: string;
  reason: string;
}

/** What reading a file gave: its text, or why there is none. */
export type ReadResult = string | { unread: string };

export interface Collected {
  found: FoundDependency[];
  /** Manifests, lockfiles and texts with install commands that could not be read whole: the audit cannot decide on them. */
  unread: UnreadFile[];
}

const isManifest = (file: string): boolean => MANIFESTS.some(([re]) => re.test(file));

/** Files named by `-r`/`--requirement`/`-c` in the requirements texts of `files`, that are includable and not read yet. */
function includesOf(files: readonly string[], results: Map<string, ReadResult>, includable: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const file of files) {
    const result = results.get(file);
    if (typeof result !== 'string' || !/\.(?:txt|in)$/.test(file)) continue;
    for (const m of result.matchAll(/^\s*(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)/gm)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1] ?? ''));
      if (includable.has(target) && !results.has(target)) out.add(target);
    }
  }
  return [...out];
}

/**
 * Every dependency name in the given files. `readTexts` supplies their
 * contents (from the work tree, or from a commit for a bare repository). A
 * manifest, lockfile or text with commands that cannot be read whole (too
 * large, not text, not valid in its format) is never skipped in silence: it
 * is listed in `unread`, and the audit's answer is "could not decide".
 */
export async function collectDependencies(
  files: readonly string[],
  readTexts: (files: string[]) => Promise<Map<string, ReadResult>>,
  /** Files a requirements `-r` may include beyond `files` (a change's audit reads only the changed files, whose includes may not have changed). */
  includable: ReadonlySet<string> = new Set(),
): Promise<Collected> {
  // Requirements files may `-r` include any text file, so those are read too.
  const wanted = files.filter((f) => !SKIP.test(f) && (isManifest(f) || isCommandFile(f) || /\.(?:txt|in)$/.test(f)));
  const texts = new Map<string, string>();
  const unread: UnreadFile[] = [];
  const results = await readTexts(wanted);
  // The includes of what was read, read in their turn, until none is missing; each round looks only at what it just read.
  let fresh = includable.size > 0 ? [...results.keys()] : [];
  for (let depth = 0; fresh.length > 0 && depth < 16; depth++) {
    const missing = includesOf(fresh, results, includable);
    if (missing.length === 0) break;
    for (const [file, result] of await readTexts(missing)) results.set(file, result);
    for (const file of missing) if (!results.has(file)) results.set(file, { unread: 'could not be read' });
    fresh = missing;
  }
  for (const [file, result] of results) {
    let reason = typeof result === 'string' ? undefined : result.unread;
    // A manifest or lockfile with bytes that are not text (NUL, invalid UTF-8) cannot be parsed whole; prose can still be read around them.
    if (typeof result === 'string' && isManifest(file) && /[\0\uFFFD]/.test(result)) reason = 'holds bytes that are not text (NUL or invalid UTF-8)';
    if (typeof result === 'string' && result.length > capFor(file)) reason = `is larger than the ${capFor(file) / 1024 / 1024} MiB read for such a file`;
    if (reason === undefined && typeof result === 'string') texts.set(file, result);
    else if (reason !== undefined && (isManifest(file) || isCommandFile(file))) unread.push({ file, reason });
  }
  const read = (file: string): string | undefined => texts.get(path.posix.normalize(file));
  const found: FoundDependency[] = [];
  for (const file of [...texts.keys()].filter((f) => isManifest(f) || isCommandFile(f)).sort()) {
    const text = texts.get(file) ?? '';
    const manifest = MANIFESTS.find(([re]) => re.test(file));
    try {
      const names: FoundDependency[] = [];
      // A bad include is named and makes the answer "could not decide"; the including file's other names are still checked.
      if (manifest)
        names.push(
          ...manifest[1](file, text, read, (message) => {
            unread.push({ file, reason: message.startsWith(`${file} `) ? message.slice(file.length + 1) : message });
          }),
        );
      if (isCommandFile(file) && !LOCKFILE.test(file) && !/requirements[^/]*\.(?:txt|in)$/.test(file)) names.push(...commandDependencies(file, text));
      found.push(...names);
    } catch (error) {
      // One bad file does not stop the audit of the others; it makes the answer "could not decide".
      if (!isAiprovError(error)) throw error;
      const prefix = `${file} `;
      unread.push({ file, reason: error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message });
    }
  }
  // A requirements file read on its own and again through another's `-r` gives the same names twice.
  const seen = new Set<string>();
  const unique = found.filter((d) => {
    const key = `${d.ecosystem}\u0000${d.name}\u0000${d.source.file}\u0000${d.source.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { found: markOwn(unique, texts), unread: unread.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)) };
}

/**
 * The repository's own packages (package.json `name`, pyproject `project.name`,
 * Cargo `package.name`, go.mod `module`): a README saying `npx <itself>` is not
 * a hallucination, even before the first release.
 */
function markOwn(found: FoundDependency[], texts: Map<string, string>): FoundDependency[] {
  const own = new Set<string>();
  for (const [file, text] of texts) {
    try {
      if (/(?:^|\/)package\.json$/.test(file)) {
        const name = (JSON.parse(text) as { name?: unknown }).name;
        if (typeof name === 'string') own.add(`npm:${name}`);
      } else if (/(?:^|\/)pyproject\.toml$/.test(file)) {
        const name = tomlTable(parseTomlFile(file, text).project).name;
        if (typeof name === 'string') own.add(`pypi:${canonicalName('pypi', name)}`);
      } else if (/(?:^|\/)Cargo\.toml$/.test(file)) {
        const name = tomlTable(parseTomlFile(file, text).package).name;
        if (typeof name === 'string') own.add(`cargo:${canonicalName('cargo', name)}`);
      } else if (/(?:^|\/)go\.mod$/.test(file)) {
        const module = /^module\s+(\S+)/m.exec(text)?.[1];
        if (module) own.add(`go:${module}`);
      }
    } catch {
      // An unreadable manifest is reported by its extractor; it names no own package here.
    }
  }
  return found.map((d) => (!d.local && own.has(`${d.ecosystem}:${canonicalName(d.ecosystem, d.name)}`) ? { ...d, local: `this repository's own package` } : d));
}
