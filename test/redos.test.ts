/**
 * Issue 8, item 5: patterns from outside aiprov's code (a repository's
 * `.aiprov.yml` and `.gitattributes`, globs on the command line) run on a
 * linear-time engine, or are refused with the reason. Each case here hangs a
 * backtracking engine for hours; the last one measures the linear engine
 * against the native one in the same run, so a regression is a failed
 * assertion, not only a timeout.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAt, initRepo } from '../fixtures/repos.js';
import { scanHistory } from '../src/authorship/scan.js';
import { blameTree } from '../src/blame/blame.js';
import { importHistory } from '../src/git/fast-import.js';
import { linearPattern, PatternSyntaxError } from '../src/kernel/linear-regex.js';
import { ctx, tempDir } from './helpers.js';

const EVIL_AUTHOR = { name: `${'a'.repeat(60)}!`, email: 'x@example.com', time: 1_735_689_600 };
const GOOD_AUTHOR = { name: 'aaaa', email: 'y@example.com', time: 1_735_689_660 };

async function repoWith(files: Record<string, string>, commits = [commitAt(0, 'Start\n')]): Promise<string> {
  const dir = await tempDir();
  initRepo(dir);
  await importHistory(dir, commits);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

describe('signature patterns from .aiprov.yml', () => {
  it('^(a+)+$ against "aaa…a!" finishes, and still matches what it should', async () => {
    const dir = await repoWith({ '.aiprov.yml': 'signatures:\n  - id: evil\n    agent: claude-code\n    identity: { namePattern: "^(a+)+$" }\n' }, [
      commitAt(0, 'By the evil name\n', { author: EVIL_AUTHOR }),
      commitAt(1, 'By the matching name\n', { author: GOOD_AUTHOR }),
    ]);
    const report = await scanHistory({ context: await ctx(dir) });
    expect(report.commits.map((c) => [c.subject, c.ai])).toEqual([
      ['By the matching name', true],
      ['By the evil name', false],
    ]);
  });

  it('the same in a line pattern run on a long message', async () => {
    const dir = await repoWith({ '.aiprov.yml': 'signatures:\n  - id: evil\n    agent: other\n    name: Evil\n    line: "^(\\\\w+\\\\s?)*$"\n' }, [
      commitAt(0, `Subject\n\n${'word '.repeat(5000)}!\n`),
    ]);
    const report = await scanHistory({ context: await ctx(dir) });
    expect(report.commits[0]?.ai).toBe(false);
  });

  it('look-around and back-references are refused, naming the file, the signature and why', async () => {
    for (const [pattern, why] of [
      ['(?=a)b', 'look-around'],
      ['(a)\\\\1', 'back-references'],
    ] as const) {
      const dir = await repoWith({ '.aiprov.yml': `signatures:\n  - id: sig1\n    agent: other\n    name: X\n    subject: "${pattern}"\n` });
      const error = await ctx(dir).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      expect((error as Error).message).toContain(`${path.join(dir, '.aiprov.yml')}: signature 'sig1': invalid regular expression`);
      expect((error as Error).message).toContain(why);
    }
  });
});

describe('globs', () => {
  const EVIL_GLOB = `${'*a'.repeat(14)}*b`;
  const longName = 'a'.repeat(200);
  const matching = `${'a'.repeat(14)}.b`;

  it('--include with many stars against a long file name finishes', async () => {
    const dir = await tempDir();
    initRepo(dir);
    await importHistory(dir, [commitAt(0, 'Files\n', { files: { [longName]: 'x\n', [matching]: 'y\n' } })]);
    const report = await blameTree({ context: await ctx(dir), include: [EVIL_GLOB] });
    expect(report.files.map((f) => f.path)).toEqual([matching]);
  });

  it("a repository's .gitattributes with such a pattern finishes; a pattern that makes no glob matches nothing, as in git", async () => {
    const dir = await tempDir();
    initRepo(dir);
    await importHistory(dir, [
      commitAt(0, 'Files\n', {
        files: {
          [longName]: 'x\n',
          [matching]: 'y\n',
          'other.txt': 'z\n',
          '.gitattributes': `${EVIL_GLOB} linguist-generated\n[z-a] linguist-generated\n`,
        },
      }),
    ]);
    execFileSync('git', ['reset', '--quiet', '--hard', 'main'], { cwd: dir });
    const report = await blameTree({ context: await ctx(dir) });
    expect(report.files.map((f) => f.path).sort()).toEqual(['.gitattributes', longName, 'other.txt']);
    expect(report.excluded).toContainEqual({ path: matching, reason: 'generated' });
  });

  it('an --include that makes no glob is a usage error naming it', async () => {
    const dir = await repoWith({});
    await expect(blameTree({ context: await ctx(dir), include: ['[z-a]'] })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringContaining('include [z-a]: is not a glob aiprov can match') as unknown,
    });
  });
});

describe('linearPattern', () => {
  it('named groups, case-insensitivity, and the reason for a refusal', () => {
    expect(linearPattern('(?<model>claude-[\\w.-]+)', { ignoreCase: true }).group('by Claude-Opus-4', 'model')).toBe('Claude-Opus-4');
    expect(linearPattern('x').group('x', 'model')).toBeUndefined();
    expect(() => linearPattern('(?<=a)b')).toThrow(PatternSyntaxError);
  });
});

describe('the engine, measured', () => {
  // A bound measured against a baseline in the same run, not the test's timeout: the native backtracking engine on an input
  // that makes it explore 2^24 paths, and the linear engine on the same input (and on one a thousand times longer).
  it('^(a+)+$ on "a…a!": the native engine backtracks for long, the linear one stays flat as the input grows', () => {
    const source = '^(a+)+$';
    const input = `${'a'.repeat(24)}!`;
    const nanos = (run: () => void): number => {
      const started = process.hrtime.bigint();
      run();
      return Number(process.hrtime.bigint() - started);
    };
    const linear = linearPattern(source);
    linear.test(input);
    const ours =
      nanos(() => {
        for (let i = 0; i < 100; i++) expect(linear.test(input)).toBe(false);
      }) / 100;
    const native = nanos(() => {
      expect(new RegExp(source).test(input)).toBe(false);
    });
    // The native engine is the baseline: at least a hundred times slower on this input (in practice, tens of thousands).
    expect(ours * 100).toBeLessThan(native);
    // Linear: a thousand times the input costs nowhere near 2^1000 the time (a generous 20,000x for 1,000x the length).
    const long = `${'a'.repeat(24_000)}!`;
    const longer = nanos(() => {
      expect(linear.test(long)).toBe(false);
    });
    expect(longer).toBeLessThan(Math.max(ours, 1_000) * 20_000);
  });
});
