import path from 'node:path';
import type { FoundDependency } from '../types.js';
import { commandDependencies, isCommandFile } from './commands.js';
import { fromCargoToml, fromGoMod } from './go-cargo.js';
import { fromPackageJson, fromPackageLock, fromPnpmLock, fromYarnLock } from './npm.js';
import { fromPipfile, fromPyproject, fromRequirements, parseTomlFile, tomlTable } from './python.js';
import { canonicalName } from '../names.js';

type Extractor = (file: string, text: string, read: (file: string) => string | undefined) => FoundDependency[];

/** Manifest and lockfile readers, by file name. */
const MANIFESTS: [RegExp, Extractor][] = [
  [/(?:^|\/)package\.json$/, (f, t) => fromPackageJson(f, t)],
  [/(?:^|\/)(?:package-lock|npm-shrinkwrap)\.json$/, (f, t) => fromPackageLock(f, t)],
  [/(?:^|\/)pnpm-lock\.yaml$/, (f, t) => fromPnpmLock(f, t)],
  [/(?:^|\/)yarn\.lock$/, (f, t) => fromYarnLock(f, t)],
  [/(?:^|\/)requirements[^/]*\.(?:txt|in)$|(?:^|\/)requirements\/[^/]+\.(?:txt|in)$/, (f, t, read) => fromRequirements(f, t, read)],
  [/(?:^|\/)pyproject\.toml$/, (f, t) => fromPyproject(f, t)],
  [/(?:^|\/)Pipfile$/, (f, t) => fromPipfile(f, t)],
  [/(?:^|\/)go\.mod$/, (f, t) => fromGoMod(f, t)],
  [/(?:^|\/)Cargo\.toml$/, (f, t) => fromCargoToml(f, t)],
];

/** Directories whose contents are other people's code, not this repository's choices. */
const SKIP = /(?:^|\/)(?:node_modules|vendor|third_party|\.venv|venv|site-packages|dist|build|target)\//;
const MAX_TEXT = 2 * 1024 * 1024;

/**
 * Every dependency name in the given files. `readTexts` supplies their
 * contents (from the work tree, or from a commit for a bare repository).
 */
export async function collectDependencies(files: readonly string[], readTexts: (files: string[]) => Promise<Map<string, string>>): Promise<FoundDependency[]> {
  // Requirements files may `-r` include any text file, so those are read too.
  const wanted = files.filter((f) => !SKIP.test(f) && (MANIFESTS.some(([re]) => re.test(f)) || isCommandFile(f) || /\.(?:txt|in)$/.test(f)));
  const texts = new Map([...(await readTexts(wanted))].filter(([, text]) => text.length <= MAX_TEXT && !text.includes('\0')));
  const read = (file: string): string | undefined => texts.get(path.posix.normalize(file));
  const found: FoundDependency[] = [];
  for (const file of [...texts.keys()].filter((f) => MANIFESTS.some(([re]) => re.test(f)) || isCommandFile(f)).sort()) {
    const text = texts.get(file) ?? '';
    const manifest = MANIFESTS.find(([re]) => re.test(file));
    if (manifest) found.push(...manifest[1](file, text, read));
    if (isCommandFile(file) && !/(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.yaml|yarn\.lock)$/.test(file) && !/requirements[^/]*\.(?:txt|in)$/.test(file)) {
      found.push(...commandDependencies(file, text));
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
  return markOwn(unique, texts);
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
