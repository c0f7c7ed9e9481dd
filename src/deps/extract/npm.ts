import { parse as parseYaml } from 'yaml';
import type { FoundDependency } from '../types.js';
import { lineOf, splitNpmSpec } from '../names.js';
import { ManifestError } from '../../kernel/errors.js';

const DEP_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

/** `npm:real@1`, git, file, link, workspace, tarball URL and `user/repo` specs. */
function classify(name: string, spec: string): { name: string; spec: string; local?: string } {
  if (spec.startsWith('npm:')) return splitNpmSpec(spec.slice(4));
  if (/^(?:file|link|workspace|portal|patch):/.test(spec)) return { name, spec, local: spec };
  if (/^(?:git\+|git:|github:|gitlab:|bitbucket:|https?:)/.test(spec) || /^[\w.-]+\/[\w.-]+(?:#.*)?$/.test(spec)) return { name, spec, local: spec };
  return { name, spec };
}

export function fromPackageJson(file: string, text: string): FoundDependency[] {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ManifestError(file, `is not valid JSON (${(error as Error).message})`);
  }
  const found: FoundDependency[] = [];
  for (const field of DEP_FIELDS) {
    const deps = json[field];
    if (typeof deps !== 'object' || deps === null) continue;
    const fieldAt = text.indexOf(`"${field}"`);
    for (const [name, rawSpec] of Object.entries(deps as Record<string, unknown>)) {
      const c = classify(name, typeof rawSpec === 'string' ? rawSpec : '');
      found.push({
        ecosystem: 'npm',
        name: c.name,
        spec: c.spec,
        source: { file, line: lineOf(text, `"${name}"`, fieldAt), kind: 'manifest' },
        ...(c.local ? { local: c.local } : {}),
      });
    }
  }
  return found;
}

interface LockEntry {
  name?: string;
  version?: string;
  resolved?: string;
  link?: boolean;
  dependencies?: Record<string, LockEntry>;
}

/** package-lock.json / npm-shrinkwrap.json, lockfile versions 1 to 3. */
export function fromPackageLock(file: string, text: string): FoundDependency[] {
  let json: { lockfileVersion?: number; packages?: Record<string, LockEntry>; dependencies?: Record<string, LockEntry> };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (error) {
    throw new ManifestError(file, `is not valid JSON (${(error as Error).message})`);
  }
  const found: FoundDependency[] = [];
  const add = (name: string, entry: LockEntry, needle: string): void => {
    if (entry.link) return;
    const resolved = entry.resolved ?? '';
    const local = resolved !== '' && !/^https?:\/\/[^/]+\/(?:@[^/]+\/)?[^/]+\/-\//.test(resolved) ? resolved : undefined;
    found.push({
      ecosystem: 'npm',
      name,
      spec: entry.version ?? '',
      source: { file, line: lineOf(text, needle), kind: 'lockfile' },
      ...(local ? { local } : {}),
    });
  };
  if (json.packages) {
    for (const [key, entry] of Object.entries(json.packages)) {
      if (key === '' || !key.includes('node_modules/')) continue;
      const name = entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
      add(name, entry, `"${key}"`);
    }
  } else if (json.dependencies) {
    const walk = (deps: Record<string, LockEntry>): void => {
      for (const [name, entry] of Object.entries(deps)) {
        add(name, entry, `"${name}"`);
        if (entry.dependencies) walk(entry.dependencies);
      }
    };
    walk(json.dependencies);
  }
  return found;
}

/** pnpm-lock.yaml (v5 to v9): the keys of `packages`. */
export function fromPnpmLock(file: string, text: string): FoundDependency[] {
  let doc: { packages?: Record<string, unknown> };
  try {
    doc = (parseYaml(text) ?? {}) as typeof doc;
  } catch (error) {
    throw new ManifestError(file, `is not valid YAML (${(error as Error).message.split('\n')[0] ?? ''})`);
  }
  const found: FoundDependency[] = [];
  for (const key of Object.keys(doc.packages ?? {})) {
    // `/name@1.0.0`, `/@s/name@1.0.0(peer@2)`, `name@1.0.0`; v5 used `/name/1.0.0`.
    const bare = key.replace(/^\//, '').replace(/\(.*$/, '');
    const at = bare.lastIndexOf('@');
    let name = at > 0 ? bare.slice(0, at) : bare;
    let spec = at > 0 ? bare.slice(at + 1) : '';
    if (at <= 0) {
      const slash = bare.lastIndexOf('/');
      name = bare.slice(0, slash);
      spec = bare.slice(slash + 1);
    }
    found.push({ ecosystem: 'npm', name, spec, source: { file, line: lineOf(text, key), kind: 'lockfile' } });
  }
  return found;
}

/** yarn.lock, classic and berry: the descriptors that start each entry. */
export function fromYarnLock(file: string, text: string): FoundDependency[] {
  const found: FoundDependency[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '' || /^[\s#]/.test(line) || !line.endsWith(':') || line.startsWith('__metadata')) return;
    const first = (line.slice(0, -1).split(',')[0] ?? '').trim().replace(/^"|"$/g, '');
    const { name, spec } = splitNpmSpec(first);
    if (name === '') return;
    const local = /^(?:file|link|portal|workspace|patch|git|github):|^https?:/.test(spec.replace(/^npm:/, '')) ? spec : undefined;
    found.push({ ecosystem: 'npm', name, spec: spec.replace(/^npm:/, ''), source: { file, line: i + 1, kind: 'lockfile' }, ...(local ? { local } : {}) });
  });
  return found;
}
