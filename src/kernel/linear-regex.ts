import { createRequire } from 'node:module';

/**
 * Regular expressions that come from outside aiprov's own code (a
 * `.aiprov.yml`, a repository's `.gitattributes`, a glob on the command line)
 * run on RE2's linear-time engine, through re2js, a maintained pure-JavaScript
 * port of RE2: a pattern like `^(a+)+$` cannot hang a scan on a crafted author
 * name, whatever the input. The native binding (`re2`) would be faster but
 * needs a compiler or a prebuilt download at install time; CI machines have
 * neither for sure. RE2 has no look-around and no back-references: such a
 * pattern is refused with the reason, not run on a backtracking engine.
 */
export interface Pattern {
  readonly source: string;
  test(text: string): boolean;
  /** The text of the named group in the first match, if the pattern matches and the group took part. */
  group(text: string, name: string): string | undefined;
}

export interface PatternFlags {
  ignoreCase?: boolean;
  multiline?: boolean;
}

/** A pattern the linear-time engine cannot run; `reason` says why. */
export class PatternSyntaxError extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`invalid regular expression ${JSON.stringify(source)}: ${reason}`);
  }
}

type Re2Module = typeof import('re2js');
let re2: Re2Module | undefined;

/** Compiles `source` on the linear-time engine; throws PatternSyntaxError when it cannot. */
export function linearPattern(source: string, flags: PatternFlags = {}): Pattern {
  // Loaded on first use: most runs have no pattern from outside.
  re2 ??= createRequire(import.meta.url)('re2js') as Re2Module;
  const { RE2JS } = re2;
  let compiled: InstanceType<Re2Module['RE2JS']>;
  try {
    compiled = RE2JS.compile(source, (flags.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (flags.multiline ? RE2JS.MULTILINE : 0));
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    throw new PatternSyntaxError(
      source,
      /Perl syntax: `\(\?[=!<]/.test(message) || /escape sequence: `\\\d/.test(message)
        ? `${message} (look-around and back-references cannot run in linear time)`
        : message,
    );
  }
  return {
    source,
    test: (text) => compiled.matcher(text).find(),
    group: (text, name) => {
      const m = compiled.matcher(text);
      if (!m.find()) return undefined;
      try {
        return m.group(name) ?? undefined;
      } catch {
        return undefined; // the pattern has no group of that name
      }
    },
  };
}

/** aiprov's own patterns (the built-in tables) keep the native engine, behind the same interface. */
export function nativePattern(re: RegExp): Pattern {
  return {
    source: re.source,
    test: (text) => re.test(text),
    group: (text, name) => re.exec(text)?.groups?.[name],
  };
}
