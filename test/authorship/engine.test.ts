import { describe, expect, it } from 'vitest';
import { SignatureEngine } from '../../src/authorship/engine.js';
import type { CommitRecord } from '../../src/git/types.js';

const commit = (name: string, email: string): CommitRecord => ({
  sha: '0'.repeat(40),
  parents: [],
  author: { name, email },
  committer: { name: 'Dana', email: 'dana@example.com' },
  authoredAt: '2026-01-01T00:00:00Z',
  committedAt: '2026-01-01T00:00:00Z',
  message: 'Subject\n',
});

describe('identity patterns', () => {
  const engine = new SignatureEngine([
    { id: 'acme/any-address', agent: 'other', name: 'Acme', identity: { emailPattern: '@bots\\.acme\\.example', roles: ['author'] } },
    { id: 'acme/name', agent: 'other', name: 'Named', identity: { namePattern: 'Autocoder$', roles: ['author'] } },
    { id: 'acme/both', agent: 'codex', identity: { emailPattern: '^ci@acme\\.example$', namePattern: '^CI ', roles: ['author'] } },
  ]);
  const agents = (name: string, email: string): string[] => engine.match(commit(name, email)).detections.map((d) => d.name ?? d.agent);

  it('unanchored and anchored patterns match wherever they should', () => {
    expect(agents('x', 'worker-7@bots.acme.example')).toEqual(['Acme']);
    expect(agents('Acme Autocoder', 'a@b.example')).toEqual(['Named']);
    expect(agents('CI runner', 'ci@acme.example')).toEqual(['codex']);
  });

  it('and not where they should not', () => {
    expect(agents('x', 'worker@acme.example')).toEqual([]);
    expect(agents('Autocoder fan', 'a@b.example')).toEqual([]);
    expect(agents('Not CI', 'ci@acme.example')).toEqual([]);
    expect(agents('CI runner', 'xci@acme.example')).toEqual([]);
  });
});
