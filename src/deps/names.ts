import type { Ecosystem } from './types.js';

/**
 * Whether a string is a valid package name of its ecosystem: what the
 * registry could hold. Anything else is never sent to a registry (a name is
 * part of the URL asked for: `@scope/../../admin/users` would ask another
 * path of a private registry, with the user's token). npm's rule is
 * validate-npm-package-name's, legacy names included: the registry still
 * serves `JSONStream` and other names with capitals, so they are valid.
 * Install commands in text are filtered by the same rule: what is not a name
 * there (`<package>`, `$PKG`, prose) is not reported; in a manifest it is a
 * finding (`invalid-name`).
 */
export function isValidName(ecosystem: Ecosystem, name: string): boolean {
  switch (ecosystem) {
    // No leading `-` either: the registry holds no such name worth a look-up, and it reads as a flag.
    case 'npm':
      return name.length <= 214 && /^(?:@[A-Za-z0-9~][A-Za-z0-9._~-]*\/)?[A-Za-z0-9~][A-Za-z0-9._~-]*$/.test(name);
    // PEP 508: letters, digits, and `.`, `_`, `-` inside.
    case 'pypi':
      return /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name);
    // A module path: a host-like first element, then path elements, none of them `.` or `..`.
    case 'go':
      return /^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:\/[A-Za-z0-9_~+-][A-Za-z0-9._~+-]*)*$/.test(name) && !name.split('/').some((e) => e === '.' || e === '..');
    case 'cargo':
      return /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name);
  }
}

/** PEP 503: lowercase, runs of `-`, `_` and `.` become one `-`. */
export function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The key two names are the same package under: npm is case-sensitive (and lowercase), PyPI normalises, crates fold case and `-`/`_`. */
export function canonicalName(ecosystem: Ecosystem, name: string): string {
  switch (ecosystem) {
    case 'pypi':
      return pep503(name);
    case 'cargo':
      return name.toLowerCase().replace(/_/g, '-');
    default:
      return name;
  }
}

/** Splits `name@1.2.3` / `@scope/name@^2` into name and version spec. */
export function splitNpmSpec(arg: string): { name: string; spec: string } {
  const at = arg.indexOf('@', arg.startsWith('@') ? 1 : 0);
  return at === -1 ? { name: arg, spec: '' } : { name: arg.slice(0, at), spec: arg.slice(at + 1) };
}

/** Splits a PEP 508 requirement: `name[extra] >=1 ; marker` → name, extras (PEP 685 normalised) and spec. */
export function splitPep508(text: string): { name: string; spec: string; extras: string[] } | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*)/.exec(text);
  if (!m) return undefined;
  const extras = (m[2] ?? '')
    .slice(1, -1)
    .split(',')
    .map((e) => pep503(e.trim()))
    .filter((e) => e !== '');
  // Per-requirement options (`--hash=…`) are not part of the version spec.
  return { name: m[1] ?? '', spec: (m[3] ?? '').replace(/\s--?\w[\s\S]*$/, '').trim(), extras: [...new Set(extras)] };
}

/** 1-based line of the first occurrence of `needle` at or after `from` (a character offset), or 1. */
export function lineOf(text: string, needle: string, from = 0): number {
  const at = text.indexOf(needle, from);
  if (at === -1) return 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
