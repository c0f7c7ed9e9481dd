import { linearPattern, PatternSyntaxError, type Pattern } from '../kernel/linear-regex.js';
import { globPattern } from '../kernel/glob.js';
import { ConfigError } from '../kernel/errors.js';
import type { RiskRule } from './rules.js';
import { type Severity } from '../policy/severity.js';

/** A rule ready to match: its globs and patterns compiled on the linear-time engine (rules may come from a config). */
export interface CompiledRule {
  rule: RiskRule;
  include: { glob: string; pattern: Pattern }[];
  exclude: Pattern[];
  content: { source: string; pattern: Pattern }[];
}

/** Lines a change adds to one file, numbered as in the new version. */
export interface AddedLines {
  path: string;
  lines: { line: number; text: string }[];
}

export interface RuleMatch {
  rule: string;
  tier: Severity;
  path: string;
  /** The first line of the hunk that made it match (for a path rule: the first added line). */
  line: number;
  /** Why: the file is one the rule covers, or this added line matched one of its patterns. */
  reason: 'path' | 'content';
  /** The pattern or glob that matched (what a reviewer needs to see why). */
  matched: string;
}

const anyCase = (glob: string): Pattern => globPattern(glob, { ignoreCase: true });

export function compileRules(rules: readonly RiskRule[], source = 'the built-in rules'): CompiledRule[] {
  return rules.map((rule) => {
    const where = source;
    const compile = (text: string, what: string, make: (s: string) => Pattern): Pattern => {
      try {
        return make(text);
      } catch (error) {
        if (error instanceof PatternSyntaxError)
          throw new ConfigError('CONFIG_INVALID', `${where}: risk rule ${rule.id}: ${what} ${JSON.stringify(text)}: ${error.reason}`);
        throw error;
      }
    };
    return {
      rule,
      // Paths match whatever their case: src/Auth/Login.js and a `dockerfile` are what their lower-case names are.
      include: rule.paths.filter((p) => !p.startsWith('!')).map((glob) => ({ glob, pattern: compile(glob, 'path', anyCase) })),
      exclude: rule.paths.filter((p) => p.startsWith('!')).map((p) => compile(p.slice(1), 'path', anyCase)),
      content: rule.content.map((source) => ({ source, pattern: compile(source, 'pattern', (s) => linearPattern(s)) })),
    };
  });
}

/** The glob by which a rule covers a file whatever its content, if it does (none when the rule excludes the file). */
export function pathGlob(rule: Pick<CompiledRule, 'include' | 'exclude'>, path: string): string | undefined {
  if (rule.exclude.some((p) => p.test(path))) return undefined;
  return rule.include.find((p) => p.pattern.test(path))?.glob;
}

/**
 * Which rules cover the lines a change adds to a file: by the file's path
 * (once per file), or by an added line matching a pattern (the first such
 * line). A file a rule excludes is never covered by it, by path or content.
 */
export function classify(rules: readonly CompiledRule[], added: AddedLines): RuleMatch[] {
  const out: RuleMatch[] = [];
  if (added.lines.length === 0) return out;
  for (const { rule, include, exclude, content } of rules) {
    if (exclude.some((p) => p.test(added.path))) continue;
    const byPath = include.find((p) => p.pattern.test(added.path));
    if (byPath) {
      out.push({ rule: rule.id, tier: rule.tier, path: added.path, line: added.lines[0]?.line ?? 1, reason: 'path', matched: byPath.glob });
      continue;
    }
    if (content.length === 0) continue;
    // Whole lines: the patterns run on the linear-time engine, so a long line costs its length, and what follows an
    // 8,000-character comment is judged like anything else (a cap here was a place to hide `execSync`).
    search: for (const { line, text } of added.lines) {
      const hit = content.find((c) => c.pattern.test(text));
      if (hit) {
        out.push({ rule: rule.id, tier: rule.tier, path: added.path, line, reason: 'content', matched: hit.source });
        break search;
      }
    }
  }
  return out;
}
