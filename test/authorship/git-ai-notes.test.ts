/**
 * git-ai authorship logs read as git-ai's standard defines them
 * (specs/git_ai_standard_v3.0.0.md in git-ai's repository, sections 1.2.3 to
 * 1.2.7): sessions, known humans, legacy prompts, records kept in another
 * commit's note, notes that attest no line. Each fixture note follows the
 * spec's own examples.
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { DirectoryCache } from '../../src/kernel/cache-store.js';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { scanHistory } from '../../src/authorship/scan.js';
import { readGitAiNote } from '../../src/authorship/commit-notes.js';
import { lastWins, parseGitAiNote } from '../../src/authorship/git-ai.js';
import { blameTree } from '../../src/blame/blame.js';
import type { BlameReport } from '../../src/blame/types.js';
import type { ScanReport } from '../../src/authorship/types.js';
import { importHistory } from '../../src/git/fast-import.js';
import { renderBlameTable } from '../../src/render/blame-render.js';
import { plainStyle } from '../../src/render/style.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { ctx, tempDir } from '../helpers.js';

const lines = (n: number, tag: string): string => Array.from({ length: n }, (_, i) => `${tag} ${i + 1}`).join('\n') + '\n';
const BASE = `"base_commit_sha": "${'7'.repeat(40)}"`;

// Spec 1.2.5: sessions format, one known human.
const SESSIONS = `src/main.rs
  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-10,15-20
  s_c9883b05a2487d::t_a1b2c3d4e5f678 25,30-35
  h_31dce776f88375 42-50
src/lib.rs
  s_e7f2a90b31cc48::t_deadbeef012345 1-50
---
{
  "schema_version": "authorship/3.0.0",
  "git_ai_version": "1.4.5",
  ${BASE},
  "prompts": {},
  "humans": { "h_31dce776f88375": { "author": "Developer <dev@example.com>" } },
  "sessions": {
    "s_c9883b05a2487d": { "agent_id": { "tool": "cursor", "id": "6ef2299e", "model": "claude-sonnet-4-5-20250514" }, "human_author": "dev@example.com" },
    "s_e7f2a90b31cc48": { "agent_id": { "tool": "claude", "id": "conv_abc123def456", "model": "claude-sonnet-4-5-20250514" }, "custom_attributes": { "team": "backend" } }
  }
}
`;

// A later note whose session record git-ai kept only in the note above (spec 2: records carried, looked up in history).
const CROSS = `src/main.rs
  s_c9883b05a2487d::t_0123456789abcd 1-5
---
{"schema_version":"authorship/3.0.0",${BASE},"prompts":{},"sessions":{}}
`;

// Only a known human and the legacy "human" key attest lines; a prompt record is kept but attests nothing.
const HUMANS_ONLY = `src/main.rs
  h_31dce776f88375 1-8
  human 9-12
---
{"schema_version":"authorship/3.0.0",${BASE},
 "prompts":{"abcd1234abcd1234":{"agent_id":{"tool":"claude","id":"x","model":"claude-opus-4-6"},"total_additions":1,"total_deletions":0,"accepted_lines":0,"overriden_lines":0}},
 "humans":{"h_31dce776f88375":{"author":"Developer <dev@example.com>"}}}
`;

// A merge-like note: records kept through the merge, no attestation at all (spec 2.2, "Standard Merge").
const NO_RANGES = `---
{"schema_version":"authorship/3.0.0",${BASE},
 "prompts":{"abcd1234abcd1234":{"agent_id":{"tool":"claude","id":"x","model":"claude-opus-4-6"},"total_additions":1,"total_deletions":0,"accepted_lines":1,"overriden_lines":0}},
 "sessions":{"s_e7f2a90b31cc48":{"agent_id":{"tool":"codex","id":"y","model":"gpt-5"}}}}
`;

// A session key no note keeps a record of; a legacy key with placeholder and quoted models; a later human entry over AI lines.
const MIXED = `src/main.rs
  s_00000000dead00::t_00000000000001 1-4
  abcd1234abcd1234 5-20
  ef0b5678ef0b5678 21-24
  fedcba9876543210 25-26
  h_31dce776f88375 10-12
---
{"schema_version":"authorship/3.0.0",${BASE},
 "prompts":{
  "abcd1234abcd1234":{"agent_id":{"tool":"codex","id":"a","model":"\\"gpt-5\\""},"total_additions":16,"total_deletions":0,"accepted_lines":16,"overriden_lines":0},
  "ef0b5678ef0b5678":{"agent_id":{"tool":"claude","id":"b","model":"<synthetic>"},"total_additions":4,"total_deletions":0,"accepted_lines":4,"overriden_lines":0},
  "fedcba9876543210":{"agent_id":{"tool":"cursor","id":"c","model":"default"},"total_additions":2,"total_deletions":0,"accepted_lines":2,"overriden_lines":0}},
 "humans":{"h_31dce776f88375":{"author":"Developer <dev@example.com>"}}}
`;

describe('git-ai notes, read as the standard defines them', () => {
  let dir: string;
  let shas: string[];
  let scan: ScanReport;
  const at = async (i: number): Promise<BlameReport> =>
    blameTree({ context: await ctx(dir), rev: shas[i] ?? '', since: i === 0 ? undefined : `${shas[i] ?? ''}^` });

  beforeAll(async () => {
    dir = await tempDir();
    initRepo(dir);
    shas = await importHistory(dir, [
      commitAt(0, 'Sessions\n', { files: { 'src/main.rs': lines(50, 'main'), 'src/lib.rs': lines(50, 'lib') }, notes: { 'refs/notes/ai': SESSIONS } }),
      commitAt(1, 'Record kept in an earlier note\n', {
        files: { 'src/main.rs': lines(5, 'cross') + lines(45, 'main').split('\n').slice(5).join('\n') },
        notes: { 'refs/notes/ai': CROSS },
      }),
      commitAt(2, 'Typed by a person\n', {
        files: { 'src/main.rs': lines(12, 'typed') + lines(45, 'main').split('\n').slice(12).join('\n') },
        notes: { 'refs/notes/ai': HUMANS_ONLY },
      }),
      commitAt(3, 'Merge-like commit\n', { files: { 'src/other.rs': lines(7, 'other') }, notes: { 'refs/notes/ai': NO_RANGES } }),
      commitAt(4, 'Mixed keys\n', {
        files: { 'src/main.rs': lines(26, 'mixed') + lines(45, 'main').split('\n').slice(26).join('\n') },
        notes: { 'refs/notes/ai': MIXED },
      }),
    ]);
    scan = await scanHistory({ context: await ctx(dir) });
  });

  const commit = (i: number): ScanReport['commits'][number] => {
    const found = scan.commits.find((c) => c.sha === shas[i]);
    if (!found) throw new Error(`commit ${i} not scanned`);
    return found;
  };

  it('reads sessions (s_ keys) with their agent and model, and a known human (h_) as a person', async () => {
    expect(commit(0).detections.map((d) => [d.agent, d.model])).toEqual([
      ['claude-code', 'claude-sonnet-4.5-20250514'],
      ['cursor', 'claude-sonnet-4.5-20250514'],
    ]);
    const blame = await at(0);
    const main = blame.files.find((f) => f.path === 'src/main.rs');
    // 1-10, 15-20, 25, 30-35 by cursor; 42-50 typed by a person.
    expect(main).toMatchObject({ lines: 50, aiLines: 23, byAgent: { cursor: 23 } });
    expect(blame.files.find((f) => f.path === 'src/lib.rs')).toMatchObject({ lines: 50, aiLines: 50, byAgent: { 'claude-code': 50 } });
    expect(validateAgainst('blameReport', blame)).toBeNull();
  });

  it("finds a session record kept in another commit's note, as git-ai does, and says where", async () => {
    expect(commit(1).detections.map((d) => [d.agent, d.model])).toEqual([['cursor', 'claude-sonnet-4.5-20250514']]);
    expect(commit(1).detections[0]?.evidence[0]?.text).toContain(`(record kept in the note of ${shas[0]?.slice(0, 12) ?? ''})`);
    expect((await at(1)).totals).toMatchObject({ lines: 5, aiLines: 5, byAgent: { cursor: 5 } });
  });

  it('keeps the index of records in other notes in a cache by notes tip, read back by the next run; a foreign entry is ignored, said', async () => {
    const store = new DirectoryCache(await tempDir(), 1 << 26);
    const warnings: string[] = [];
    const scanWith = async () => {
      const context = await ctx(dir);
      context.analyser.keepIndexesIn({ store, onWarning: (m) => warnings.push(m) });
      return (await scanHistory({ context })).commits.find((c) => c.sha === shas[1]);
    };
    const first = await scanWith();
    const tip = execFileSync('git', ['-C', dir, 'rev-parse', 'refs/notes/ai'], { encoding: 'utf8' }).trim();
    const key = `git-ai-record-index/${tip}`;
    const kept = JSON.parse((await store.get(key))?.toString('utf8') ?? '{}') as { ids: Record<string, string[]> };
    expect(Object.values(kept.ids).flat()).toContain(shas[0]);
    expect(await scanWith()).toEqual(first);
    // What the next run reads is the kept index: one that names no note for the record leaves the session unrecorded.
    await store.put(key, Buffer.from(JSON.stringify({ ...kept, ids: {} })));
    expect((await scanWith())?.detections.map((d) => d.agent)).toEqual(['other']);
    // An entry of another tip under this key is no index: ignored, with a warning, and the record found again.
    await store.put(key, Buffer.from(JSON.stringify({ ...kept, tip: '0'.repeat(40) })));
    expect(await scanWith()).toEqual(first);
    expect(warnings).toEqual([`cache entry ${key} in ${store.location} was ignored: it is of notes tip ${'0'.repeat(40)}, not ${tip}`]);
  });

  it('human keys (h_ and the legacy human) are people: scan and blame agree the commit has no AI line', async () => {
    expect(commit(2).ai).toBe(false);
    expect(commit(2).detections).toEqual([]);
    expect((await at(2)).totals).toMatchObject({ lines: 12, aiLines: 0, byAgent: {} });
    expect(commit(2).unattested).toEqual({ source: 'refs/notes/ai', records: 1, agents: ['claude-code'] });
  });

  it('a note naming agents but attesting no line makes no line AI, and the report says so', async () => {
    expect(commit(3).ai).toBe(false);
    expect(commit(3).unattested).toEqual({ source: 'refs/notes/ai', records: 2, agents: ['claude-code', 'codex'] });
    expect(scan.summary.unattestedCommits).toBe(2);
    expect((await at(3)).totals).toMatchObject({ lines: 7, aiLines: 0 });
    expect(validateAgainst('scanReport', scan)).toBeNull();
  });

  it('a later entry wins a line two entries claim; a key with no record anywhere is still AI, by an unknown agent', async () => {
    const blame = await at(4);
    // 1-4 unrecorded session; 5-20 codex less 10-12 (a person, written later); 21-24 claude; 25-26 cursor.
    expect(blame.totals).toMatchObject({ lines: 26, aiLines: 23, byAgent: { 'other': 4, 'codex': 13, 'claude-code': 4, 'cursor': 2 } });
    const unrecorded = commit(4).detections.find((d) => d.agent === 'other');
    expect(unrecorded).toMatchObject({ name: 'unrecorded git-ai session', confidence: 'declared' });
    expect(unrecorded?.evidence[0]?.text).toBe('s_00000000dead00::t_00000000000001 (no prompt or session record in this note or any other)');
  });

  it('strips quoting from model ids and reports placeholders as unknown, the value as written kept in the evidence', async () => {
    const byAgent = new Map(commit(4).detections.map((d) => [d.agent, d]));
    expect(byAgent.get('codex')?.model).toBe('gpt-5');
    expect(byAgent.get('claude-code')?.model).toBeUndefined();
    expect(byAgent.get('cursor')?.model).toBeUndefined();
    expect(byAgent.get('claude-code')?.evidence[0]?.text).toContain('"model":"<synthetic>"');
    expect(byAgent.get('cursor')?.evidence[0]?.text).toContain('"model":"default"');
    expect((await at(4)).totals.byModel).toEqual({ 'gpt-5': 13, 'unknown': 10 });
  });
});

describe('git-ai note parsing', () => {
  it('a later entry wins each line it shares with an earlier one, at any overlap', () => {
    expect(
      lastWins([
        { key: 'a', ranges: [[1, 10]] },
        {
          key: 'b',
          ranges: [
            [3, 4],
            [8, 12],
          ],
        },
        { key: 'c', ranges: [[4, 8]] },
      ]),
    ).toEqual([
      [[1, 2]],
      [
        [3, 3],
        [9, 12],
      ],
      [[4, 8]],
    ]);
  });

  it('keeps a hostile note with many overlapping entries fast', () => {
    const entries = Array.from({ length: 20_000 }, (_, i) => ({ key: `k${i}`, ranges: [[1, 100_000 - i]] as [number, number][] }));
    const won = lastWins(entries);
    // Each entry is overlapped by all later ones but for its last line.
    expect(won[19_999]).toEqual([[1, 80_001]]);
    expect(won[0]).toEqual([[100_000, 100_000]]);
    expect(won[5]).toEqual([[99_995, 99_995]]);
  });

  it('refuses what is not a git-ai log, naming why', () => {
    expect(parseGitAiNote('src/a.ts\n  abc 1\n')).toEqual({ ok: false, problem: 'has no --- divider (not a git-ai authorship log)' });
    expect(parseGitAiNote('---\n{"schema_version":"authorship/3.0.0","prompts":{}')).toEqual({
      ok: false,
      problem: 'has a metadata section that is not a JSON object',
    });
    expect(parseGitAiNote('---\n{"schema_version":"other/1","prompts":{}}')).toMatchObject({
      ok: false,
      problem: 'has schema_version "other/1", not authorship/*',
    });
    expect(parseGitAiNote('src/a.ts\n  abc 3-1\n---\n{"schema_version":"authorship/3.0.0","prompts":{}}')).toMatchObject({ ok: false });
  });

  it('skips transcripts without building them, and reads records whatever the JSON layout', () => {
    const transcript = JSON.stringify({ messages: [{ type: 'user', text: 'x'.repeat(1000) + '"}{[' }] });
    const note = `a.ts\n  0123456789abcdef 1-2\n---\n{"prompts":{"0123456789abcdef":{"messages":${transcript},"agent_id":{"tool":"claude","model":"claude-opus-4-6"}}},"schema_version":"authorship/3.0.0"}`;
    const reading = readGitAiNote(note);
    expect(reading.ok && reading.detections.map((d) => [d.agent, d.model])).toEqual([['claude-code', 'claude-opus-4.6']]);
  });
});

describe('lines credited to several agents', () => {
  it('count once, under the agents that share them (a+b), so that the agents and the models add up to the AI lines and none disappears', async () => {
    const dir = await tempDir();
    initRepo(dir);
    const record = (agent: string, model: string, files?: object[]): object => ({
      agent,
      model,
      ...(files ? { files } : {}),
      tool: { name: 'aiprov', version: '0.1.0' },
      recordedAt: '2026-01-01T00:00:00Z',
    });
    const note = JSON.stringify({
      schema: 'https://aiprov.dev/authorship-note/v1',
      records: [
        record('claude-code', 'claude-opus-4-6', [{ path: 'a.ts', ranges: [[1, 6]] }]),
        record('codex', 'gpt-5', [{ path: 'a.ts', ranges: [[5, 8]] }]),
        record('codex', 'gpt-5.5', [{ path: 'a.ts', ranges: [[8, 9]] }]),
      ],
    });
    await importHistory(dir, [commitAt(0, 'Two agents\n', { files: { 'a.ts': lines(10, 'a') }, notes: { 'refs/notes/aiprov': note } })]);
    const blame = await blameTree({ context: await ctx(dir) });
    // 1-4 claude alone, 5-6 both, 7-9 codex alone; by model 8 is gpt-5 and gpt-5.5.
    expect(blame.totals).toEqual({
      lines: 10,
      aiLines: 9,
      aiShare: 0.9,
      byAgent: { 'claude-code': 4, 'claude-code+codex': 2, 'codex': 3 },
      byModel: { 'claude-opus-4.6': 4, 'claude-opus-4.6+gpt-5': 2, 'gpt-5': 1, 'gpt-5+gpt-5.5': 1, 'gpt-5.5': 1 },
      files: 1,
    });
    const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
    expect(sum(blame.totals.byAgent)).toBe(blame.totals.aiLines);
    expect(sum(blame.totals.byModel)).toBe(blame.totals.aiLines);
    expect(validateAgainst('blameReport', blame)).toBeNull();
    const table = renderBlameTable(blame, plainStyle);
    expect(table).toMatch(/^claude-code \+ codex \(shared by these agents\) +2 +22\.2%$/m);
    expect(table).toMatch(/^gpt-5 \+ gpt-5\.5 \(shared by these models\) +1 +11\.1%$/m);
  });
});

describe('notes are read for the commits asked about only', () => {
  it("a scan of one commit reads that commit's notes and no other; blame reads those of the commits it blamed", async () => {
    const dir = await tempDir();
    initRepo(dir);
    const note = (i: number): string =>
      `f${i}.txt\n  s_${String(i).padStart(14, '0')}::t_00000000000001 1\n---\n{"schema_version":"authorship/3.0.0",${BASE},"prompts":{},"sessions":{"s_${String(i).padStart(14, '0')}":{"agent_id":{"tool":"codex","id":"c","model":"gpt-5"}}}}\n`;
    const shas = await importHistory(
      dir,
      Array.from({ length: 30 }, (_, i) => commitAt(i, `Commit ${i}\n`, { notes: { 'refs/notes/ai': note(i) } })),
    );
    const context = await ctx(dir);
    const asked = new Set<string>();
    const notesAt = context.git.notesAt.bind(context.git);
    context.git.notesAt = async (ref) => {
      const snapshot = await notesAt(ref);
      return {
        ref: snapshot.ref,
        tip: snapshot.tip,
        noted: () => snapshot.noted(),
        read: (wanted) => {
          wanted.forEach((s) => asked.add(s));
          return snapshot.read(wanted);
        },
        stream: (wanted) => {
          wanted.forEach((s) => asked.add(s));
          return snapshot.stream(wanted);
        },
        match: (pattern, onMatch) => snapshot.match(pattern, onMatch),
      };
    };
    const scan = await scanHistory({ context, range: 'HEAD~1..HEAD' });
    expect(scan.commits.map((c) => [c.sha, c.detections.map((d) => d.agent)])).toEqual([[shas[29], ['codex']]]);
    expect([...asked]).toEqual([shas[29]]);
    asked.clear();
    const blame = await blameTree({ context, paths: ['f3.txt', 'f7.txt'] });
    expect(blame.totals).toMatchObject({ lines: 2, aiLines: 2, byAgent: { codex: 2 } });
    expect([...asked].sort()).toEqual([shas[3], shas[7]].sort());
  });
});
