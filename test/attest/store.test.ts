import { describe, expect, it } from 'vitest';
import type { SerializedBundle } from '../../src/attest/sign.js';
import { appendBundles, ATTESTATIONS_REF, readStoredBundles } from '../../src/attest/store.js';
import { git, linearRepo } from '../../fixtures/repos.js';
import { ctx, tempDir } from '../helpers.js';

const fake = (n: number): SerializedBundle => ({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', n }) as unknown as SerializedBundle;

describe('attestations in refs/notes/aiprov-attestations', () => {
  it('appends: several bundles per commit kept in order, a repeat not added twice, concurrent writers all kept', async () => {
    const repo = await tempDir();
    const [first, second] = await linearRepo(repo, 2);
    const context = await ctx(repo);
    await appendBundles(context.git, first ?? '', [fake(1), fake(2)]);
    await appendBundles(context.git, first ?? '', [fake(2), fake(3)]);
    expect((await readStoredBundles(context.git, first ?? '')).map((b) => (b.json as { n: number }).n)).toEqual([1, 2, 3]);
    // Eight writers at once on one commit: the compare-and-swap retries, no bundle is lost.
    await Promise.all(Array.from({ length: 8 }, (_, i) => appendBundles(context.git, second ?? '', [fake(10 + i)])));
    const stored = await readStoredBundles(context.git, second ?? '');
    expect(stored.map((b) => (b.json as { n: number }).n).sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17]);
    expect(stored[0]?.source).toMatch(new RegExp(`^${ATTESTATIONS_REF}:${(second ?? '').slice(0, 12)}#1$`));
    // The other commit's note is untouched, and a plain `git notes` reads the JSON lines.
    expect(
      git(repo, 'notes', `--ref=${ATTESTATIONS_REF}`, 'show', first ?? '')
        .trim()
        .split('\n'),
    ).toHaveLength(3);
  });

  it('a line that is not JSON is reported as such (a failed bundle check), not skipped; a commit without a note has none', async () => {
    const repo = await tempDir();
    const [first, second] = await linearRepo(repo, 2);
    git(repo, 'notes', `--ref=${ATTESTATIONS_REF}`, 'add', '-m', '{"mediaType":"x"}\nnot json', first ?? '');
    const context = await ctx(repo);
    const stored = await readStoredBundles(context.git, first ?? '');
    expect(stored.map((b) => b.json)).toEqual([{ mediaType: 'x' }, undefined]);
    expect(await readStoredBundles(context.git, second ?? '')).toEqual([]);
  });
});
