// Runs a command and measures its wall time and peak resident memory (VmHWM,
// read from /proc while it runs), with standard output sent to /dev/null.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';

export function measure(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const devNull = openSync('/dev/null', 'w');
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', devNull, 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let peakKb = 0;
    let stderr = '';
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* the process has exited */
      }
    };
    const timer = setInterval(sample, 5);
    child.stderr.setEncoding('utf8').on('data', (t) => {
      stderr += t;
    });
    child.on('error', reject);
    child.on('exit', () => {
      sample();
    });
    child.on('close', (code) => {
      clearInterval(timer);
      closeSync(devNull);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.trim().split('\n')[0]}`));
      else resolve({ ms, peakMb: peakKb / 1024 });
    });
  });
}

/** Median of `runs` measurements, after one warm-up. */
export async function medianOf(runs, fn) {
  await fn();
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await fn());
  results.sort((a, b) => a.ms - b.ms);
  const mid = results[Math.floor(results.length / 2)];
  return { ms: mid.ms, peakMb: Math.max(...results.map((r) => r.peakMb)) };
}

/**
 * A baseline and a command measured in turns, `runs` pairs after one warm-up
 * of each: the ratio is the median of each pair's ratio, so that a shared
 * machine slowing down for a while slows both sides of a pair alike instead of
 * landing on one side of the comparison.
 */
export async function pairedMedian(runs, baseline, command) {
  await baseline();
  await command();
  const pairs = [];
  for (let i = 0; i < runs; i++) {
    const base = await baseline();
    const ours = await command();
    pairs.push({ base, ours, ratio: ours.ms / base.ms });
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    ratio: median(pairs.map((p) => p.ratio)),
    baseline: { ms: median(pairs.map((p) => p.base.ms)), peakMb: Math.max(...pairs.map((p) => p.base.peakMb)) },
    ours: { ms: median(pairs.map((p) => p.ours.ms)), peakMb: Math.max(...pairs.map((p) => p.ours.peakMb)) },
  };
}
