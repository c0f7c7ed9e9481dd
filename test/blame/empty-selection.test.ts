/** Issue 8, item 22: a glob that matches nothing and a reversed range are warnings, not a silent "0 of 0 lines". */
import { describe, expect, it } from 'vitest';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { blameTree } from '../../src/blame/blame.js';
import { importHistory } from '../../src/git/fast-import.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { ctx, tempDir } from '../helpers.js';

describe('blame says when its selection is empty', () => {
  it('--include and --exclude globs that match nothing, and --since after --rev', async () => {
    const dir = await tempDir();
    initRepo(dir);
    const shas = await importHistory(
      dir,
      [0, 1, 2].map((i) => commitAt(i, `Change ${i}\n`, { files: { [`f${i}.py`]: `x = ${i}\n` } })),
    );
    const context = await ctx(dir);
    const globs = await blameTree({ context, include: ['*.nothing', '*.py'], exclude: ['*.none'] });
    expect(globs.warnings).toEqual([
      { code: 'EMPTY_SELECTION', message: '--include *.nothing matches no file at HEAD' },
      { code: 'EMPTY_SELECTION', message: '--exclude *.none matches no file at HEAD' },
    ]);
    expect(validateAgainst('blameReport', globs)).toBeNull();
    const reversed = await blameTree({ context, rev: shas[0] ?? '', since: shas[2] ?? '' });
    expect(reversed.warnings.map((w) => w.message)).toEqual([
      `--since ${shas[2] ?? ''} is not an ancestor of ${shas[0] ?? ''}: the range is reversed or the two histories diverged, so lines are counted from where they last met`,
    ]);
    const forward = await blameTree({ context, rev: shas[2] ?? '', since: shas[0] ?? '' });
    expect(forward.warnings).toEqual([]);
  });
});
