// Builds (once, cached outside the repository) a 100,000-commit repository with
// a realistic mix of agent trailers, bot identities, notes and plain commits.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importHistory } from '../dist/git/fast-import.js';

const HUMANS = [
  ['Alice Martin', 'alice@example.com'],
  ['Bob Chen', 'bob@example.com'],
  ['Chidi Okafor', 'chidi@example.com'],
  ['Dana Levi', 'dana@example.com'],
];
const T0 = 1_600_000_000;

function* commits(count) {
  for (let i = 0; i < count; i++) {
    const [name, email] = HUMANS[i % HUMANS.length];
    const author = { name, email, time: T0 + i * 600 };
    const subject = `Change ${i}: update module ${i % 500}`;
    const body = `Adjust the handling of case ${i} in module ${i % 500}.\nKeeps behaviour the same for existing callers.`;
    const kind = i % 20;
    const files = { [`src/m${i % 500}.ts`]: `export const v = ${i};\n` };
    if (kind < 4) {
      yield {
        author,
        message: `${subject}\n\n${body}\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n`,
        files,
      };
    } else if (kind === 4) {
      yield {
        author: { ...author, name: `${name} (aider)` },
        committer: { ...author, name: `${name} (aider)` },
        message: `aider: ${subject}\n\nCo-authored-by: aider (gpt-4o) <aider@aider.chat>\n`,
        files,
      };
    } else if (kind === 5) {
      yield {
        author: { name: 'copilot-swe-agent[bot]', email: '198982749+Copilot@users.noreply.github.com', time: author.time },
        message: `${subject}\n\nCo-authored-by: ${name} <${email}>\n`,
        files,
      };
    } else if (kind === 6) {
      yield {
        author: { name: 'dependabot[bot]', email: '49699333+dependabot[bot]@users.noreply.github.com', time: author.time },
        message: `Bump dep-${i % 50} from 1.0.${i % 7} to 1.0.${(i % 7) + 1}\n\nSigned-off-by: dependabot[bot] <support@github.com>\n`,
        files,
      };
    } else if (kind === 7) {
      yield { author, message: `${subject}\n\n${body}\n\nAssisted-by: Claude:claude-opus-4 coccinelle\nSigned-off-by: ${name} <${email}>\n`, files };
    } else if (kind === 8 && i % 40 === 8) {
      yield {
        author,
        message: `${subject}\n\n${body}\n`,
        files,
        notes: {
          'refs/notes/aiprov': JSON.stringify({
            schema: 'https://aiprov.dev/authorship-note/v1',
            records: [{ agent: 'cursor', model: 'gpt-5', tool: { name: 'aiprov', version: '0.1.0' }, recordedAt: '2026-01-01T00:00:00Z' }],
          }),
        },
      };
    } else {
      yield { author, message: `${subject}\n\n${body}\n\nReviewed-by: ${HUMANS[(i + 1) % HUMANS.length][0]} <${HUMANS[(i + 1) % HUMANS.length][1]}>\n`, files };
    }
  }
}

export async function benchRepository(count = 100_000) {
  const root = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'aiprov-bench');
  const dir = path.join(root, `history-${count}-v1`);
  if (existsSync(path.join(dir, '.git'))) return dir;
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', building]);
  await importHistory(building, commits(count));
  renameSync(building, dir);
  return dir;
}
