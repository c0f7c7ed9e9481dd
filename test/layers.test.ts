import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { LAYERS, layerRules } from '../eslint.layers.js';
import { tempDir } from './helpers.js';
import { importCircles, importGraph, sourceFiles } from './import-graph.js';

/** Lints one import as if it were written in `file`, with the layering rules alone. */
function violations(file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const config = [{ files: ['**/*.ts'], languageOptions: { ecmaVersion: 'latest' as const, sourceType: 'module' as const } }, ...layerRules];
  return linter.verify(code, config, file).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('the layering is enforced by lint', () => {
  it('refuses an import that runs back up the layers, and allows the ones that run down', () => {
    expect(violations('src/deps/audit.ts', "import { loadConfig } from '../config/load.js';\n")).toEqual([
      "no-restricted-imports: '../config/load.js' import is restricted from being used by a pattern. src/deps/ may not import config/ (see ARCHITECTURE.md)",
    ]);
    expect(violations('src/deps/extract/npm.ts', "import { Context } from '../../context/context.js';\n")).toHaveLength(1);
    expect(violations('src/git/repository.ts', "import { x } from '../authorship/notes.js';\n")).toHaveLength(1);
    expect(violations('src/kernel/errors.ts', "import { x } from '../git/runner.js';\n")).toHaveLength(1);
    expect(violations('src/index.ts', "import { main } from './cli/main.js';\n")).toHaveLength(1);
    expect(
      violations(
        'src/deps/audit.ts',
        "import { x } from '../authorship/analyse.js';\nimport { y } from '../policy/decision.js';\nimport { z } from '../errors.js';\n",
      ),
    ).toEqual([]);
    expect(violations('src/cli/deps.ts', "import { x } from '../deps/audit.js';\nimport { y } from '../context/context.js';\n")).toEqual([]);
  });

  it('lets only the edges read the process or spawn programs', () => {
    expect(violations('src/deps/audit.ts', 'export const home = process.env.HOME;\n')).toHaveLength(1);
    expect(violations('src/record/record.ts', 'export const cwd = process.cwd();\n')).toHaveLength(1);
    expect(violations('src/deps/audit.ts', 'process.exitCode = 1;\n')).toHaveLength(1);
    expect(violations('src/record/hook-run.ts', "import { execFile } from 'node:child_process';\n")).toHaveLength(1);
    expect(violations('src/git/repository.ts', "import { simpleGit } from 'simple-git';\n")).toHaveLength(1);
    expect(violations('src/git/runner.ts', "import { spawn } from 'node:child_process';\nimport { simpleGit } from 'simple-git';\n")).toEqual([]);
    expect(violations('src/cli/main.ts', 'export const env = process.env;\n')).toEqual([]);
  });

  it('every folder under src/ has its place in the layers, and no folder lists one above it as allowed', async () => {
    const { readdir } = await import('node:fs/promises');
    const folders = (await readdir(new URL('../src/', import.meta.url), { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(Object.keys(LAYERS).sort()).toEqual(folders);
    // Nothing loose beside the folders but the public API: the kernel is a folder of its own.
    const loose = (await readdir(new URL('../src/', import.meta.url), { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name);
    expect(loose).toEqual(['index.ts']);
    // Acyclic: a folder's allowed imports never allow it back.
    const layers = LAYERS;
    for (const [folder, allowed] of Object.entries(layers)) for (const below of allowed) expect(layers[below], `${below} → ${folder}`).not.toContain(folder);
  });
});

describe('imports between files', () => {
  const root = fileURLToPath(new URL('../src/', import.meta.url));

  it('form no circle anywhere under src/ (not only between two folders)', () => {
    const circles = importCircles(importGraph(sourceFiles(root))).map((c) => c.map((f) => path.relative(root, f)).join(' → '));
    expect(circles).toEqual([]);
  });

  it('no two files define an exported type, interface or class of the same name (each name says what it is)', async () => {
    const { readFile } = await import('node:fs/promises');
    const where = new Map<string, string[]>();
    for (const file of sourceFiles(root)) {
      for (const m of (await readFile(file, 'utf8')).matchAll(/^export (?:interface|type|class|abstract class) ([A-Za-z0-9_]+)/gm)) {
        const name = m[1] ?? '';
        where.set(name, [...(where.get(name) ?? []), path.relative(root, file)]);
      }
    }
    expect([...where].filter(([, files]) => files.length > 1)).toEqual([]);
  });

  it('the walk finds a circle when there is one, through re-exports, type imports and dynamic imports', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'x'));
    await writeFile(path.join(dir, 'a.ts'), "import { b } from './x/b.js';\nexport const a = b;\n");
    await writeFile(path.join(dir, 'x', 'b.ts'), "export { c as b } from '../c.js';\n");
    await writeFile(path.join(dir, 'c.ts'), "import type { A } from './d.js';\nexport const c: A = 1;\n");
    await writeFile(path.join(dir, 'd.ts'), "export type A = number;\nexport const load = () => import('./a.js');\n");
    await writeFile(path.join(dir, 'e.ts'), "import { a } from './a.js';\nexport const e = a;\n");
    const circles = importCircles(importGraph(sourceFiles(dir))).map((c) => c.map((f) => path.relative(dir, f)));
    expect(circles).toEqual([['a.ts', 'c.ts', 'd.ts', path.join('x', 'b.ts')]]);
  });
});
