// npm run bench: aibom's speed and memory against a baseline measured in the same run.
import { fileURLToPath } from 'node:url';
import { benchRepository } from './history.js';
import { measure, medianOf } from './measure.js';

const BIN = fileURLToPath(new URL('../bin/aibom.js', import.meta.url));
const FORMAT = ['%H', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%B'].join('%x1f');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const t0 = Date.now();
const repo = await benchRepository(100_000);
console.log(`repository: ${repo} (100,000 commits, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);

const gitLog = await medianOf(RUNS, () => measure('git', ['-C', repo, 'log', '--no-color', '--no-notes', '--encoding=UTF-8', '-z', `--format=${FORMAT}`, 'HEAD']));
const scan = await medianOf(RUNS, () => measure(process.execPath, [BIN, 'scan', '--repo', repo, '--format', 'json', '--quiet']));

// Memory must not grow with history: the same scan over a tenth of it.
const tenth = await medianOf(1, () => measure(process.execPath, [BIN, 'scan', 'HEAD~10000..HEAD', '--repo', repo, '--format', 'json', '--quiet']));

const ratio = scan.ms / gitLog.ms;
console.log('');
console.log('scan of 100,000 commits (median of %d runs)', RUNS);
console.log(`  baseline  git log, same fields     ${gitLog.ms.toFixed(0).padStart(6)} ms  peak RSS ${gitLog.peakMb.toFixed(0).padStart(4)} MB`);
console.log(`  aibom     scan --format json       ${scan.ms.toFixed(0).padStart(6)} ms  peak RSS ${scan.peakMb.toFixed(0).padStart(4)} MB`);
console.log(`  ratio     ${ratio.toFixed(2)}x git log (target <= 2.00x); peak RSS ${scan.peakMb.toFixed(0)} MB (target < 300 MB)`);
console.log(`  memory    ${tenth.peakMb.toFixed(0)} MB for the newest 10,000 commits, ${scan.peakMb.toFixed(0)} MB for all 100,000 (${(scan.peakMb / tenth.peakMb).toFixed(2)}x for 10x the history)`);
const ok = ratio <= 2 && scan.peakMb < 300;
console.log(`  ${ok ? 'within targets' : 'OUTSIDE TARGETS'}`);
