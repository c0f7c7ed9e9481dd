#!/usr/bin/env node
// Checks `aiprov blame --detect aider` against the release figures aider
// publishes (aider/website/_data/blame.yml, made by aider's scripts/blame.py):
// for each row, the total lines and aider's lines over start_tag..end_tag, with
// aider's own file filter (the README's command line). Needs a clone of aider's
// repository with its tags; runs on the built library (`npm run build` first).
// A row whose blame git cannot run (a snapshot missing some large media blobs,
// which `-C -C -C` reads) is reported as not run, not as a difference.
//   node scripts/aider-release-check.mjs /path/to/aider [--from N] [--rows N]
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { openContext } from '../dist/context/context.js';
import { blameTree } from '../dist/blame/blame.js';

export const AIDER_FILTER = {
  include: [
    '*.js',
    '*.py',
    '*.scm',
    '*.sh',
    '*Dockerfile',
    '*Gemfile',
    '.github/workflows/*.yml',
    'aider/resources/**/*.yml',
    'tests/fixtures/languages/**/test.*',
    'aider/website/index.html',
    'aider/website/share/index.md',
    'aider/website/_includes/head_custom.html',
    'aider/website/_includes/home.css',
    'aider/website/docs/leaderboards/index.md',
  ],
  exclude: ['*prompts.py', 'tests/fixtures/watch*', 'tests/fixtures/watch*/', 'aider/website/install.ps1', 'aider/website/install.sh'],
};

const [repo, ...rest] = process.argv.slice(2);
if (!repo) {
  console.error('usage: node scripts/aider-release-check.mjs /path/to/aider [--rows N]');
  process.exit(2);
}
const flag = (name, fallback) => {
  const i = rest.indexOf(name);
  return i === -1 ? fallback : Number(rest[i + 1]);
};
const from = flag('--from', 1);
const all = parse(execFileSync('git', ['-C', repo, 'show', 'HEAD:aider/website/_data/blame.yml'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
const rows = all.slice(from - 1, from - 1 + flag('--rows', Infinity));
const context = await openContext({ repo, config: false });
let same = 0;
let notRun = 0;
for (const row of rows) {
  let report;
  try {
    report = await blameTree({ context, since: row.start_tag, rev: row.end_tag, detection: 'aider', includeAll: true, ...AIDER_FILTER });
  } catch (error) {
    notRun++;
    console.log(`NOT RUN  ${row.start_tag}..${row.end_tag}  ${error.message}`);
    continue;
  }
  const ok = report.totals.lines === row.total_lines && (report.totals.byAgent.aider ?? 0) === row.aider_total;
  if (ok) same++;
  console.log(
    `${ok ? 'same' : 'DIFF'}  ${row.start_tag}..${row.end_tag}  published ${row.aider_total}/${row.total_lines}  aiprov ${report.totals.byAgent.aider ?? 0}/${report.totals.lines}`,
  );
}
console.log(`${same} of ${rows.length} rows reproduced${notRun > 0 ? `; ${notRun} not run` : ''}`);
