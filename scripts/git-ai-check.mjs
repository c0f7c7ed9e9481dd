#!/usr/bin/env node
// Checks aiprov's reading of git-ai notes against a reading of git-ai's
// standard (specs/git_ai_standard_v3.0.0.md) written here from the spec,
// sharing no code with aiprov:
//
//   node scripts/git-ai-check.mjs <repository with refs/notes/ai> [commits=40]
//
// 1. Per commit: for non-merge commits whose notes attest lines, spread over
//    history, AI lines per file and per agent among the lines the commit adds
//    (`git diff -U0`), against `aiprov blame --since C^ --rev C --detect off`.
// 2. At HEAD: AI lines per agent over the files aiprov blames, each line's
//    origin found with plain `git blame --root`, against
//    `aiprov blame --detect off`. A line whose commit has no note attesting
//    lines counts for the agents `aiprov scan` found on that commit (commit-
//    level signatures are not what is checked here), under `shared` when
//    there are several.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = process.argv[2];
const wantedCommits = Number(process.argv[3] ?? 40);
if (!repo) {
  console.error('usage: node scripts/git-ai-check.mjs <repository> [commits]');
  process.exit(2);
}
const BIN = fileURLToPath(new URL('../bin/aiprov.js', import.meta.url));
const git = (...args) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
const aiprov = (...args) =>
  JSON.parse(execFileSync(process.execPath, [BIN, ...args, '--repo', repo, '--format', 'json', '--quiet'], { encoding: 'utf8', maxBuffer: 1 << 30 }));

// --- The spec's reading -------------------------------------------------------
const TOOLS = {
  'claude': 'claude-code',
  'cursor': 'cursor',
  'codex': 'codex',
  'copilot': 'copilot',
  'github-copilot': 'copilot',
  'devin': 'devin',
  'gemini': 'gemini-cli',
  'opencode': 'opencode',
  'amp': 'amp',
  'droid': 'factory-droid',
  'windsurf': 'other',
};
const agentOfTool = (tool) => TOOLS[String(tool).toLowerCase()] ?? 'other';

const noteBlobs = new Map(
  git('notes', '--ref=refs/notes/ai', 'list')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ').reverse()),
);
const noteCache = new Map();
function note(sha) {
  if (!noteBlobs.has(sha)) return undefined;
  if (noteCache.has(sha)) return noteCache.get(sha);
  const text = git('cat-file', 'blob', noteBlobs.get(sha));
  // §1.2.2: attestations, a line that is exactly ---, JSON metadata.
  const at = text.startsWith('---\n') ? 0 : text.indexOf('\n---\n') + 1;
  const meta = JSON.parse(text.slice(at + 4));
  const files = new Map();
  let current;
  for (const line of text.slice(0, at).split('\n')) {
    if (line === '') continue;
    if (line.startsWith('  ')) {
      const [key, spec] = line.trim().split(' ');
      const ranges = spec
        .split(',')
        .map((p) => p.split('-').map(Number))
        .map(([a, b]) => [a, b ?? a]);
      current.push({ key, ranges });
    } else {
      current = [];
      files.set(line.replace(/^"(.*)"$/, '$1'), current);
    }
  }
  const parsed = { files, prompts: meta.prompts ?? {}, sessions: meta.sessions ?? {}, humans: meta.humans ?? {} };
  if (noteCache.size > 500) noteCache.clear();
  noteCache.set(sha, parsed);
  return parsed;
}

// A record missing from a note is looked up as git-ai does: the newest note (by commit date) that keeps it.
const foreign = new Map();
function lookUp(id, map) {
  if (foreign.has(id)) return foreign.get(id);
  const listed = spawnSync('git', ['-C', repo, 'grep', '-l', '-F', '-e', `"${id}"`, 'refs/notes/ai'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
  const shas = listed
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice('refs/notes/ai:'.length).replace(/\//g, ''));
  const dated =
    shas.length === 0
      ? []
      : spawnSync('git', ['-C', repo, 'log', '--no-walk=unsorted', '--ignore-missing', '--format=%H %ct', ...shas], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter(Boolean)
          .map((l) => l.split(' '))
          .sort((a, b) => Number(b[1]) - Number(a[1]) || (a[0] < b[0] ? -1 : 1));
  // Notes on commits this clone lacks are searched too, last (git-ai falls back to sorting every holder by id).
  const missing = shas.filter((sha) => !dated.some(([d]) => d === sha)).sort();
  let found = null;
  for (const sha of [...dated.map(([d]) => d), ...missing]) {
    const record = note(sha)?.[map][id];
    if (record?.agent_id?.tool) {
      found = record;
      break;
    }
  }
  foreign.set(id, found);
  return found;
}

/** §1.2.3.1: route by prefix. Returns 'human', or the agent; a key whose record nobody keeps is an AI session of an unknown agent. */
function authorOf(n, key) {
  if (key === 'human' || key.startsWith('h_')) return 'human';
  const [map, id] = key.startsWith('s_') ? ['sessions', key.split('::')[0]] : ['prompts', key];
  const record = n[map][id]?.agent_id?.tool ? n[map][id] : lookUp(id, map);
  return record ? agentOfTool(record.agent_id.tool) : 'other';
}

/** Who the note says wrote `line` of `file`: the last entry covering it wins (git-ai reads entries in reverse). */
function lineAuthor(n, file, line) {
  const entries = n.files.get(file) ?? [];
  for (let i = entries.length - 1; i >= 0; i--) {
    if (entries[i].ranges.some(([a, b]) => line >= a && line <= b)) return authorOf(n, entries[i].key);
  }
  return undefined;
}

// --- 1. Per commit ------------------------------------------------------------
const main = git('rev-list', '--first-parent', '--no-merges', 'HEAD').trim().split('\n');
const candidates = main.filter((sha) => {
  const n = noteBlobs.has(sha) ? note(sha) : undefined;
  // Notes that attest some line to an agent (a note of human lines only would check little).
  return n && [...n.files.values()].some((entries) => entries.some(({ key }) => key !== 'human' && !key.startsWith('h_')));
});
// Evenly spaced from the newest to the oldest.
const chosen = [
  ...new Set(
    Array.from(
      { length: Math.min(wantedCommits, candidates.length) },
      (_, i) => candidates[Math.floor((i * candidates.length) / Math.min(wantedCommits, candidates.length))],
    ),
  ),
];
console.log(`${candidates.length} non-merge commits on the first-parent line have notes attesting lines to an agent; checking ${chosen.length}`);
let agree = 0;
const disagreements = [];
for (const sha of chosen) {
  const n = note(sha);
  const expected = {};
  let path;
  let link = false;
  for (const line of git('diff', '-U0', '--no-color', '--no-ext-diff', '-M', `${sha}^`, sha).split('\n')) {
    // A symbolic link is not blamed (its one "line" is a target path), by aiprov or here.
    if (line.startsWith('diff --git ')) link = false;
    if (/^(new file mode|new mode) 120000$/.test(line)) link = true;
    if (line.startsWith('+++ ')) path = line === '+++ /dev/null' || link ? undefined : line.slice(6);
    const m = /^@@ -\S+ \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!m || !path) continue;
    const [start, count] = [Number(m[1]), m[2] === undefined ? 1 : Number(m[2])];
    for (let l = start; l < start + count; l++) {
      const who = lineAuthor(n, path, l);
      if (who === undefined || who === 'human') continue;
      expected[path] ??= {};
      expected[path][who] = (expected[path][who] ?? 0) + 1;
    }
  }
  const report = aiprov('blame', '--since', `${sha}^`, '--rev', sha, '--detect', 'off', '--include-all');
  const actual = {};
  for (const f of report.files) if (f.aiLines > 0) actual[f.path] = f.byAgent;
  const same = JSON.stringify(sortDeep(expected)) === JSON.stringify(sortDeep(actual));
  if (same) agree++;
  else disagreements.push({ sha, expected, actual });
  const total = Object.values(expected)
    .flatMap(Object.values)
    .reduce((a, b) => a + b, 0);
  console.log(`${sha.slice(0, 12)} ${git('log', '-1', '--format=%cs', sha).trim()} ${String(total).padStart(6)} AI lines ${same ? 'agree' : 'DIFFER'}`);
}
console.log(`\nper commit: ${agree} of ${chosen.length} commits agree file by file and agent by agent`);
for (const d of disagreements.slice(0, 5)) console.log(JSON.stringify(d));

// --- 2. At HEAD ---------------------------------------------------------------
const head = aiprov('blame', '--detect', 'off');
const scanned = new Map(aiprov('scan').commits.map((c) => [c.sha, [...new Set(c.detections.filter((d) => d.role === 'author').map((d) => d.agent))]]));
const totals = {};
let lines = 0;
let aiLines = 0;
for (const file of head.files) {
  const porcelain = git('blame', '--porcelain', '--root', 'HEAD', '--', file.path).split('\n');
  const paths = new Map();
  for (let i = 0; i < porcelain.length; i++) {
    const m = /^([0-9a-f]{40}) (\d+) (\d+)(?: (\d+))?$/.exec(porcelain[i]);
    if (!m) continue;
    const [sha, orig] = [m[1], Number(m[2])];
    let j = i + 1;
    for (; j < porcelain.length && !porcelain[j].startsWith('\t'); j++) {
      if (porcelain[j].startsWith('filename ')) paths.set(sha, porcelain[j].slice(9));
    }
    i = j;
    lines++;
    const n = noteBlobs.has(sha) ? note(sha) : undefined;
    let who;
    if (n && n.files.size > 0) who = lineAuthor(n, paths.get(sha), orig);
    else {
      const agents = scanned.get(sha) ?? [];
      who = agents.length === 0 ? undefined : agents.length === 1 ? agents[0] : 'shared';
    }
    if (who === undefined || who === 'human') continue;
    aiLines++;
    totals[who] = (totals[who] ?? 0) + 1;
  }
}
console.log(`\nat HEAD (${head.rev.slice(0, 12)}), ${head.totals.files} files`);
console.log(`  ${'agent'.padEnd(16)} ${'spec reading'.padStart(12)} ${'aiprov'.padStart(10)}  difference`);
let worst = 0;
for (const agent of [...new Set([...Object.keys(totals), ...Object.keys(head.totals.byAgent)])].sort()) {
  const a = totals[agent] ?? 0;
  const b = head.totals.byAgent[agent] ?? 0;
  const diff = a === 0 ? (b === 0 ? 0 : 1) : Math.abs(a - b) / a;
  worst = Math.max(worst, diff);
  console.log(`  ${agent.padEnd(16)} ${String(a).padStart(12)} ${String(b).padStart(10)}  ${(diff * 100).toFixed(3)}%`);
}
console.log(`  ${'lines'.padEnd(16)} ${String(lines).padStart(12)} ${String(head.totals.lines).padStart(10)}`);
console.log(`  ${'AI lines'.padEnd(16)} ${String(aiLines).padStart(12)} ${String(head.totals.aiLines).padStart(10)}`);
console.log(`  largest difference ${(worst * 100).toFixed(3)}% (target <= 0.1%)`);

function sortDeep(value) {
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortDeep(value[k])]),
  );
}
