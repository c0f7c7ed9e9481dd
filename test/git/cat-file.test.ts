import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { linearRepo } from '../../fixtures/repos.js';
import { BlobStream } from '../../src/git/cat-file.js';
import { GitRunner } from '../../src/git/runner.js';
import { tempDir } from '../helpers.js';

function writeBlob(dir: string, content: Buffer | string): string {
  return execFileSync('git', ['-C', dir, 'hash-object', '-w', '--stdin'], { input: content }).toString().trim();
}

async function readAll(stream: BlobStream, oids: string[]): Promise<[string, string | undefined][]> {
  const out: [string, string | undefined][] = [];
  // A blob is a view valid until the next one is asked for: copied as it comes.
  for await (const [oid, blob] of stream.read(oids))
    out.push([oid, Buffer.isBuffer(blob) ? blob.toString('utf8') : blob === undefined ? undefined : `too large: ${blob.tooLarge}`]);
  return out;
}

describe('one git cat-file kept running for many reads', () => {
  it('answers each request in the order asked, missing objects as undefined, blobs larger than a pipe whole', async () => {
    const dir = await tempDir();
    await linearRepo(dir, 1);
    const big = 'x'.repeat(300_000) + '\nend';
    const [a, b, c] = [writeBlob(dir, 'first\n'), writeBlob(dir, big), writeBlob(dir, '')];
    const missing = 'f'.repeat(40);
    const stream = new BlobStream(new GitRunner(dir));
    expect(await readAll(stream, [b, missing, a, c])).toEqual([
      [b, big],
      [missing, undefined],
      [a, 'first\n'],
      [c, ''],
    ]);
    // The same process answers again.
    expect(await readAll(stream, [a])).toEqual([[a, 'first\n']]);
  });

  it('passes over an object larger than its cap as it streams by, answers its size, and stays in step', async () => {
    const dir = await tempDir();
    await linearRepo(dir, 1);
    const [small, large] = [writeBlob(dir, 'small\n'), writeBlob(dir, 'y'.repeat(500_000))];
    const stream = new BlobStream(new GitRunner(dir), 100_000);
    expect(await readAll(stream, [large, small, large, small])).toEqual([
      [large, 'too large: 500000'],
      [small, 'small\n'],
      [large, 'too large: 500000'],
      [small, 'small\n'],
    ]);
  });

  it('lets overlapping requests take turns instead of mixing their answers', async () => {
    const dir = await tempDir();
    await linearRepo(dir, 1);
    const oids = Array.from({ length: 50 }, (_, i) => writeBlob(dir, `blob ${i}\n`.repeat(500)));
    const stream = new BlobStream(new GitRunner(dir));
    const [one, two] = await Promise.all([readAll(stream, oids.slice(0, 25)), readAll(stream, oids.slice(25))]);
    expect(one.map(([, text]) => text)).toEqual(oids.slice(0, 25).map((_, i) => `blob ${i}\n`.repeat(500)));
    expect(two.map(([, text]) => text)).toEqual(oids.slice(25).map((_, i) => `blob ${i + 25}\n`.repeat(500)));
  });

  it('a reader that stops early leaves the stream usable for the next request', async () => {
    const dir = await tempDir();
    await linearRepo(dir, 1);
    const [a, b, c] = [writeBlob(dir, 'a\n'), writeBlob(dir, 'b\n'), writeBlob(dir, 'c\n')];
    const stream = new BlobStream(new GitRunner(dir));
    for await (const [oid] of stream.read([a, b, c])) {
      expect(oid).toBe(a);
      break;
    }
    // b's and c's answers were asked for and must not be taken for these.
    expect(await readAll(stream, [c, a])).toEqual([
      [c, 'c\n'],
      [a, 'a\n'],
    ]);
  });

  it('does not keep the process alive between reads: a script that reads once ends by itself', () => {
    // Node would wait forever on a referenced child whose input is still open.
    // dist/ is built from the current source before the tests (global-setup.ts).
    const script = `
      import { BlobStream } from ${JSON.stringify(new URL('../../dist/git/cat-file.js', import.meta.url).pathname)};
      import { GitRunner } from ${JSON.stringify(new URL('../../dist/git/runner.js', import.meta.url).pathname)};
      const stream = new BlobStream(new GitRunner(process.argv[1]));
      for await (const [, blob] of stream.read([process.argv[2]])) process.stdout.write(blob);
    `;
    return (async () => {
      const dir = await tempDir();
      await linearRepo(dir, 1);
      const oid = writeBlob(dir, 'done\n');
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, dir, oid], { timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
      expect(out.toString()).toBe('done\n');
    })();
  });
});
