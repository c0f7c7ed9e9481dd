import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { scanHistory } from '../../src/authorship/scan.js';
import { BUILTIN_SIGNATURES } from '../../src/authorship/signatures.js';
import { AiprovError } from '../../src/kernel/errors.js';
import { importHistory } from '../../src/git/fast-import.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { ctx, tempDir } from '../helpers.js';

const aiprovNote = (records: object[]): string => JSON.stringify({ schema: 'https://aiprov.dev/authorship-note/v1', records });
const record = {
  agent: 'claude-code',
  model: 'Claude Sonnet 4.5',
  session: 'https://claude.ai/code/session_9',
  files: [{ path: 'a.ts', ranges: [[1, 3]] }],
  tool: { name: 'aiprov', version: '0.1.0' },
  recordedAt: '2026-01-01T00:00:00Z',
};
const gitAi = `src/a.ts
  0123456789abcdef 1-4,9
  fedcba9876543210 5
---
{"schema_version":"authorship/3.0.0","base_commit_sha":"${'0'.repeat(40)}","prompts":{
 "0123456789abcdef":{"agent_id":{"tool":"cursor","id":"u1","model":"claude-4.5-opus"},"messages":[],"total_additions":5,"total_deletions":0,"accepted_lines":5,"overriden_lines":0},
 "fedcba9876543210":{"agent_id":{"tool":"windsurf","id":"u2","model":"swe-1"},"messages":[],"total_additions":1,"total_deletions":0,"accepted_lines":1,"overriden_lines":0}}}
`;

describe('notes', () => {
  it('reads refs/notes/aiprov records and git-ai authorship logs as declared detections', async () => {
    const dir = await tempDir();
    initRepo(dir);
    const shas = await importHistory(dir, [
      commitAt(0, 'Human-looking commit\n', { notes: { 'refs/notes/aiprov': aiprovNote([record]) } }),
      commitAt(1, 'Another\n', { notes: { 'refs/notes/ai': gitAi } }),
      commitAt(2, 'Both a trailer and a note\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n', { notes: { 'refs/notes/aiprov': aiprovNote([record]) } }),
    ]);
    const report = await scanHistory({ context: await ctx(dir) });
    const [first, second, third] = shas.map((sha) => report.commits.find((c) => c.sha === sha));
    expect(first?.ai).toBe(true);
    expect(first?.detections).toEqual([
      {
        agent: 'claude-code',
        model: 'claude-sonnet-4.5',
        confidence: 'declared',
        role: 'author',
        evidence: [
          {
            kind: 'note',
            source: 'refs/notes/aiprov',
            text: '{"agent":"claude-code","model":"Claude Sonnet 4.5","session":"https://claude.ai/code/session_9","recordedAt":"2026-01-01T00:00:00Z"}',
          },
        ],
      },
    ]);
    expect(second?.detections.map((d) => [d.agent, d.name, d.model])).toEqual([
      ['cursor', undefined, 'claude-4.5-opus'],
      ['other', 'windsurf', 'swe-1'],
    ]);
    expect(second?.detections[0]?.evidence[0]).toEqual({
      kind: 'note',
      source: 'refs/notes/ai',
      text: '0123456789abcdef {"tool":"cursor","id":"u1","model":"claude-4.5-opus"}',
    });
    // One detection per agent: the trailer and the note merge, the model comes from the note.
    expect(third?.detections).toHaveLength(1);
    expect(third?.detections[0]?.evidence.map((e) => e.kind)).toEqual(['co-author', 'note']);
    expect(third?.detections[0]?.model).toBe('claude-sonnet-4.5');
    expect(report.warnings).toEqual([]);
  });

  it('over a long history with notes here and there, every commit comes out once, in git log order, with its own notes', async () => {
    const dir = await tempDir();
    initRepo(dir);
    // 300 commits: notes on every 7th (aiprov) and every 11th (git-ai), so batches start mid-history and span both refs.
    const shas = await importHistory(
      dir,
      Array.from({ length: 300 }, (_, i) => {
        const notes: Record<string, string> = {};
        if (i % 7 === 0) notes['refs/notes/aiprov'] = aiprovNote([record]);
        if (i % 11 === 0) notes['refs/notes/ai'] = gitAi;
        return commitAt(i, `Commit ${i}\n`, { notes });
      }),
    );
    const report = await scanHistory({ context: await ctx(dir) });
    expect(report.commits.map((c) => c.sha)).toEqual([...shas].reverse());
    const agents = (i: number): string[] => [...(i % 7 === 0 ? ['claude-code'] : []), ...(i % 11 === 0 ? ['cursor', 'other'] : [])].sort();
    expect(report.commits.map((c) => c.detections.map((d) => d.agent).sort())).toEqual([...shas.keys()].reverse().map(agents));
    expect(report.summary.aiCommits).toBe(shas.filter((_, i) => i % 7 === 0 || i % 11 === 0).length);
    expect(report.warnings).toEqual([]);
  });

  it('a malformed note is a warning naming the commit, never a silent pass or a crash', async () => {
    const dir = await tempDir();
    initRepo(dir);
    const shas = await importHistory(dir, [
      commitAt(0, 'One\n', { notes: { 'refs/notes/aiprov': '{not json' } }),
      commitAt(1, 'Two\n', {
        notes: { 'refs/notes/aiprov': aiprovNote([{ agent: 'skynet', tool: { name: 'x', version: '1' }, recordedAt: '2026-01-01T00:00:00Z' }]) },
      }),
      commitAt(2, 'Three\n', { notes: { 'refs/notes/ai': 'no divider here' } }),
    ]);
    const report = await scanHistory({ context: await ctx(dir) });
    expect(report.summary.aiCommits).toBe(0);
    const byCommit = new Map(report.warnings.map((w) => [w.commit, w.message]));
    expect(byCommit.get(shas[0])).toBe(`note on refs/notes/aiprov for commit ${shas[0]?.slice(0, 12) ?? ''} is not JSON; it was ignored`);
    expect(byCommit.get(shas[1])).toMatch(
      /does not match schemas\/authorship-note\.schema\.json \(\/records\/0\/agent: must be equal to one of the allowed values/,
    );
    expect(byCommit.get(shas[2])).toMatch(/refs\/notes\/ai .* has no --- divider/);
    expect(validateAgainst('scanReport', report)).toBeNull();
  });
});

describe('.aiprov.yml signatures', () => {
  it('every built-in signature is valid config: one table format for both', () => {
    for (const sig of BUILTIN_SIGNATURES) expect(validateAgainst('config', { signatures: [sig] }), sig.id).toBeNull();
  });

  it('in-house agents and bots from the config are matched by the same engine', async () => {
    const dir = await tempDir();
    initRepo(dir);
    await writeFile(
      path.join(dir, '.aiprov.yml'),
      [
        'version: 1',
        'signatures:',
        '  - id: acme/coder',
        '    agent: other',
        '    name: Acme Coder',
        '    identity: { email: coder@acme.example }',
        '  - id: acme/trailer',
        '    agent: other',
        '    name: Acme Coder',
        '    trailer: { key: X-Acme-AI, value: "^model=" }',
        '    model: "^model=(?<model>\\\\S+)$"',
        '  - id: acme/release-bot',
        '    automation: acme-release',
        '    identity: { email: release@acme.example, roles: [author] }',
        '',
      ].join('\n'),
    );
    const shas = await importHistory(dir, [
      commitAt(0, 'By the bot\n', { author: { name: 'Acme Coder', email: 'coder@acme.example', time: 1 } }),
      commitAt(1, 'With the trailer\n\nX-Acme-AI: model=acme-large-2\n'),
      commitAt(2, 'Trailer without the value pattern\n\nX-Acme-AI: none\n'),
      commitAt(3, 'Release 2.0\n', { author: { name: 'Release', email: 'release@acme.example', time: 2 } }),
    ]);
    const report = await scanHistory({ context: await ctx(dir) });
    const get = (i: number) => report.commits.find((c) => c.sha === shas[i]);
    expect(get(0)?.detections).toEqual([
      {
        agent: 'other',
        name: 'Acme Coder',
        confidence: 'declared',
        role: 'author',
        evidence: [{ kind: 'author', text: 'Acme Coder <coder@acme.example>', source: 'acme/coder' }],
      },
    ]);
    expect(get(1)?.detections).toEqual([
      {
        agent: 'other',
        name: 'Acme Coder',
        model: 'acme-large-2',
        confidence: 'declared',
        role: 'author',
        evidence: [{ kind: 'trailer', text: 'X-Acme-AI: model=acme-large-2', source: 'acme/trailer' }],
      },
    ]);
    expect(get(2)?.detections).toEqual([]);
    expect(get(3)?.automationBy).toEqual(['acme-release']);
  });

  const configError = async (yaml: string, explicit?: string): Promise<string> => {
    const dir = await tempDir();
    initRepo(dir);
    await importHistory(dir, [commitAt(0, 'x\n')]);
    await writeFile(path.join(dir, '.aiprov.yml'), yaml);
    try {
      await scanHistory({ context: await ctx(dir, explicit ? { config: explicit } : {}) });
      return 'resolved';
    } catch (error) {
      return error instanceof AiprovError ? `${error.code}: ${error.message.replace(dir, '<repo>')}` : `untyped ${String(error)}`;
    }
  };

  it('bad config files are refused with the file (and line) named', async () => {
    expect(await configError('signatures: [\n')).toMatch(/^CONFIG_INVALID: <repo>\/\.aiprov\.yml:\d+: /);
    expect(await configError('signatures:\n  - id: x\n    agent: skynet\n    subject: "^x"\n')).toMatch(
      /^CONFIG_INVALID: <repo>\/\.aiprov\.yml:3: \/signatures\/0\/agent: must be equal to one of the allowed values/,
    );
    expect(await configError('signaturez: []\n')).toBe("CONFIG_INVALID: <repo>/.aiprov.yml:1: top level: must NOT have additional properties 'signaturez'");
    expect(await configError('signatures:\n  - id: x\n    agent: other\n    subject: "(unclosed"\n')).toBe(
      'CONFIG_INVALID: <repo>/.aiprov.yml: signature \'x\': invalid regular expression "(unclosed": missing closing ): `(unclosed`',
    );
    expect(await configError('signatures:\n  - id: claude-code/footer\n    agent: other\n    subject: "^x"\n')).toMatch(
      /signature 'claude-code\/footer' is defined twice/,
    );
    expect(await configError('signatures:\n  - id: x\n    agent: other\n    subject: "^x"\n    line: "^y"\n')).toMatch(
      /^CONFIG_INVALID: .*must match exactly one schema in oneOf/,
    );
    expect(await configError('', '/nonexistent/aiprov.yml')).toBe('CONFIG_UNREADABLE: /nonexistent/aiprov.yml: no such file');
  });

  it('an empty config file is a valid empty config', async () => {
    expect(await configError('')).toBe('resolved');
  });
});

describe('shipped examples', () => {
  it('examples/aiprov.yml is a valid config', async () => {
    const { loadConfig } = await import('../../src/config/load.js');
    const loaded = await loadConfig('/', new URL('../../examples/aiprov.yml', import.meta.url).pathname);
    expect(loaded.config.signatures?.map((s) => s.id)).toEqual(['acme/coder-bot', 'acme/ai-trailer', 'acme/release-bot']);
    expect(loaded.config.deps?.suppressions?.[0]).toEqual({
      package: 'left-pad',
      signals: ['no-repository'],
      reason: 'vendored fork, reviewed by security',
      expires: '2027-03-31',
    });
  });
});
