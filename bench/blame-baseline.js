// The baseline aider's script uses: `git blame` file by file, one after the
// other, then each blamed commit labelled (here with aiprov's own engine, so
// the counts can be compared line for line).
import { execFileSync } from 'node:child_process';
import { BUILTIN_SIGNATURES } from '../dist/authorship/signatures.js';
import { SignatureEngine } from '../dist/authorship/engine.js';

export function sequentialBlame(repo) {
  const files = execFileSync('git', ['ls-tree', '-r', '-z', '--name-only', 'HEAD'], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28 })
    .split('\0')
    .filter(Boolean);
  const linesBySha = new Map();
  let total = 0;
  for (const file of files) {
    const out = execFileSync('git', ['blame', '--porcelain', '--root', '-M', '-C', 'HEAD', '--', file], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28 });
    for (const line of out.split('\n')) {
      const m = /^([0-9a-f]{40}) \d+ \d+ (\d+)$/.exec(line);
      if (m) {
        linesBySha.set(m[1], (linesBySha.get(m[1]) ?? 0) + Number(m[2]));
        total += Number(m[2]);
      }
    }
  }
  const engine = new SignatureEngine(BUILTIN_SIGNATURES);
  const log = execFileSync('git', ['log', '--no-walk=unsorted', '--stdin', '-z', '--format=%H%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%B'], {
    cwd: repo,
    input: [...linesBySha.keys()].join('\n'),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  let ai = 0;
  for (const record of log.split('\0')) {
    if (!record) continue;
    const [sha, an, ae, cn, ce, ...rest] = record.split('\x1f');
    const match = engine.match({
      sha,
      parents: [],
      author: { name: an, email: ae },
      committer: { name: cn, email: ce },
      authoredAt: '',
      committedAt: '',
      message: rest.join('\x1f'),
    });
    if (match.detections.some((d) => d.role === 'author')) ai += linesBySha.get(sha) ?? 0;
  }
  return { files: files.length, total, ai };
}
