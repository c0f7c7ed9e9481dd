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
      } catch { /* the process has exited */ }
    };
    const timer = setInterval(sample, 5);
    child.stderr.setEncoding('utf8').on('data', (t) => { stderr += t; });
    child.on('error', reject);
    child.on('exit', () => { sample(); });
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
