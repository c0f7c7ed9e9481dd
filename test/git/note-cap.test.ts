import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, linearRepo } from '../../fixtures/repos.js';
import { NOTE_CAP } from '../../src/git/types.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';

describe('a note larger than aiprov reads (issue 24, case 8)', () => {
  it('is never read whole: verify --from-notes names it and cannot decide (exit 2); other commands say it in a warning', async () => {
    const repo = await tempDir();
    const [, head = ''] = await linearRepo(repo, 2);
    const big = path.join(repo, '..', 'big-note.txt');
    await writeFile(big, 'x'.repeat(NOTE_CAP + 1024));
    git(repo, 'notes', '--ref=aiprov-attestations', 'add', '-F', big, head);
    const oid = git(repo, 'rev-parse', `refs/notes/aiprov-attestations:${head}`).trim();
    const keys = await tempDir();
    expect((await runCli(['keygen', '--prefix', path.join(keys, 'ci')], { env: { AIPROV_PASSWORD: 'pw' } })).code).toBe(0);
    const run = await runCli(['verify', '--repo', repo, '--from-notes', '--type', 'authorship', '--key', path.join(keys, 'ci.pub')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `aiprov: the attestations note on ${head.slice(0, 12)} points at note object ${oid} of 32 MB, more than the 32 MB aiprov reads for one note (not read)\n`,
    );
  });
});
