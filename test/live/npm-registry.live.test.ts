// Opt-in: `npm run test:live` asks the npm registry this machine reaches (never part of `npm test`).
import { describe, expect, it } from 'vitest';
import { settingsContext } from '../../src/context/context.js';
import { checkNames } from '../../src/deps/audit.js';
import { tempDir } from '../helpers.js';

describe('live npm registry', () => {
  it('tells an existing package, a hallucinated one, a security holding package and an unpublished one apart', async () => {
    const report = await checkNames({
      context: await settingsContext(),
      names: ['express', 'in-toto-attestation', 'crossenv', 'electorn'],
      ecosystem: 'npm',
      cacheDir: await tempDir('aiprov-live-cache-'),
      settings: { timeoutMs: 15_000 },
    });
    const verdicts = Object.fromEntries(report.dependencies.map((d) => [d.name, [d.verdict, d.findings.map((f) => f.id)]]));
    expect(verdicts).toEqual({
      'express': ['ok', []],
      'in-toto-attestation': ['hallucinated', ['not-found']],
      'crossenv': ['malicious', ['security-holding']],
      'electorn': ['hallucinated', ['unpublished']],
    });
  }, 60_000);
});
