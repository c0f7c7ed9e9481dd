import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { importHistory } from '../../src/git/fast-import.js';
import { printable } from '../../src/render/printable.js';
import { makeStyle } from '../../src/render/style.js';
import { tempDir } from '../helpers.js';
import { runCli } from './run-cli.js';

const OSC_TITLE = '\x1b]0;pwned\x07';
const CLEAR = '\x1b[2J';

describe('nothing from the repository reaches the terminal as a control sequence', () => {
  it('escapes C0, DEL, C1 and bidi controls visibly, keeps newlines, tabs and the styling aiprov writes itself', () => {
    expect(printable(`a${OSC_TITLE}b${CLEAR}c\r\x7f\x9b\u202e!`)).toBe('a\\x1b]0;pwned\\x07b\\x1b[2Jc\\x0d\\x7f\\x9b\\u202e!');
    expect(printable('two\nlines\tand tabs')).toBe('two\nlines\tand tabs');
    const style = makeStyle(true, {});
    const styled = `${style.bold('aiprov scan')} ${style.dim('x')} ${style.accent('abc123')}`;
    expect(printable(styled)).toBe(styled);
    // A sequence that merely starts like ours is not ours.
    expect(printable('\x1b[1;31mred')).toBe('\\x1b[1;31mred');
  });

  it('scan as a table and as markdown shows a hostile subject and model escaped; JSON keeps them exact', async () => {
    const dir = await tempDir();
    initRepo(dir);
    await importHistory(dir, [commitAt(0, `Fix ${OSC_TITLE}${CLEAR}parser\n\nCo-authored-by: aider (evil${CLEAR}model) <aider@aider.chat>\n`)]);
    for (const format of ['table', 'markdown']) {
      const result = await runCli(['scan', '--repo', dir, '--format', format]);
      expect(result.code).toBe(0);
      expect(result.stdout.includes('\x07') || result.stdout.includes('\x1b'), format).toBe(false);
      // Shown, not sent (markdown also escapes its own brackets, hence the optional backslashes).
      expect(result.stdout, format).toMatch(/\\x1b\\?\]0;pwned\\x07/);
      expect(result.stdout, format).toMatch(/evil\\x1b\\?\[2jmodel/); // model ids are normalised to lower case
    }
    const json = await runCli(['scan', '--repo', dir, '--format', 'json']);
    const report = JSON.parse(json.stdout) as { commits: { subject: string; detections: { model?: string }[] }[] };
    expect(report.commits[0]?.subject).toBe(`Fix ${OSC_TITLE}${CLEAR}parser`);
    expect(report.commits[0]?.detections[0]?.model).toBe(`evil${CLEAR.toLowerCase()}model`);
  });

  it('warnings on stderr are escaped too (a file name with an escape in it)', async () => {
    const dir = await tempDir();
    initRepo(dir);
    await importHistory(dir, [commitAt(0, 'One\n')]);
    const name = `requirements${CLEAR}.txt`;
    await symlink('/etc/hostname', path.join(dir, name));
    const result = await runCli([
      'deps',
      'audit',
      '--repo',
      dir,
      '--offline',
      '--no-history',
      '--cache-dir',
      path.join(dir, '.cache-test'),
      '--format',
      'json',
    ]);
    expect(result.stderr).toContain(`requirements\\x1b[2J.txt is a symbolic link`);
    expect(result.stderr.includes('\x1b')).toBe(false);
  });
});
