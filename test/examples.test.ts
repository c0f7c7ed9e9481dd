import { readdirSync, readFileSync, statSync } from 'node:fs';
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
      // The command ends where the shell's next one starts, or a comment does.
      const rest = (m[1] ?? '').split(/\s(?:\|\||&&|\||;|#)\s?/)[0] ?? '';
      if (!rest.includes('"${args[@]}"')) out.push({ line, argv: words(rest) });
    }
    const input = /^\s*command:\s*(.+)$/.exec(text);
    if (input && file.includes(`${path.sep}examples${path.sep}`)) out.push({ line, argv: words(input[1] ?? '') });
  }
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
