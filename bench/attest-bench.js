// The authorship attestation of the 100,000-commit repository, made from the scan and blame the pipeline already has
// (--scan-report, --blame-report) against made from scratch: what `attest` costs once its inputs are computed.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { benchRepository } from './history.js';
import { measure, pairedMedian } from './measure.js';

export async function benchAttest(bin, runs) {
  const repo = await benchRepository(100_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aiprov-bench-attest-'));
  const env = { ...process.env, AIPROV_PASSWORD: 'bench' };
  const run = (args) => {
    const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`aiprov ${args.join(' ')}: ${r.stderr}`);
  };
  try {
    run(['keygen', '--prefix', path.join(dir, 'k')]);
    run(['scan', '--repo', repo, '--format', 'json', '-o', path.join(dir, 'scan.json'), '--quiet']);
    run(['blame', '--repo', repo, '--contributors', '--format', 'json', '-o', path.join(dir, 'blame.json'), '--quiet']);
    process.env.AIPROV_PASSWORD = 'bench';
    const attest = (extra) => () =>
      measure(process.execPath, [bin, 'attest', '--repo', repo, '--key', path.join(dir, 'k.key'), '--output-dir', path.join(dir, 'out'), '--quiet', ...extra]);
    const paired = await pairedMedian(runs, attest([]), attest(['--scan-report', path.join(dir, 'scan.json'), '--blame-report', path.join(dir, 'blame.json')]));
    console.log('');
    console.log("attest --predicate authorship of 100,000 commits (%d runs of each, in turns; ratio: median of the pairs' ratios)", runs);
    console.log(
      `  baseline  attest, scanning and blaming ${paired.baseline.ms.toFixed(0).padStart(6)} ms  peak RSS ${paired.baseline.peakMb.toFixed(0).padStart(4)} MB`,
    );
    console.log(
      `  aiprov    attest with the reports given ${paired.ours.ms.toFixed(0).padStart(5)} ms  peak RSS ${paired.ours.peakMb.toFixed(0).padStart(4)} MB`,
    );
    console.log(`  ratio     ${paired.ratio.toFixed(2)}x (target <= 0.20x)`);
    console.log(`  ${paired.ratio <= 0.2 ? 'within targets' : 'OUTSIDE TARGETS'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
