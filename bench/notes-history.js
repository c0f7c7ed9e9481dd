// Builds (once, cached outside the repository) a 10,000-commit history whose
// commits carry git-ai notes (refs/notes/ai) of realistic size: on every
// commit, or on every tenth, so that the same scan and blame can be measured
// with 10,000 and with 1,000 notes. Like git-ai's own repository (10,685
// notes, 582 MB, 54 KB on average): most notes are sessions-format notes of a
// few kilobytes, carrying the records of earlier commits; one in ten is an
// older note with a conversation transcript of several hundred kilobytes; and
// some keys' records are kept only in an earlier note.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importHistory } from '../dist/git/fast-import.js';

export const NOTES_COMMITS = 10_000;
const T0 = 1_700_000_000;
const hex = (n, width) => n.toString(16).padStart(width, '0').slice(-width);
const session = (n) => `s_${hex(n * 2654435761, 14)}`;

function note(i, every) {
  const own = session(i);
  const carried = Array.from({ length: 20 }, (_, k) => session(Math.max(0, i - k - 1)));
  // Every fifth note refers to the previous commit's session without keeping its record (git-ai looks it up in history).
  const foreign = i % 5 === 0 && i > 0 ? session(i - 1) : undefined;
  const attest = [`src/m${i % 500}.ts`, `  ${own}::t_${hex(i, 14)} 1`];
  if (foreign) attest.push(`  ${foreign}::t_${hex(i + 1, 14)} 2`);
  const sessions = {};
  for (const id of [own, ...carried]) {
    if (id === foreign) continue;
    sessions[id] = {
      agent_id: { tool: i % 3 === 0 ? 'codex' : 'claude', id: `conv-${id}`, model: i % 3 === 0 ? 'gpt-5.5' : 'claude-opus-4-6' },
      human_author: 'dev@example.com',
      custom_attributes: { team: 'platform', ticket: `T-${i}` },
    };
  }
  const prompts = {};
  if ((i / every) % 10 === 3) {
    // An older note with a transcript (git-ai < 1.3.4 kept them): about 400 KB.
    prompts[hex(i, 16)] = {
      agent_id: { tool: 'cursor', id: `c-${i}`, model: 'claude-4.5-sonnet-thinking' },
      messages: Array.from({ length: 400 }, (_, m) => ({
        type: m % 2 ? 'assistant' : 'user',
        text: `Step ${m} of the change to module ${i % 500}: `.padEnd(1000, 'lorem ipsum dolor sit amet '),
        timestamp: `2026-01-01T00:00:${String(m % 60).padStart(2, '0')}Z`,
      })),
      total_additions: 10,
      total_deletions: 2,
      accepted_lines: 8,
      overriden_lines: 0,
    };
  }
  return `${attest.join('\n')}\n---\n${JSON.stringify({ schema_version: 'authorship/3.0.0', git_ai_version: '1.4.5', base_commit_sha: '0'.repeat(40), prompts, sessions }, null, 2)}\n`;
}

function* commits(every) {
  for (let i = 0; i < NOTES_COMMITS; i++) {
    const author = { name: 'Dana Levi', email: 'dana@example.com', time: T0 + i * 600 };
    const files = { [`src/m${i % 500}.ts`]: `export const v = ${i};\nexport const w = ${i * 2};\n` };
    yield { author, message: `Change ${i}\n`, files, ...(i % every === 0 || i === NOTES_COMMITS - 1 ? { notes: { 'refs/notes/ai': note(i, every) } } : {}) };
  }
}

/** The repository with a note on every `every`-th commit (and on the last one). */
export async function notesRepository(every) {
  const root = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'aiprov-bench');
  const dir = path.join(root, `notes-${NOTES_COMMITS}-every-${every}-v1`);
  if (existsSync(path.join(dir, '.git'))) return dir;
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', building]);
  await importHistory(building, commits(every));
  renameSync(building, dir);
  return dir;
}
