import type { Ecosystem, FoundDependency } from '../types.js';
import { ManifestError } from '../../kernel/errors.js';
import { isValidName, splitNpmSpec, splitPep508 } from '../names.js';

/**
 * Install commands in text: READMEs, docs, shell scripts, Makefiles,
 * Dockerfiles, CI workflows, notebooks and agent instruction files. In prose
 * (Markdown and other docs) only code counts: fenced blocks, inline code and
 * `$ ` prompts, so "run npm install to set up" names no package called "to".
 */
export interface CommandHit {
  ecosystem: Ecosystem;
  name: string;
  spec: string;
  line: number;
  local?: string;
  extras?: string[];
}

type Rule = { ecosystem: Ecosystem; mode: 'packages' | 'runner' };

/** Tool and subcommand (as a regex over the start of the command) → how its arguments name packages. */
const RULES: [RegExp, Rule][] = [
  [/^(?:npm|pnpm|yarn|bun)\s+(?:i|in|install|isntall|add)\b/, { ecosystem: 'npm', mode: 'packages' }],
  [/^(?:npx|bunx|pnpx)\b|^(?:pnpm|yarn)\s+dlx\b|^bun\s+x\b|^npm\s+(?:exec|x)\b/, { ecosystem: 'npm', mode: 'runner' }],
  [
    /^(?:python[23]?(?:\.\d+)?\s+-m\s+)?pip[23]?\s+install\b|^uv\s+pip\s+install\b|^uv\s+add\b|^poetry\s+add\b|^pipx\s+install\b|^uv\s+tool\s+install\b|^pdm\s+add\b/,
    { ecosystem: 'pypi', mode: 'packages' },
  ],
  [/^(?:uvx|pipx\s+run)\b/, { ecosystem: 'pypi', mode: 'runner' }],
  [/^cargo\s+(?:add|install)\b/, { ecosystem: 'cargo', mode: 'packages' }],
  [/^go\s+(?:get|install)\b/, { ecosystem: 'go', mode: 'packages' }],
];

const START =
  /(?:^|[\s;&|(`'"$!%])(?=(?:sudo\s+)?(?:npm|npx|pnpm|pnpx|yarn|bun|bunx|pip[23]?|python[23]?(?:\.\d+)?\s+-m\s+pip|uv|uvx|poetry|pipx|pdm|cargo|go)\s)/g;
/** Options that take a value, so the value is not read as a package. */
const VALUE_FLAGS = new Set([
  '--registry',
  '--prefix',
  '--workspace',
  '--filter',
  '-F',
  '--tag',
  '--cache',
  '--userconfig',
  '--package',
  '-p',
  '-c',
  '--call',
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-e',
  '--editable',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-t',
  '--target',
  '--root',
  '--platform',
  '--python-version',
  '--implementation',
  '--abi',
  '--src',
  '--python',
  '--group',
  '-G',
  '--source',
  '--features',
  '--version',
  '--vers',
  '--git',
  '--branch',
  '--rev',
  '--path',
  '--registry',
  '--index',
  '--rename',
  '--target-dir',
  '--profile',
  '-Z',
  '--with',
  '--upgrade-strategy',
  '--only-binary',
  '--no-binary',
  '--progress-bar',
  '--log',
  '--cache-dir',
  '--report',
  '--config-settings',
  '-C',
  '--global-option',
  '--trusted-host',
  '--proxy',
  '--timeout',
  '--retries',
  '--exists-action',
  '--cert',
  '--client-cert',
  '--keyring-provider',
  '--omit',
  '--include',
  '--install-strategy',
]);

/**
 * Files read as prose, where only code is a command: documents, agent rules,
 * and anything under a test's fixtures or data (chat transcripts, recorded
 * sessions: "Run pip install? y" is an agent's question, not a command).
 */
export function isProse(file: string): boolean {
  return /\.(?:md|mdx|markdown|rst|txt|adoc)$/i.test(file) || /(?:^|\/)\.cursorrules$/.test(file) || file.includes('.cursor/rules/') || FIXTURE.test(file);
}

/** Test fixtures and data: recorded sessions and transcripts, read as prose. */
const FIXTURE = /(?:^|\/)(?:tests?|__tests__|spec|testdata)\/(?:.*\/)?(?:fixtures?|data|snapshots?|__snapshots__)\/|(?:^|\/)(?:fixtures?|testdata)\//;

/** YAML whose values are data (release notes, site data), except under keys that hold shell: CI steps, hooks, task runners. */
const YAML = /\.ya?ml$/i;
const SHELL_KEY =
  /^(\s*)(?:-\s+)?(?:run|script|before_script|after_script|before_install|install|bash|pwsh|powershell|cmds?|commands?|entry|entrypoint)\s*:(.*)$/;

/** The packages install commands in `file` name, as dependencies found at their lines. */
export function commandDependencies(file: string, text: string, reportedAs = file): FoundDependency[] {
  return commandsInText(file, text).map((hit) => ({
    ecosystem: hit.ecosystem,
    name: hit.name,
    spec: hit.spec,
    source: { file: reportedAs, line: hit.line, kind: 'command' as const },
    ...(hit.local ? { local: hit.local } : {}),
    ...(hit.extras ? { extras: hit.extras } : {}),
  }));
}

export function commandsInText(file: string, text: string): CommandHit[] {
  const all = file.endsWith('.ipynb') ? notebookLines(file, text) : text.split('\n').map((l, i) => ({ text: l, line: i + 1 }));
  const lines = YAML.test(file) ? shellLinesOfYaml(all) : all;
  const prose = isProse(file) && !YAML.test(file);
  const fixture = FIXTURE.test(file);
  const hits: CommandHit[] = [];
  let fence: { char: string; length: number; shell: boolean } | undefined;
  for (const { text: line, line: lineNo } of lines) {
    if (prose) {
      // CommonMark fences: a closing fence is the opening's character, at least as long, with nothing after it.
      const marker = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
      if (marker?.[1] && fence && marker[1][0] === fence.char && marker[1].length >= fence.length && (marker[2] ?? '').trim() === '') {
        fence = undefined;
        continue;
      }
      if (marker?.[1] && !fence && !(marker[1][0] === '`' && (marker[2] ?? '').includes('`'))) {
        const info = (marker[2] ?? '').trim().split(/\s+/)[0] ?? '';
        // In recorded transcripts (fixtures) fences are often unbalanced: only a block that says it is shell counts there.
        fence = { char: marker[1][0] ?? '`', length: marker[1].length, shell: SHELL_INFO.test(info) && (info !== '' || !fixture) };
        continue;
      }
    }
    // A diff's added or removed line shows a file's text, not a command (`+ pipx install cool-app-10k` in an example of an edit).
    const code = !prose ? [line] : fence ? (fence.shell && !/^[+-](?:\s|$)/.test(line) ? [line] : []) : codeInProse(line);
    for (const fragment of code) for (const hit of commandsInLine(fragment)) hits.push({ ...hit, line: lineNo });
  }
  return hits;
}

/** A fenced block's info string that says shell (or says nothing): its lines are commands. A ```python, ```diff or ```text block is not. */
const SHELL_INFO =
  /^(?:|sh|bash|zsh|shell|console|shell-session|terminal|fish|powershell|pwsh|ps1|ps|cmd|bat|batch|dockerfile|docker|makefile|make|just|yaml|yml|toml|ini|cfg)$/i;

/**
 * The parts of a prose line that are code: inline `spans`, or the command
 * after a `$ ` prompt. Not after `>`: in Markdown that is a quotation (aider's
 * transcripts quote its own questions, "> Run pip install? y").
 */
function codeInProse(line: string): string[] {
  const spans = [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
  const prompt = /^\s*\$\s+(.*)$/.exec(line);
  return prompt ? [...spans, prompt[1] ?? ''] : spans;
}

/** The lines of a YAML file that are shell: a shell key's own value, and the lines indented under it. */
function shellLinesOfYaml(lines: { text: string; line: number }[]): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let under: number | undefined;
  for (const l of lines) {
    const indent = /^\s*/.exec(l.text)?.[0].length ?? 0;
    if (under !== undefined && l.text.trim() !== '' && indent <= under) under = undefined;
    const key = SHELL_KEY.exec(l.text);
    if (key && under === undefined) {
      under = key[1]?.length ?? 0;
      out.push({ text: key[2] ?? '', line: l.line });
    } else if (under !== undefined) out.push({ text: l.text.replace(/^\s*-\s+/, ''), line: l.line });
  }
  return out;
}

function notebookLines(file: string, text: string): { text: string; line: number }[] {
  let nb: { cells?: ({ cell_type?: string; source?: string | string[] } | null)[] } | null;
  try {
    nb = JSON.parse(text) as typeof nb;
  } catch (error) {
    throw new ManifestError(file, `is not a valid notebook (${(error as Error).message})`);
  }
  const out: { text: string; line: number }[] = [];
  if (typeof nb !== 'object' || nb === null || !Array.isArray(nb.cells)) throw new ManifestError(file, 'is not a valid notebook (no cells)');
  for (const cell of nb.cells) {
    if (typeof cell !== 'object' || cell === null || cell.cell_type !== 'code') continue;
    const source = Array.isArray(cell.source) ? cell.source.join('') : (cell.source ?? '');
    for (const l of source.split('\n')) {
      // `!pip install x` and `%pip install x` run shell commands from a cell.
      const needle = l.trim();
      out.push({ text: needle.replace(/^[!%]/, ''), line: text.split('\n').findIndex((t) => t.includes(JSON.stringify(needle).slice(1, -1))) + 1 || 1 });
    }
  }
  return out;
}

export function commandsInLine(raw: string): Omit<CommandHit, 'line'>[] {
  // Before the line is cut into commands: `$(…)` would otherwise end one at its `)`; a shell comment is prose ("# npx refuses to …").
  const line = raw.replace(TEMPLATE, '\u0000').replace(/(^|\s)#.*$/, '');
  const hits: Omit<CommandHit, 'line'>[] = [];
  let consumedUntil = 0;
  for (const m of line.matchAll(START)) {
    const start = m.index + m[0].length;
    // `sudo npm …`, `python -m pip …` and `uv pip …` match again further in: one command, read once.
    if (start < consumedUntil) continue;
    const rest = line.slice(start);
    const command = rest.replace(/^sudo\s+/, '').split(/\s*(?:&&|\|\||[;|)`]|\s#|\\$)/)[0] ?? '';
    for (const [re, rule] of RULES) {
      const head = re.exec(command);
      if (!head) continue;
      hits.push(...packagesOf(command.slice(head[0].length), rule));
      consumedUntil = start + (rest.length - rest.replace(/^sudo\s+/, '').length) + command.length;
      break;
    }
  }
  return hits;
}

/**
 * Template expressions and variables stand for a value nobody wrote here:
 * `${{ matrix.pkg }}` (GitHub), `{{ pkg }}` (Jinja, Helm), `${PKG}`, `$PKG`,
 * `$(cmd)`, `%PKG%`. A word that holds one is never a package name.
 */
const TEMPLATE = /\$\{\{.*?\}\}|\{\{.*?\}\}|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%/g;

function packagesOf(rest: string, rule: Rule): Omit<CommandHit, 'line'>[] {
  const tokens = rest
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '')
    .map(unquote);
  const hits: Omit<CommandHit, 'line'>[] = [];
  const explicitPackages: string[] = [];
  const args: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    if (token === '--') continue;
    if (token.startsWith('-')) {
      const [flag, value] = token.split('=', 2) as [string, string | undefined];
      const takesValue = VALUE_FLAGS.has(flag);
      const flagValue = value ?? (takesValue ? tokens[++i] : undefined);
      if ((flag === '--package' || flag === '-p' || flag === '--with') && flagValue && rule.mode === 'runner') explicitPackages.push(flagValue);
      continue;
    }
    args.push(token);
    // A runner's first argument is the package; what follows are the command's own arguments.
    if (rule.mode === 'runner' && explicitPackages.length === 0) break;
  }
  const names = rule.mode === 'runner' && explicitPackages.length > 0 ? explicitPackages : args;
  for (const arg of names) {
    const hit = toHit(rule.ecosystem, arg.replace(/[.,:;]+$/, ''));
    if (hit) hits.push(hit);
  }
  return hits;
}

function toHit(ecosystem: Ecosystem, arg: string): Omit<CommandHit, 'line'> | undefined {
  if (arg.includes('\u0000')) return undefined;
  if (arg === '' || (/[<>{}$*]/.test(arg.replace(/[<>=!~]=?[\d.*]+/g, '')) && ecosystem !== 'pypi')) return undefined;
  if (/^(?:git\+|https?:|file:|\.{0,2}\/|~\/)/.test(arg) || (ecosystem !== 'go' && arg.includes('/') && !arg.startsWith('@'))) {
    return { ecosystem, name: arg, spec: '', local: arg };
  }
  switch (ecosystem) {
    case 'npm': {
      const { name, spec } = splitNpmSpec(arg);
      if (spec.startsWith('npm:')) return toHit('npm', spec.slice(4));
      return isValidName('npm', name) ? { ecosystem, name, spec } : undefined;
    }
    case 'pypi': {
      if (/[<>{}$]/.test(arg.split(/[<>=!~]/)[0] ?? '')) return undefined;
      const req = splitPep508(arg);
      return req && isValidName('pypi', req.name) && !/\.(?:txt|whl|gz|zip)$/.test(req.name)
        ? { ecosystem, name: req.name, spec: req.spec, ...(req.extras.length > 0 ? { extras: req.extras } : {}) }
        : undefined;
    }
    case 'go': {
      const [name = '', version = ''] = arg.split('@');
      return isValidName('go', name) ? { ecosystem, name, spec: version } : undefined;
    }
    case 'cargo': {
      const [name = '', version = ''] = arg.split('@');
      return isValidName('cargo', name) ? { ecosystem, name, spec: version } : undefined;
    }
  }
}

function unquote(token: string): string {
  return token.replace(/^['"]|['"]$/g, '');
}

/** Files whose text is searched for install commands. */
export function isCommandFile(file: string): boolean {
  const base = file.split('/').pop() ?? '';
  return (
    /\.(?:md|mdx|markdown|rst|txt|adoc|sh|bash|zsh|ps1|ya?ml|ipynb|mk|toml|cfg|ini)$/i.test(base) ||
    /^(?:Makefile|makefile|GNUmakefile|Dockerfile.*|Containerfile|Justfile|justfile|Procfile|\.cursorrules|CLAUDE\.md|AGENTS\.md|GEMINI\.md|package\.json)$/.test(
      base,
    ) ||
    file.includes('.cursor/rules/') ||
    file.includes('.claude/') ||
    file.includes('/skills/')
  );
}
