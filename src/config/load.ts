import path from 'node:path';
import type { NotesConfig } from '../sync/config.js';
import type { RecordsConfig } from '../gate/records-required.js';
import { createRequire } from 'node:module';
import { BUILTIN_SIGNATURES } from '../authorship/signatures.js';
import type { SignatureDef } from '../authorship/signature-types.js';
import type { HooksConfig } from '../record/agent-env.js';
import type { DepsConfig } from '../deps/settings.js';
import { effectiveRules, requiredReviewers, type ReviewConfig, type RiskConfig } from '../gate/config.js';
import { compileRules } from '../gate/classify.js';
import type { FindingsConfig } from '../gate/scanner-findings.js';
import { ConfigError } from '../kernel/errors.js';
import { readRegularFile } from '../kernel/files.js';
import { linearPattern, PatternSyntaxError } from '../kernel/linear-regex.js';
import { validateAgainst } from '../kernel/schemas.js';

export const DEFAULT_CONFIG_FILE = '.aiprov.yml';
/** A config is a page of YAML; a megabyte is far beyond any, and a link to /dev/urandom is refused before reading. */
const CONFIG_CAP = 1024 * 1024;

export interface AiprovConfig {
  version?: 1;
  signatures?: SignatureDef[];
  deps?: DepsConfig;
  hooks?: HooksConfig;
  notes?: NotesConfig;
  records?: RecordsConfig;
  risk?: RiskConfig;
  review?: ReviewConfig;
  /** The rule `findings.new-in-ai-lines` (scanner findings in AI-written lines, for `check --sarif`). */
  findings?: FindingsConfig;
  /** How check reports: the job summary, the size of a pull-request comment. */
  output?: { stepSummary?: boolean; comment?: { maxHunks?: number } };
  /** aiprov verify's content policy (schemas/verify-policy.schema.json's shape). */
  verify?: Record<string, unknown>;
}

export interface LoadedConfig {
  /** Absolute path of the file read, or null when none was there (the file is optional). */
  file: string | null;
  config: AiprovConfig;
}

/**
 * Loads `.aiprov.yml` from the repository root, or the file the user named
 * (relative to `cwd`). A named file must exist; the default one may be absent.
 * Any problem is a ConfigError naming the file (and the line, for YAML syntax).
 * Without a repository, only a named file is read.
 */
export async function loadConfig(repoRoot: string | null, explicit?: string, cwd = '.'): Promise<LoadedConfig> {
  if (!explicit && repoRoot === null) return { file: null, config: {} };
  const file = explicit ? path.resolve(cwd, explicit) : path.join(repoRoot ?? '.', DEFAULT_CONFIG_FILE);
  const read = await readRegularFile(file, CONFIG_CAP);
  if (!read.ok) {
    if (read.code === 'ENOENT' && !explicit) return { file: null, config: {} };
    throw new ConfigError('CONFIG_UNREADABLE', `${file}: ${read.problem}`);
  }
  return { file, config: parseConfig(read.bytes.toString('utf8'), file) };
}

export function parseConfig(text: string, file: string): AiprovConfig {
  // Loaded only when there is a config file to read.
  const { parseDocument, LineCounter } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0].line;
    const message = (first.message.split('\n')[0] ?? 'invalid YAML').replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError('CONFIG_INVALID', `${file}${line ? `:${line}` : ''}: ${message}`);
  }
  let value: unknown;
  try {
    // The yaml library caps alias expansion (a "billion laughs" file) and says so by throwing.
    value = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new ConfigError('CONFIG_INVALID', `${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const problem = validateAgainst('config', value);
  if (problem) throw new ConfigError('CONFIG_INVALID', `${file}${lineOf(problem, doc, lines)}: ${problem}`);
  const config = value as AiprovConfig;
  checkSignatures(config.signatures ?? [], file);
  // Risk rules are checked as they will run: ids that exist, patterns the linear-time engine takes.
  if (config.risk) compileRules(effectiveRules(config.risk, file), file);
  if (config.review) requiredReviewers(config.review, file);
  return config;
}

function checkSignatures(signatures: SignatureDef[], file: string): void {
  const ids = new Set(BUILTIN_SIGNATURES.map((s) => s.id));
  for (const sig of signatures) {
    if (ids.has(sig.id))
      throw new ConfigError('CONFIG_INVALID', `${file}: signature '${sig.id}' is defined twice (ids must be unique, built-in ones included)`);
    ids.add(sig.id);
    const patterns = [sig.model, sig.identity?.emailPattern, sig.identity?.namePattern, sig.trailer?.value, sig.subject, sig.line, sig.paragraph];
    for (const pattern of patterns) {
      if (pattern === undefined) continue;
      // The engine that will run it (linear time: a config's pattern cannot hang a scan) is the one that checks it.
      try {
        linearPattern(pattern);
      } catch (error) {
        const reason = error instanceof PatternSyntaxError ? `: ${error.reason}` : '';
        throw new ConfigError('CONFIG_INVALID', `${file}: signature '${sig.id}': invalid regular expression ${JSON.stringify(pattern)}${reason}`, {
          cause: error,
        });
      }
    }
  }
}

/**
 * The line of the key a schema problem names (`/review/escalate/0: …`), as
 * `:N`: the node at that path, or the nearest one above it that exists (a
 * missing property is reported at its parent). Empty when none is found.
 */
function lineOf(problem: string, doc: import('yaml').Document, lines: import('yaml').LineCounter): string {
  const at = problem.startsWith('top level:') ? '' : /^(\/\S*):/.exec(problem)?.[1];
  if (at === undefined) return '';
  const path: (string | number)[] =
    at === ''
      ? []
      : at
          .split('/')
          .slice(1)
          .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
          .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  // A key the schema does not know is reported at its own line, not its parent's.
  const unknown = / '([^']+)'$/.exec(problem)?.[1];
  const map = (path.length === 0 ? doc.contents : doc.getIn(path, true)) as
    { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | undefined;
  const keyNode = unknown !== undefined ? map?.items?.find((pair) => pair.key?.value === unknown)?.key : undefined;
  if (keyNode?.range) return `:${lines.linePos(keyNode.range[0]).line}`;
  for (let n = path.length; n > 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return `:${lines.linePos(node.range[0]).line}`;
  }
  return '';
}
