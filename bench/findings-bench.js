// `npm run bench -- findings`: 10,000 SARIF results on the 2,000-file benchmark tree attributed by `aiprov findings`,
// against `aiprov blame` of the files those results touch (the blame dominates; the join must not: target <= 1.1x).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pairedMedian, measure } from './measure.js';
import { FILES, treeRepository } from './tree-history.js';

const RESULTS = 10_000;
const TOUCHED = 1_000;

/** A deterministic log: RESULTS results over TOUCHED files (every other module), a fifth of them spanning three lines. */
function sarifLog(files) {
  let s = 7;
  const next = () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31);
  const results = Array.from({ length: RESULTS }, (_, i) => {
    const file = files[next() % files.length];
    const startLine = 1 + (next() % 38);
    return {
      ruleId: `bench/rule-${i % 25}`,
      level: i % 7 === 0 ? 'error' : 'warning',
      message: { text: 'a finding' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: file, uriBaseId: 'SRCROOT' },
            region: { startLine, ...(i % 5 === 0 ? { endLine: startLine + 2 } : {}) },
          },
        },
      ],
    };
  });
  return {
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'bench-scanner', rules: [] } }, artifacts: files.map((uri) => ({ location: { uri, uriBaseId: 'SRCROOT' } })), results }],
  };
}

export async function benchFindings(bin, runs) {
  const repo = await treeRepository();
  const files = Array.from({ length: TOUCHED }, (_, i) => `src/pkg${(i * 2) % 40}/module${i * 2}.ts`);
  const listed = spawnSync('git', ['-C', repo, 'ls-tree', '-r', '--name-only', 'HEAD'], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout.split('\n');
  const missing = files.filter((f) => !listed.includes(f));
  if (missing.length > 0) throw new Error(`the benchmark tree has no ${missing[0]}: its layout changed`);
  const work = mkdtempSync(path.join(os.tmpdir(), 'aiprov-bench-findings-'));
  try {
    const log = path.join(work, 'bench.sarif');
    writeFileSync(log, JSON.stringify(sarifLog(files)));
    const paired = await pairedMedian(
      runs,
      () => measure(process.execPath, [bin, 'blame', '--repo', repo, '--format', 'json', '--quiet', ...files]),
      () => measure(process.execPath, [bin, 'findings', '--repo', repo, '--sarif', log, '--format', 'json', '--quiet']),
    );
    const report = JSON.parse(
      spawnSync(process.execPath, [bin, 'findings', '--repo', repo, '--sarif', log, '--format', 'json', '--quiet'], { encoding: 'utf8', maxBuffer: 1 << 28 })
        .stdout,
    );
    console.log('');
    console.log(`findings: ${RESULTS.toLocaleString('en-US')} SARIF results over ${TOUCHED} of the ${FILES} files (${runs} runs of each, in turns)`);
    console.log(
      `  baseline  blame of the ${TOUCHED} files           ${paired.baseline.ms.toFixed(0).padStart(6)} ms  peak RSS ${paired.baseline.peakMb.toFixed(0).padStart(4)} MB`,
    );
    console.log(
      `  aiprov    findings --format json        ${paired.ours.ms.toFixed(0).padStart(6)} ms  peak RSS ${paired.ours.peakMb.toFixed(0).padStart(4)} MB`,
    );
    console.log(
      `  ratio     ${paired.ratio.toFixed(2)}x the blame (target <= 1.10x); ${report.totals.attributed} of ${report.totals.results} attributed, ${report.totals.ai} in AI-written lines`,
    );
    console.log(`  ${paired.ratio <= 1.1 && report.totals.attributed === RESULTS ? 'within targets' : 'OUTSIDE TARGETS'}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
