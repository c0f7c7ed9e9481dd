import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../src/cli/main.js';
import { parseConfig } from '../src/config/load.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

const DOCS = [...filesUnder(path.join(ROOT, 'examples')), path.join(ROOT, 'action.yml'), path.join(ROOT, 'README.md')];

/** Words as a shell splits them (quotes kept together), with variables standing for values. */
function words(raw: string): string[] {
  const text = raw.replace(/\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$[A-Z_]+|\{\d\}|\$@|\$\d/g, 'x');
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** Every aiprov command line in a file: `npx [flags] aiprov[@version] …` up to the end of the command, and the action's `command:` input. */
function commandLines(file: string): { line: number; argv: string[] }[] {
  const out: { line: number; argv: string[] }[] = [];
  // A command continued over lines (`\` at the end) is one command, numbered by its first line.
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let text = lines[i] ?? '';
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${(lines[++i] ?? '').trim()}`;
    const m = /\bnpx(?:\s+--?[a-z-]+)*\s+"?aiprov(?:@[^\s"]+)?"?\s+(.*)$/.exec(text);
    if (m) {
      // The command ends where the shell's next one starts, or a comment does, or Markdown's inline code.
      const rest = (m[1] ?? '').split(/`|\s(?:\|\||&&|\||;|#)\s?/)[0] ?? '';
      if (!rest.includes('"${args[@]}"')) out.push({ line, argv: words(rest) });
    }
  }
  if (/\.ya?ml$/.test(file)) out.push(...actionSteps(file));
  return out;
}

/** The aiprov action's steps in a workflow: its `command` input and its `args`, one argument per line, as the action reads them. */
function actionSteps(file: string): { line: number; argv: string[] }[] {
  const out: { line: number; argv: string[] }[] = [];
  const text = readFileSync(file, 'utf8');
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const step = node as { uses?: unknown; with?: { command?: string; args?: string } };
      if (typeof step.uses === 'string' && step.uses.startsWith('aiprov/aiprov@')) {
        const args = (step.with?.args ?? '')
          .split('\n')
          .map((a) => a.trim())
          .filter(Boolean)
          .map((a) => a.replace(/\$\{\{[^}]*\}\}/g, 'x'));
        const line = text.slice(0, text.indexOf(step.uses)).split('\n').length;
        out.push({ line, argv: [...(step.with?.command ?? 'check').split(/\s+/), ...args] });
      }
      Object.values(node).forEach(visit);
    }
  };
  for (const doc of parseAllDocuments(text)) visit(doc.toJS());
  return out;
}

describe('examples and docs cannot rot', () => {
  it('every YAML file parses', () => {
    const yamlFiles = DOCS.filter((f) => /\.ya?ml$/.test(f));
    expect(yamlFiles.length).toBeGreaterThan(8);
    for (const file of yamlFiles) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8')))
        expect(
          doc.errors.map((e) => e.message),
          path.relative(ROOT, file),
        ).toEqual([]);
    }
  });

  it("every aiprov command line in the examples, the action and the README parses with the CLI's own parser", async () => {
    const lines = DOCS.flatMap((file) => commandLines(file).map((c) => ({ ...c, where: `${path.relative(ROOT, file)}:${c.line}` })));
    expect(lines.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const { argv, where } of lines) {
      const parsed = await parseCommandLine(argv);
      if ('error' in parsed) wrong.push(`${where}: aiprov ${argv.join(' ')}: ${parsed.error}`);
    }
    expect(wrong).toEqual([]);
    // The checker itself: a line naming an option that does not exist is caught.
    expect(await parseCommandLine(['check', '--bsae', 'main'])).toMatchObject({ error: expect.stringMatching(/unknown option '--bsae'/) as unknown });
    expect(await parseCommandLine(['verify', '--type', 'authorship', '--key', 'k.pub', '--bundle', 'b.json'])).toEqual({ command: 'verify' });
  });

  it('the example configuration is a valid .aiprov.yml', () => {
    expect(() => parseConfig(readFileSync(path.join(ROOT, 'examples', 'aiprov.yml'), 'utf8'), 'examples/aiprov.yml')).not.toThrow();
  });
});

const WORKFLOWS = [
  ...filesUnder(path.join(ROOT, 'examples', 'github')),
  ...filesUnder(path.join(ROOT, 'examples')).filter((f) => /github-actions-.*\.yml$/.test(f)),
];

describe('the examples run pinned code, and agree with each other', () => {
  it('every use of the aiprov action is pinned by a full commit SHA with its tag in a comment; nothing fetches aiprov by name', () => {
    const uses: string[] = [];
    for (const file of DOCS) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/uses:\s*aiprov\/aiprov@(\S+)(.*)$/gm)) uses.push(`${path.relative(ROOT, file)}: ${m[1] ?? ''}${m[2] ?? ''}`);
      // npx with the bare name asks the registry: only `npx --no aiprov` (a pinned local install) may appear, or aiprov's own clone.
      for (const m of text.matchAll(/npx\s+(--yes\s+|-y\s+)?"?aiprov(@\S+)?/g))
        expect(`${path.relative(ROOT, file)}: ${m[0]}`).not.toMatch(/--yes|-y |@latest|@\$/);
    }
    expect(uses.length).toBeGreaterThan(10);
    for (const use of uses.filter((u) => !u.startsWith('README.md'))) expect(use).toMatch(/: [0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    // Every other action the workflows use is pinned the same way: a tag can be moved to other code.
    for (const file of WORKFLOWS)
      for (const m of readFileSync(file, 'utf8').matchAll(/uses:\s*(\S+)(.*)$/gm))
        expect(`${path.relative(ROOT, file)}: ${m[1] ?? ''}${m[2] ?? ''}`).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it('every workflow, and the action, pass @action-validator/cli', () => {
    const bin = path.join(ROOT, 'node_modules', '@action-validator', 'cli', 'cli.mjs');
    const validate = (file: string) => spawnSync(process.execPath, [bin, file], { encoding: 'utf8' });
    expect(WORKFLOWS.length).toBeGreaterThan(5);
    for (const file of WORKFLOWS) {
      const run = validate(file);
      expect(run.status, `${path.relative(ROOT, file)}: ${run.stdout}${run.stderr}`).toBe(0);
    }
    // The validator's schema (0.6.0, the newest release) predates node24, which GitHub's runners run: the action is validated with
    // that one value swapped, and node24 is checked here. A broken action.yml still fails (a misspelt key below).
    const dir = mkdtempSync(path.join(tmpdir(), 'aiprov-action-'));
    const action = readFileSync(path.join(ROOT, 'action.yml'), 'utf8');
    expect(action).toMatch(/^\s+using: node24$/m);
    writeFileSync(path.join(dir, 'action.yml'), action.replace(/using: node24/, 'using: node20'));
    const ok = validate(path.join(dir, 'action.yml'));
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    writeFileSync(path.join(dir, 'action.yml'), action.replace(/using: node24/, 'using: node20').replace('main: action/index.js', 'mian: action/index.js'));
    expect(validate(path.join(dir, 'action.yml')).status).not.toBe(0);
  });

  it('every identity an admission policy or a deploy gate requires is one an example workflow signs with', () => {
    // What a workflow signs as: https://github.com/OWNER/REPO/.github/workflows/FILE@REF, for the refs it runs on (push branches).
    const signers = new Set<string>();
    for (const file of WORKFLOWS) {
      const doc = parseAllDocuments(readFileSync(file, 'utf8'))[0]?.toJS() as { on?: { push?: { branches?: string[]; tags?: string[] } } };
      const text = readFileSync(file, 'utf8');
      if (!/--keyless/.test(text)) continue;
      for (const branch of doc.on?.push?.branches ?? []) signers.add(`.github/workflows/${path.basename(file)}@refs/heads/${branch}`);
      for (const tag of doc.on?.push?.tags ?? []) signers.add(`.github/workflows/${path.basename(file)}@refs/tags/${tag}`);
    }
    expect([...signers].sort()).toEqual([
      '.github/workflows/attest-on-push.yml@refs/heads/main',
      '.github/workflows/release.yml@refs/heads/main',
      '.github/workflows/source-vsa.yml@refs/heads/main',
    ]);
    const required: string[] = [];
    for (const file of [...filesUnder(path.join(ROOT, 'examples')), path.join(ROOT, 'README.md')]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/https:\/\/github\.com\/[^\s/"']+\/[^\s/"']+\/(\.github\/workflows\/[^\s"'`,]+)/g))
        required.push(`${path.relative(ROOT, file)}: ${m[1] ?? ''}`);
    }
    expect(required.length).toBeGreaterThan(6);
    for (const r of required) expect([...signers], r).toContain(r.split(': ')[1]);
  });
});
