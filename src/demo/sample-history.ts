import type { ImportCommit, Signature } from '../git/fast-import.js';

/**
 * A small web service written by people, several agents and bots, with the
 * marks each leaves in git: the sample `aiprov demo` scans. Dates are fixed so
 * the sample is the same, commit ids included, on every machine.
 */
const at = (day: number, who: { name: string; email: string }): Signature => ({ ...who, time: 1_767_225_600 + day * 86_400 });
const alice = { name: 'Alice Martin', email: 'alice@example.com' };
const bob = { name: 'Bob Chen', email: 'bob@example.com' };
const DEMO_LOCKFILE = `${JSON.stringify(
  {
    name: 'shop-api',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'shop-api', dependencies: { 'express': '^5.2.0', 'express-search-helpers-pro': '^1.2.0' } },
      'node_modules/express': { version: '5.2.0' },
      'node_modules/express-search-helpers-pro': { version: '1.2.0' },
    },
  },
  null,
  2,
)}\n`;
const claudePerson = { name: 'Claude Dubois', email: 'claude.dubois@example.com' };

const gitAiNote = `src/search.ts
  3f2a9c1d7e4b6a08 1-3
---
${JSON.stringify({ schema_version: 'authorship/3.0.0', base_commit_sha: '0'.repeat(40), prompts: { '3f2a9c1d7e4b6a08': { agent_id: { tool: 'cursor', id: 'demo-session', model: 'gpt-5' }, messages: [], total_additions: 3, total_deletions: 0, accepted_lines: 3, overriden_lines: 0 } } }, null, 2)}
`;

const aiprovNote = JSON.stringify({
  schema: 'https://aiprov.dev/authorship-note/v1',
  records: [
    {
      agent: 'codex',
      model: 'gpt-5-codex',
      files: [{ path: 'src/rate-limit.ts', ranges: [[1, 1]] }],
      tool: { name: 'aiprov', version: '0.1.0' },
      recordedAt: '2026-01-09T10:00:00Z',
    },
  ],
});

/** The sample's open pull request: `aiprov check` runs on it against main. */
export const PULL_REQUEST_REF = 'refs/heads/pr/checkout';

/** The sample's commits, in order: data, built once. */
const SAMPLE_HISTORY: readonly ImportCommit[] = [
  {
    author: at(0, alice),
    message: 'Initial commit\n',
    files: { 'README.md': '# shop-api\n', 'package.json': '{ "name": "shop-api", "dependencies": { "express": "^5.1.0" } }\n' },
  },
  {
    author: at(1, alice),
    message:
      'Add login endpoint\n\nPassword check with constant-time comparison.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>\n',
    files: { 'src/auth/login.ts': 'export function login(user: string, password: string): boolean {\n  return check(user, password);\n}\n' },
  },
  {
    author: at(2, { name: 'Bob Chen (aider)', email: 'bob@example.com' }),
    committer: at(2, { name: 'Bob Chen (aider)', email: 'bob@example.com' }),
    message: 'aider: Add product listing with pagination\n\nCo-authored-by: aider (anthropic/claude-sonnet-4-5) <aider@aider.chat>\n',
    files: { 'src/products.ts': 'export const PAGE_SIZE = 20;\n' },
  },
  { author: at(3, bob), message: 'Fix typo in README\n', files: { 'README.md': '# shop-api\n\nA small shop API.\n' } },
  {
    author: at(4, { name: 'copilot-swe-agent[bot]', email: '198982749+Copilot@users.noreply.github.com' }),
    message: 'Add order validation\n\nCo-authored-by: Alice Martin <alice@example.com>\n',
    files: { 'src/orders.ts': 'export function validate(order: unknown): boolean {\n  return order !== null;\n}\n' },
  },
  {
    author: at(5, { name: 'dependabot[bot]', email: '49699333+dependabot[bot]@users.noreply.github.com' }),
    message: 'Bump express from 5.1.0 to 5.2.0\n\nSigned-off-by: dependabot[bot] <support@github.com>\n',
    files: { 'package.json': '{ "name": "shop-api", "dependencies": { "express": "^5.2.0" } }\n' },
  },
  {
    author: at(6, bob),
    message: 'Add product search\n\nMade-with: Cursor\n',
    // The agent also pinned a package it made up: the dependency audit catches it (lockfiles are not counted by blame).
    files: { 'src/search.ts': 'export function search(q: string): string[] {\n  return [q];\n}\n', 'package-lock.json': DEMO_LOCKFILE },
    notes: { 'refs/notes/ai': gitAiNote },
  },
  {
    author: at(7, claudePerson),
    message:
      'Document the deployment steps\n\nClaude wrote this by hand; the 🤖 Generated with [Claude Code](https://claude.com/claude-code) footer is not here.\n',
    files: { 'DEPLOY.md': '# Deploy\n' },
  },
  {
    author: at(8, alice),
    message: 'Rate-limit the login endpoint\n',
    files: { 'src/rate-limit.ts': 'export const LIMIT = 5;\n' },
    notes: { 'refs/notes/aiprov': aiprovNote },
  },
  {
    author: at(9, bob),
    message: 'Harden session cookie flags\n\nAssisted-by: Gemini:gemini-2.5-pro\nSigned-off-by: Bob Chen <bob@example.com>\n',
    files: { 'src/auth/session.ts': 'export const COOKIE = { httpOnly: true, secure: true };\n' },
  },
  {
    author: at(10, alice),
    message:
      'Apply review suggestion for error handling\n\nCo-authored-by: gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>\n',
    files: { 'src/orders.ts': 'export function validate(order: unknown): boolean {\n  return order !== null && order !== undefined;\n}\n' },
  },
  {
    author: at(11, { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' }),
    message: 'chore(release): 1.0.0\n',
    files: { 'CHANGELOG.md': '# 1.0.0\n' },
  },
  // A pull request, not merged: Claude Code adds checkout, and on the way a bypass in the login code and a misspelt dependency.
  {
    ref: PULL_REQUEST_REF,
    parents: [11],
    author: at(12, bob),
    message: 'Add checkout\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n',
    files: {
      'src/checkout.ts': 'import { validate } from "./orders";\n\nexport function checkout(order: unknown): boolean {\n  return validate(order);\n}\n',
      'package.json': '{ "name": "shop-api", "dependencies": { "express": "^5.2.0", "expres": "^1.0.0" } }\n',
    },
  },
  {
    ref: PULL_REQUEST_REF,
    author: at(12, bob),
    message:
      'Let support staff in without a password\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n',
    files: {
      'src/auth/login.ts':
        'export function login(user: string, password: string): boolean {\n  if (user === "support") return true;\n  return check(user, password);\n}\n',
    },
  },
];

/** The sample's commits (a copy each time: importers may keep what they are given). */
export function sampleHistory(): ImportCommit[] {
  return structuredClone(SAMPLE_HISTORY) as ImportCommit[];
}
