import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { FoundDependency } from '../types.js';
import { lineOf, splitPep508 } from '../names.js';
import { ManifestError } from '../../kernel/errors.js';

const LOCAL = /^(?:git\+|hg\+|svn\+|bzr\+|https?:|file:|\.{0,2}\/|[A-Za-z]:\\)/;

/**
 * requirements*.txt: one requirement a line, with `-r`/`--requirement`
 * includes (read through `include`), extras, environment markers and line
 * continuations. URLs, paths and editables are kept as local and not looked up.
 */
/**
 * A requirements file and the files it includes (`-r`). An include that is
 * not a readable file of the repository (missing, a link, outside it) goes to
 * `onBadInclude` when given, and the rest of the file is still read; without
 * it, it is a ManifestError.
 */
export function fromRequirements(
  file: string,
  text: string,
  include: (file: string) => string | undefined,
  seen = new Set<string>(),
  onBadInclude?: (problem: string) => void,
): FoundDependency[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const found: FoundDependency[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i] ?? '';
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + (lines[++i] ?? '');
    line = line.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    const option = /^(-r|--requirement|-c|--constraint|-e|--editable)(?:\s+|=)(.+)$/.exec(line);
    if (option) {
      const [, flag, value = ''] = option;
      if (flag === '-r' || flag === '--requirement') {
        const target = path.posix.join(path.posix.dirname(file), value.trim());
        const included = include(target);
        if (included === undefined) {
          const problem = `line ${lineNo}: includes ${value.trim()}, which is not a file of the repository that could be read`;
          if (!onBadInclude) throw new ManifestError(file, problem);
          onBadInclude(`${file} ${problem}`);
          continue;
        }
        found.push(...fromRequirements(target, included, include, seen, onBadInclude));
      } else if (flag === '-e' || flag === '--editable') {
        found.push({ ecosystem: 'pypi', name: value.trim(), spec: '', source: { file, line: lineNo, kind: 'manifest' }, local: value.trim() });
      }
      continue;
    }
    if (line.startsWith('-')) continue; // --index-url, --hash, -f and other options
    const direct = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*@\s*(\S+)/.exec(line);
    if (direct) {
      found.push({ ecosystem: 'pypi', name: direct[1] ?? '', spec: '', source: { file, line: lineNo, kind: 'manifest' }, local: direct[2] ?? '' });
      continue;
    }
    if (LOCAL.test(line) || line.endsWith('.whl') || line.endsWith('.tar.gz')) {
      found.push({ ecosystem: 'pypi', name: line, spec: '', source: { file, line: lineNo, kind: 'manifest' }, local: line });
      continue;
    }
    const req = splitPep508(line);
    if (req)
      found.push({
        ecosystem: 'pypi',
        name: req.name,
        spec: req.spec,
        source: { file, line: lineNo, kind: 'manifest' },
        ...(req.extras.length > 0 ? { extras: req.extras } : {}),
      });
  }
  return found;
}

function toml(file: string, text: string): Record<string, unknown> {
  try {
    return parseToml(text);
  } catch (error) {
    throw new ManifestError(file, `is not valid TOML (${(error as Error).message.split('\n')[0] ?? ''})`);
  }
}

const table = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** pyproject.toml: PEP 621 `project.dependencies` and extras, PEP 735 groups, Poetry's tables. */
export function fromPyproject(file: string, text: string): FoundDependency[] {
  const doc = toml(file, text);
  const found: FoundDependency[] = [];
  const pep508 = (entries: unknown): void => {
    if (!Array.isArray(entries)) return;
    for (const entry of entries) {
      if (typeof entry !== 'string') continue;
      const req = splitPep508(entry);
      if (!req) continue;
      const local = /@\s*\S+/.test(entry.split(';')[0] ?? '') ? entry : undefined;
      found.push({
        ecosystem: 'pypi',
        name: req.name,
        spec: req.spec,
        source: { file, line: lineOf(text, entry), kind: 'manifest' },
        ...(local ? { local } : {}),
        ...(req.extras.length > 0 ? { extras: req.extras } : {}),
      });
    }
  };
  const project = table(doc.project);
  pep508(project.dependencies);
  for (const extra of Object.values(table(project['optional-dependencies']))) pep508(extra);
  for (const group of Object.values(table(doc['dependency-groups']))) pep508(group);
  const poetry = table(table(doc.tool).poetry);
  const poetryTables = [poetry.dependencies, poetry['dev-dependencies'], ...Object.values(table(poetry.group)).map((g) => table(g).dependencies)];
  for (const deps of poetryTables) fromKeyTable(file, text, table(deps), 'pypi', found, ['python']);
  return found;
}

/** Pipfile: `[packages]` and `[dev-packages]`. */
export function fromPipfile(file: string, text: string): FoundDependency[] {
  const doc = toml(file, text);
  const found: FoundDependency[] = [];
  fromKeyTable(file, text, table(doc.packages), 'pypi', found, []);
  fromKeyTable(file, text, table(doc['dev-packages']), 'pypi', found, []);
  return found;
}

/** A TOML table of `name = "spec"` or `name = { version, git, path, package }` (Poetry, Pipfile, Cargo). */
export function fromKeyTable(
  file: string,
  text: string,
  deps: Record<string, unknown>,
  ecosystem: 'pypi' | 'cargo',
  found: FoundDependency[],
  skip: string[],
): void {
  for (const [key, value] of Object.entries(deps)) {
    if (skip.includes(key)) continue;
    const detail = table(value);
    const spec = typeof value === 'string' ? value : typeof detail.version === 'string' ? detail.version : '';
    const name = typeof detail.package === 'string' ? detail.package : key;
    const localValue = ['git', 'path', 'url', 'file'].map((k) => detail[k]).find((v): v is string => typeof v === 'string');
    const line = lineOf(text, `\n${key}`) + 1;
    found.push({ ecosystem, name, spec: spec === '*' ? '' : spec, source: { file, line, kind: 'manifest' }, ...(localValue ? { local: localValue } : {}) });
  }
}

export { toml as parseTomlFile, table as tomlTable };
