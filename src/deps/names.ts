import type { Ecosystem } from './types.js';

/**
 * Whether a string can be a package name at all in its ecosystem: text that
 * cannot (placeholders like `<package>`, shell variables, prose) is not looked
 * up, so it never turns into a "hallucinated" finding.
 */
export function isPlausibleName(ecosystem: Ecosystem, name: string): boolean {
  switch (ecosystem) {
    case 'npm': return name.length <= 214 && /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/.test(name);
    case 'pypi': return /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name);
    case 'go': return /^[a-z0-9.-]+\.[a-z]{2,}(?:\/[A-Za-z0-9._~+-]+)*$/.test(name);
    case 'cargo': return /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name);
  }
}

/** PEP 503: lowercase, runs of `-`, `_` and `.` become one `-`. */
export function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The key two names are the same package under: npm is case-sensitive (and lowercase), PyPI normalises, crates fold case and `-`/`_`. */
export function canonicalName(ecosystem: Ecosystem, name: string): string {
  switch (ecosystem) {
    case 'pypi': return pep503(name);
    case 'cargo': return name.toLowerCase().replace(/_/g, '-');
    default: return name;
  }
}

/** Splits `name@1.2.3` / `@scope/name@^2` into name and version spec. */
export function splitNpmSpec(arg: string): { name: string; spec: string } {
  const at = arg.indexOf('@', arg.startsWith('@') ? 1 : 0);
  return at === -1 ? { name: arg, spec: '' } : { name: arg.slice(0, at), spec: arg.slice(at + 1) };
}

/** Splits a PEP 508 requirement: `name[extra] >=1 ; marker` → name and spec. */
export function splitPep508(text: string): { name: string; spec: string } | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*)/.exec(text);
  if (!m) return undefined;
  // Per-requirement options (`--hash=…`) are not part of the version spec.
  return { name: m[1] ?? '', spec: (m[3] ?? '').replace(/\s--?\w[\s\S]*$/, '').trim() };
}

/** 1-based line of the first occurrence of `needle` at or after `from` (a character offset), or 1. */
export function lineOf(text: string, needle: string, from = 0): number {
  const at = text.indexOf(needle, from);
  if (at === -1) return 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
