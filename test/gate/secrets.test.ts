import { describe, expect, it } from 'vitest';
import { scanSecrets } from '../../src/gate/secrets.js';

// Credentials in the formats their issuers use, made up for the test (none is live).
const GITHUB = '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';
const SLACK = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
const NPM = 'npm_abcdefghijklmnopqrstuvwxyz0123456789';
const PG = 'postgres://app:Sup3rS3cr3tP4ss@db.internal.example:5432/app';

const added = (path: string, ...lines: string[]) => ({ path, lines: lines.map((text, i) => ({ line: 40 + i * 3, text })) });

describe('secrets in added lines (secretlint recommended preset)', () => {
  it('finds each, on the right line of the new file, redacted: no part of the secret in the finding', async () => {
    const findings = await scanSecrets([
      added('src/config.ts', 'export const config = {', `  github: "${GITHUB}",`, `  slack: "${SLACK}",`, '};'),
      added('.npmrc', `//registry.npmjs.org/:_authToken=${NPM}`),
      added('app/db.py', `DATABASE_URL = "${PG}"`),
    ]);
    expect(findings.map((f) => [f.path, f.line, f.rule])).toEqual([
      ['src/config.ts', 43, '@secretlint/secretlint-rule-github'],
      ['src/config.ts', 46, '@secretlint/secretlint-rule-slack'],
      ['.npmrc', 40, '@secretlint/secretlint-rule-npm'],
      ['app/db.py', 40, '@secretlint/secretlint-rule-database-connection-string'],
    ]);
    const text = JSON.stringify(findings);
    for (const secret of [GITHUB, SLACK, NPM, 'Sup3rS3cr3tP4ss', GITHUB.slice(4, 16), SLACK.slice(-12)]) expect(text).not.toContain(secret);
    expect(findings[0]?.message).toMatch(/GitHub Token.*\[redacted\]/);
  });

  it('stays quiet on what is not a secret: references to the environment, placeholders, hashes and ids', async () => {
    expect(
      await scanSecrets([
        added(
          'src/config.ts',
          'const token = process.env.GITHUB_TOKEN;',
          'const example = "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";',
          'const other = "ghp_000000000000000000000000000000000000";',
          'const sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";',
          'const id = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";',
          'const url = "postgres://localhost:5432/app";',
        ),
      ]),
    ).toEqual([]);
  });
});
