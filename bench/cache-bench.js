// The blame cache (blame/groups-cache.ts): a repeat at the same revision, a revision 10 commits later, and one file
// on a 10,000-note history, each against the run it saves (issue 30's targets), with the reports compared byte for byte.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measure, medianOf, pairedMedian } from './measure.js';
import { COMMITS, FILES, treeRepository } from './tree-history.js';
import { NOTES_COMMITS, notesRepository } from './notes-history.js';

const json = (bin, args) => spawnSync(process.execPath, [bin, ...args, '--format', 'json', '--quiet'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;

export async function benchCache(bin, runs) {
  const repo = await treeRepository();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'aiprov-bench-cache-'));
  const blame = (cache, args = []) => measure(process.execPath, [bin, 'blame', '--repo', repo, '--format', 'json', '--quiet', '--blame-cache', cache, ...args]);
  try {
    // Cold, then warm, at HEAD~10: the cache the incremental runs start from.
    const base = path.join(scratch, 'base');
    const cold = await blame(base, ['--rev', 'HEAD~10']);
    const warm = await medianOf(runs, () => blame(base, ['--rev', 'HEAD~10']));
    const sameWarm =
      json(bin, ['blame', '--repo', repo, '--rev', 'HEAD~10', '--blame-cache', base]) ===
      json(bin, ['blame', '--repo', repo, '--rev', 'HEAD~10', '--no-blame-cache']);

    // Ten commits later: the files they changed blamed, the rest reused; against blaming only those files, uncached.
    const changed = [
      ...new Set(execFileSync('git', ['-C', repo, 'log', '--format=', '--name-only', '-m', 'HEAD~10..HEAD'], { encoding: 'utf8' }).split('\n').filter(Boolean)),
    ];
    let copy = 0;
    const fresh = () => {
      const dir = path.join(scratch, `incremental-${copy++}`);
      cpSync(base, dir, { recursive: true });
      return dir;
    };
    const incremental = await pairedMedian(
      runs,
      () => measure(process.execPath, [bin, 'blame', '--repo', repo, '--format', 'json', '--quiet', '--no-blame-cache', ...changed]),
      () => blame(fresh()),
    );
    const sameIncremental = json(bin, ['blame', '--repo', repo, '--blame-cache', fresh()]) === json(bin, ['blame', '--repo', repo, '--no-blame-cache']);

    console.log('');
    console.log(`blame cache on ${FILES} files, ${COMMITS} commits (median of ${runs} runs; incremental: pairs in turns)`);
    console.log(`  cold      blame at HEAD~10, empty cache  ${cold.ms.toFixed(0).padStart(7)} ms  peak RSS ${cold.peakMb.toFixed(0)} MB`);
    console.log(
      `  warm      the same again                 ${warm.ms.toFixed(0).padStart(7)} ms  ${(warm.ms / cold.ms).toFixed(3)}x cold (target <= 0.10x); report ${sameWarm ? 'identical' : 'DIFFERENT'}`,
    );
    console.log(`  baseline  blame of the ${changed.length} changed files   ${incremental.baseline.ms.toFixed(0).padStart(7)} ms`);
    console.log(
      `  incr.     blame at HEAD, cache at HEAD~10 ${incremental.ours.ms.toFixed(0).padStart(7)} ms  ${incremental.ratio.toFixed(2)}x changed files only (target <= 1.20x); report ${sameIncremental ? 'identical' : 'DIFFERENT'} to an uncached run`,
    );
    const within = warm.ms / cold.ms <= 0.1 && incremental.ratio <= 1.2 && sameWarm && sameIncremental;
    console.log(`  ${within ? 'within targets' : 'OUTSIDE TARGETS'}`);
    await oneFile(bin, runs, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One file, warm, on the 10,000-note history, against `git blame` of that file with the same flags. */
async function oneFile(bin, runs, scratch) {
  const repo = await notesRepository(1);
  const cache = path.join(scratch, 'notes');
  const file = 'src/m1.ts';
  const git = () => measure('git', ['-C', repo, 'blame', '--incremental', '--root', '-M', '-C', 'HEAD', '--', file]);
  const ours = () => measure(process.execPath, [bin, 'blame', file, '--repo', repo, '--format', 'json', '--quiet', '--blame-cache', cache]);
  const paired = await pairedMedian(runs, git, ours);
  const version = await medianOf(runs, () => measure(process.execPath, [bin, 'blame', '--help']));
  console.log('');
  console.log(`one file on ${NOTES_COMMITS} commits with ${NOTES_COMMITS} git-ai notes, warm cache (pairs in turns)`);
  console.log(`  baseline  git blame -M -C ${file}       ${paired.baseline.ms.toFixed(0).padStart(7)} ms`);
  console.log(`  aiprov    blame ${file}, warm           ${paired.ours.ms.toFixed(0).padStart(7)} ms  ${paired.ratio.toFixed(2)}x git blame (target <= 3.00x)`);
  console.log(
    `  floor     aiprov blame --help          ${version.ms.toFixed(0).padStart(7)} ms  (Node and the CLI starting: ${(version.ms / paired.baseline.ms).toFixed(1)}x this git blame alone)`,
  );
  console.log(`  ${paired.ratio <= 3 ? 'within targets' : 'OUTSIDE TARGETS'}`);
}
