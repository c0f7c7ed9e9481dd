import { rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, initRepo } from '../../fixtures/repos.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';

describe('a blob missing from the repository', () => {
  it('is named by its file, not only its id, with what to do (exit 2)', async () => {
    const dir = await tempDir();
    initRepo(dir);
    await writeFile(path.join(dir, 'kept.txt'), 'kept\n');
    await writeFile(path.join(dir, 'lost.txt'), 'this object goes missing\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'Add two files');
    const oid = git(dir, 'rev-parse', 'HEAD:lost.txt').trim();
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    rmSync(path.join(dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2)));
    const result = await runCli(['blame', '--repo', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `aiprov: lost.txt at ${head.slice(0, 12)} (blob ${oid}) is missing from the repository (a partial or damaged clone): fetch it (git fetch --refetch), or leave the file out (--exclude)\n`,
    );
  });
});
