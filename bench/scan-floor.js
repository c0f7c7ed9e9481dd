// The floor under `aiprov scan --format json`: a Node program that only reads the same `git log` and writes each
// commit as the scan report does (same fields, same JSON, 64 KB writes), with no analysis at all. No scan written in
// Node can be faster; the scan bench prints it beside git log so that the target's room is seen.
// usage: node bench/scan-floor.js REPO > report.json
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';

const FORMAT = ['%H', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%B'].join('%x1f');
const git = spawn('git', ['-C', process.argv[2], 'log', '--no-color', '--no-notes', '--encoding=UTF-8', '-z', `--format=${FORMAT}`, 'HEAD'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let pending = Buffer.alloc(0);
let out = [];
let size = 0;
let first = true;
const write = (text) => {
  out.push(text);
  size += text.length;
  if (size >= 65_536) flush();
};
const flush = () => {
  process.stdout.write(out.join(''));
  out = [];
  size = 0;
};
write('{"commits":[\n');
git.stdout.on('data', (chunk) => {
  const buffer = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
  let start = 0;
  for (let end = buffer.indexOf(0, start); end !== -1; end = buffer.indexOf(0, start)) {
    const [sha, parents, an, ae, aI, cn, ce, , message = ''] = buffer.toString('utf8', start, end).split('\x1f');
    start = end + 1;
    const eol = message.indexOf('\n');
    const commit = {
      sha,
      parents: parents ? parents.split(' ') : [],
      author: { name: an, email: ae },
      committer: { name: cn, email: ce },
      authoredAt: aI,
      subject: eol === -1 ? message : message.slice(0, eol),
      ai: false,
      automation: false,
      detections: [],
    };
    write(`${first ? '' : ',\n'}${JSON.stringify(commit)}`);
    first = false;
  }
  pending = buffer.subarray(start);
});
git.on('close', (code) => {
  write('\n]}\n');
  flush();
  process.exitCode = code ?? 1;
});
