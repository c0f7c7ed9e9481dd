import type { FoundDependency } from '../types.js';
import { fromKeyTable, parseTomlFile, tomlTable } from './python.js';

/** go.mod: `require` lines and blocks (indirect requirements included: they are installed too). */
export function fromGoMod(file: string, text: string): FoundDependency[] {
  const found: FoundDependency[] = [];
  let inBlock = false;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (inBlock) {
      if (line === ')') inBlock = false;
      else add(line, i);
      return;
    }
    if (/^require\s*\($/.test(line)) inBlock = true;
    else if (line.startsWith('require ')) add(line.slice(8).trim(), i);
  });
  function add(line: string, i: number): void {
    const m = /^(\S+)\s+(\S+)/.exec(line);
    if (m) found.push({ ecosystem: 'go', name: m[1] ?? '', spec: m[2] ?? '', source: { file, line: i + 1, kind: 'manifest' } });
  }
  return found;
}

/** Cargo.toml: dependencies, dev- and build-dependencies, per-target and workspace tables; `package =` renames. */
export function fromCargoToml(file: string, text: string): FoundDependency[] {
  const doc = parseTomlFile(file, text);
  const found: FoundDependency[] = [];
  const kinds = ['dependencies', 'dev-dependencies', 'build-dependencies'];
  const tables = [doc, tomlTable(doc.workspace), ...Object.values(tomlTable(doc.target))].map(tomlTable);
  for (const t of tables) for (const kind of kinds) fromKeyTable(file, text, tomlTable(t[kind]), 'cargo', found, []);
  return found;
}
