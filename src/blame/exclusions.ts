import { PatternSyntaxError, type Pattern } from '../kernel/linear-regex.js';
import { builtinGlob, globPattern } from '../kernel/glob.js';

export type ExclusionReason = 'binary' | 'generated' | 'vendored' | 'symlink' | 'submodule';

/**
 * Files left out of attribution by default: nobody wrote their lines by hand,
 * so counting them would swamp the share. `.gitattributes` at the revision can
 * add to these (`linguist-generated`, `linguist-vendored`) or take a path back
 * out (`-linguist-generated`), as GitHub's linguist reads it.
 */
const GENERATED = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'bun.lock',
  'Cargo.lock',
  'go.sum',
  'poetry.lock',
  'Pipfile.lock',
  'uv.lock',
  'composer.lock',
  'Gemfile.lock',
  'flake.lock',
  '*.min.js',
  '*.min.css',
  '*.map',
  '*.pb.go',
  '*_pb2.py',
  '*_pb2_grpc.py',
  '*.generated.*',
  '*.snap',
  '.agent-trace/',
];
const VENDORED = ['vendor/', 'node_modules/', 'third_party/', 'third-party/', 'bower_components/', 'Godeps/', '.yarn/'];

interface Rule {
  re: Pattern;
  reason: 'generated' | 'vendored';
  set: boolean;
}

export class Exclusions {
  private readonly rules: Rule[];

  constructor(gitattributes?: string) {
    this.rules = [
      ...GENERATED.map((g) => ({ re: dirAware(g, builtinGlob), reason: 'generated' as const, set: true })),
      ...VENDORED.map((g) => ({ re: dirAware(g, builtinGlob), reason: 'vendored' as const, set: true })),
      ...parseLinguist(gitattributes ?? ''),
    ];
  }

  /** Why `path` is left out, or undefined when it counts. Later rules win, as in .gitattributes. */
  reason(path: string): 'generated' | 'vendored' | undefined {
    let generated: boolean | undefined;
    let vendored: boolean | undefined;
    for (const rule of this.rules) {
      if (!rule.re.test(path)) continue;
      if (rule.reason === 'generated') generated = rule.set;
      else vendored = rule.set;
    }
    if (vendored === true) return 'vendored';
    if (generated === true) return 'generated';
    return undefined;
  }
}

/** A bare directory name like `vendor/` matches at any depth, like .gitignore. */
function dirAware(glob: string, compile: (glob: string) => Pattern): Pattern {
  return glob.endsWith('/') && !glob.slice(0, -1).includes('/') ? compile(`**/${glob}`) : compile(glob);
}

function parseLinguist(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [pattern, ...attrs] = line.split(/\s+/);
    if (!pattern) continue;
    for (const attr of attrs) {
      const m = /^(-|!)?linguist-(generated|vendored)(?:=(true|false))?$/.exec(attr);
      if (!m) continue;
      const set = m[1] === undefined && m[3] !== 'false';
      let re: Pattern;
      try {
        re = dirAware(pattern, globPattern);
      } catch (error) {
        // git's own matcher lets such a pattern match nothing; so does this.
        if (error instanceof PatternSyntaxError) continue;
        throw error;
      }
      rules.push({ re, reason: m[2] as 'generated' | 'vendored', set });
    }
  }
  return rules;
}
