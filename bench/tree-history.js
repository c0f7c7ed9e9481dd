// Builds (once, cached) a repository of 2,000 files and 3,000 commits: every
// commit rewrites a few lines of a few files, a quarter of them by agents.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importHistory } from '../dist/git/fast-import.js';

export const FILES = 2_000;
export const COMMITS = 3_000;
const LINES = 40;

/** A small deterministic generator, so the repository is the same on every machine. */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

function* commits() {
  const rnd = random(42);
  const files = Array.from({ length: FILES }, (_, f) =>
    Array.from({ length: LINES }, (_, l) => `export const v${f}_${l} = ${l}; // original line ${l} of module ${f}`),
  );
  const time = 1_650_000_000;
  // The first commit adds every file.
  yield {
    author: { name: 'Alice Martin', email: 'alice@example.com', time },
    message: 'Initial import\n',
    files: Object.fromEntries(files.map((lines, f) => [`src/pkg${f % 40}/module${f}.ts`, lines.join('\n') + '\n'])),
  };
  for (let c = 1; c < COMMITS; c++) {
    const touched = {};
    for (let k = 0; k < 3; k++) {
      const f = Math.floor(rnd() * FILES);
      const lines = files[f];
      for (let e = 0; e < 4; e++) {
        const l = Math.floor(rnd() * lines.length);
        if (rnd() < 0.2) lines.splice(l, 0, `// note ${c}.${k}.${e}: added while changing module ${f}`);
        else lines[l] = `export const v${f}_${l} = ${c}; // changed in commit ${c}`;
      }
      touched[`src/pkg${f % 40}/module${f}.ts`] = lines.join('\n') + '\n';
    }
    const kind = c % 8;
    const author = { name: kind === 3 ? 'Bob Chen (aider)' : 'Bob Chen', email: 'bob@example.com', time: time + c * 3_600 };
    const message =
      kind === 0
        ? `Change ${c}\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n`
        : kind === 5
          ? `Change ${c}\n\nCo-authored-by: Codex <noreply@openai.com>\n`
          : `Change ${c}\n`;
    yield { author, ...(kind === 3 ? { committer: author } : {}), message, files: touched };
  }
}

export async function treeRepository() {
  const root = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'aiprov-bench');
  const dir = path.join(root, `tree-${FILES}x${COMMITS}-v1`);
  if (existsSync(path.join(dir, '.git'))) return dir;
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', building]);
  await importHistory(building, commits());
  execFileSync('git', ['reset', '--quiet', '--hard', 'main'], { cwd: building });
  renameSync(building, dir);
  return dir;
}
