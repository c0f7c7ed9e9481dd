import { linearPattern, nativePattern, type Pattern } from './linear-regex.js';

/**
 * A glob from outside aiprov's code (`--include`, a repository's
 * `.gitattributes`), on the linear-time engine: `*a*a*a*a*a*a*b` against a
 * long file name would take hours on a backtracking one. Throws
 * PatternSyntaxError for a glob that makes no pattern (`[z-a]`).
 */
export function globPattern(glob: string, flags: { ignoreCase?: boolean } = {}): Pattern {
  return linearPattern(globSource(glob), flags.ignoreCase === true ? { ignoreCase: true } : {});
}

/** A glob of aiprov's own tables, on the native engine. */
export function builtinGlob(glob: string): Pattern {
  return nativePattern(new RegExp(globSource(glob), 'u'));
}

/**
 * Glob patterns as people write them for file filters: `*` and `?` stay within
 * a path segment, `**` crosses segments, `{a,b}` alternates, `[…]` is a class.
 * A pattern without `/` matches the file name in any directory (as in
 * .gitignore); one with `/` matches the whole path from the root.
 */
function globSource(glob: string): string {
  const anchored = glob.includes('/');
  const pattern = glob.replace(/^\//, '');
  let out = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '*') {
      if (pattern.charAt(i + 1) === '*') {
        const slash = pattern.charAt(i + 2) === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) {
        out += '\\[';
      } else {
        const body = pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) {
      out += '|';
    } else {
      out += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  // A directory pattern (`vendor/`) covers everything below it.
  if (pattern.endsWith('/')) out += '.*';
  return anchored ? `^${out}$` : `(?:^|/)${out}$`;
}

export function matchesAny(path: string, patterns: readonly Pattern[]): boolean {
  return patterns.some((p) => p.test(path));
}
