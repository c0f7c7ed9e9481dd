/**
 * Issue 8, item 7: --output writes atomically only over regular files
 * (keeping their mode), writes through to devices, follows a symbolic link
 * deliberately (the link stays), and a signal removes the temporary file.
 */
import { spawnSync } from 'node:child_process';
import { chmod, lstat, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileSink } from '../src/render/output.js';
import { tempDir } from './helpers.js';

async function write(file: string, text: string): Promise<void> {
  const sink = fileSink(file);
  await sink.write(text);
  await sink.commit();
}

describe('--output', () => {
  it('over a regular file: atomic, and its mode is kept (0600 stays 0600)', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'report.json');
    await writeFile(file, 'old\n');
    await chmod(file, 0o600);
    await write(file, 'new\n');
    expect(await readFile(file, 'utf8')).toBe('new\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['report.json']);
  });

  it('a device is written through, never replaced', async () => {
    await write('/dev/null', 'nothing\n');
    expect((await lstat('/dev/null')).isCharacterDevice()).toBe(true);
  });

  it('a symbolic link is followed: the file it points to is written, the link stays', async () => {
    const dir = await tempDir();
    const real = path.join(dir, 'real.json');
    await writeFile(real, 'old\n');
    const link = path.join(dir, 'link.json');
    await symlink(real, link);
    await write(link, 'new\n');
    expect(await readlink(link)).toBe(real);
    expect(await readFile(real, 'utf8')).toBe('new\n');
    await symlink(path.join(dir, 'missing.json'), path.join(dir, 'dangling.json'));
    await expect(write(path.join(dir, 'dangling.json'), 'x')).rejects.toThrow('is a symbolic link to a file that does not exist');
    await expect(write(dir, 'x')).rejects.toThrow(`cannot write ${dir}: it is a directory`);
  });

  it("SIGTERM in the middle of a write removes the temporary file (the CLI's handler)", async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'big.json');
    const script = `
      const { fileSink } = await import(${JSON.stringify(path.resolve('dist/render/output.js'))});
      const { removeOutputsOnSignal } = await import(${JSON.stringify(path.resolve('dist/cli/signals.js'))});
      removeOutputsOnSignal();
      const sink = fileSink(${JSON.stringify(target)});
      await sink.write('x'.repeat(1024 * 1024));
      await sink.write('y'.repeat(1024 * 1024));
      process.stdout.write(require('node:fs').readdirSync(${JSON.stringify(dir)}).join(',') + '\\n');
      process.kill(process.pid, 'SIGTERM');
      await new Promise((r) => setTimeout(r, 5000));
    `.replace("require('node:fs')", '(await import("node:fs"))');
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.signal).toBe('SIGTERM');
    expect(run.stdout).toMatch(/^\.big\.json\.tmp-\d+-[0-9a-f]+\n$/);
    expect(await readdir(dir)).toEqual([]);
  });
});
