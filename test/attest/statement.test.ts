import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildBlameRepo } from '../../fixtures/blame-repo.js';
import { decodeBase64, IN_TOTO_PAYLOAD_TYPE, pae } from '../../src/attest/dsse.js';
import { authorshipPredicate, predicateType, PREDICATE_TYPES, reviewPredicate, statement, subjects } from '../../src/attest/statement.js';
import { scanHistory } from '../../src/authorship/scan.js';
import { blameTree } from '../../src/blame/blame.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { ctx, tempDir } from '../helpers.js';

describe('DSSE pre-authentication encoding', () => {
  it("matches the spec's vector, and counts bytes, not characters", () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    expect(pae('t/é', Buffer.from('ü')).toString('utf8')).toBe('DSSEv1 4 t/é 2 ü');
  });

  it('is what a signature made with plain node:crypto is over, and verifies there', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const body = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1' }));
    const signature = sign('sha256', pae(IN_TOTO_PAYLOAD_TYPE, body), privateKey);
    expect(verify('sha256', pae(IN_TOTO_PAYLOAD_TYPE, body), publicKey, signature)).toBe(true);
    // The same signature over the bare body, or under another payload type, does not verify.
    expect(verify('sha256', body, publicKey, signature)).toBe(false);
    expect(verify('sha256', pae('application/json', body), publicKey, signature)).toBe(false);
  });

  it('reads base64 in the standard and URL-safe alphabets, padded or not, and nothing looser', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0x01]);
    for (const text of ['+/+/AQ==', '+/+/AQ', '-_-_AQ==', '-_-_AQ']) expect(decodeBase64(text)).toEqual(bytes);
    expect(decodeBase64('')).toEqual(Buffer.alloc(0));
    for (const text of ['+_+/AQ==', '+/+/AQ=', '+/+/A', 'aGVsbG8*', 'aGVs bG8=', 'AR==', 'QUI==', '===='])
      expect([text, decodeBase64(text)]).toEqual([text, undefined]);
  });
});

describe('in-toto statements', () => {
  it('about a commit (and artifacts): each subject with a well-formed digest, or a usage error naming it', () => {
    const commit = 'a'.repeat(40);
    expect(subjects(commit, [{ name: 'dist/app.tgz', sha256: 'b'.repeat(64) }])).toEqual([
      { name: `git+commit:${commit}`, digest: { gitCommit: commit } },
      { name: 'dist/app.tgz', digest: { sha256: 'b'.repeat(64) } },
    ]);
    expect(() => subjects('abc123')).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT', message: 'commit abc123: is not a full commit id' }) as Error);
    expect(() => subjects(commit, [{ name: 'x', sha256: 'B'.repeat(64) }])).toThrow(/is not a SHA-256 digest/);
  });

  it('take predicate types by short name or full URI, and nothing else', () => {
    expect(predicateType('authorship')).toBe('https://aiprov.dev/ai-authorship/v1');
    expect(predicateType('https://cyclonedx.org/bom')).toBe(PREDICATE_TYPES.bom);
    expect(predicateType('deps')).toBe('https://aiprov.dev/dependency-audit/v1');
    expect(() => predicateType('https://aiprov.dev/ai-authorship/v2')).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }) as Error);
    expect(() => predicateType('Authorship')).toThrow(/is not a predicate type aiprov knows/);
  });

  it('ai-authorship/v1 of a real repository validates: the statement and its predicate', async () => {
    const dir = await tempDir();
    const { shas } = await buildBlameRepo(dir);
    const head = shas.at(-1) ?? '';
    const context = await ctx(dir);
    const [scan, blame] = await Promise.all([scanHistory({ context, range: head }), blameTree({ context, rev: head })]);
    const predicate = authorshipPredicate({
      commit: head,
      attestedAt: new Date('2026-11-22T10:00:00Z'),
      range: head,
      scanSummary: scan.summary,
      commitReport: scan.commits.find((c) => c.sha === head) ?? null,
      blame,
    });
    const s = statement(subjects(head), PREDICATE_TYPES.authorship, predicate);
    expect(validateAgainst('statement', s)).toBeNull();
    expect(validateAgainst('authorshipPredicate', s.predicate)).toBeNull();
    expect(s.predicate.blame.totals.aiLines).toBe(blame.totals.aiLines);
    expect(s.predicate.parameters).toEqual({ range: head, since: null, detection: 'copies' });
    // A predicate that says more or less than its schema is caught.
    expect(validateAgainst('authorshipPredicate', { ...predicate, extra: 1 })).not.toBeNull();
    expect(validateAgainst('authorshipPredicate', { ...predicate, commit: 'HEAD' })).not.toBeNull();
  });

  it('review/v1 validates, and a decision or time it does not know is refused', () => {
    const review = reviewPredicate({
      reviewer: { name: 'Dana Human', email: 'dana@example.com' },
      scope: { range: 'main..feature' },
      decision: 'approved',
      reviewedAt: '2026-11-22T10:00:00Z',
    });
    expect(validateAgainst('reviewPredicate', review)).toBeNull();
    expect(validateAgainst('statement', statement(subjects('c'.repeat(40)), PREDICATE_TYPES.review, review))).toBeNull();
    expect(validateAgainst('reviewPredicate', { ...review, decision: 'lgtm' })).not.toBeNull();
    expect(validateAgainst('reviewPredicate', { ...review, reviewedAt: 'yesterday' })).not.toBeNull();
    expect(
      validateAgainst('statement', { ...statement(subjects('c'.repeat(40)), PREDICATE_TYPES.review, review), subject: [{ name: 'x', digest: {} }] }),
    ).not.toBeNull();
  });
});
