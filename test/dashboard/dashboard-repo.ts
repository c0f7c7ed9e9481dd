import { importHistory, type ImportCommit } from '../../src/git/fast-import.js';
import { openRepository } from '../../src/git/repository.js';
import { recordCheck, type CheckRecord } from '../../src/gate/history.js';
import { appendNoteLines } from '../../src/git/note-lines.js';
import { initRepo } from '../../fixtures/repos.js';
import { REVIEWS_REF } from '../../src/gate/review.js';
import { generateKeyPairSync } from 'node:crypto';
import { signWithKey } from '../../src/attest/sign.js';
import { PREDICATE_TYPES, reviewPredicate, statement, subjects } from '../../src/attest/statement.js';
import { appendBundles } from '../../src/attest/store.js';

export const SAM = { name: 'Sam Dev', email: 'sam@example.com' };
export const DANA = { name: 'Dana Human', email: 'dana@example.com' };
const CLAUDE = 'Co-Authored-By: Claude <noreply@anthropic.com>';
const AIDER = 'Co-authored-by: aider (gpt-4o) <aider@aider.chat>';
/** A path a hostile contributor might name a file: the end of a script element, then markup with a script in it. */
export const HOSTILE_PATH = 'docs/</script><img src=x onerror=alert(1)>.md';

const at = (iso: string, who: { name: string; email: string }): ImportCommit['author'] => ({ ...who, time: Date.parse(iso) / 1000 });

/**
 * A small history with everything the dashboard shows: human and AI lines
 * over several weeks, AI code under risk rules (by path and by content),
 * claimed reviewed by an unsigned trailer and notes (claims: not counted), one
 * of them also signed (counted where its key is trusted), and recorded gate
 * decisions.
 */
export function dashboardHistory(): ImportCommit[] {
  return [
    {
      author: at('2026-03-02T09:00:00Z', DANA),
      message: 'Initial commit\n',
      files: { 'src/app.ts': 'export const app = 1;\nexport const name = "shop";\n', 'README.md': '# Shop\n', [HOSTILE_PATH]: 'notes\n' },
    },
    {
      author: at('2026-03-04T09:00:00Z', SAM),
      message: `Add login\n\n${CLAUDE}\n`,
      files: { 'src/auth/login.ts': 'export function login(user: string): boolean {\n  return user.length > 0;\n}\n' },
    },
    {
      author: at('2026-03-10T09:00:00Z', SAM),
      message: `Add session cookie\n\n${CLAUDE}\nReviewed-by: ${DANA.name} <${DANA.email}>\n`,
      files: { 'src/auth/session.ts': 'export const COOKIE = { httpOnly: true };\nexport const TTL = 3600;\n' },
    },
    {
      author: at('2026-03-16T09:00:00Z', SAM),
      message: `Add token check\n\n${AIDER}\n`,
      files: { 'src/auth/token.ts': 'export const verify = (t: string): boolean => t.length === 32;\n' },
    },
    { author: at('2026-04-06T09:00:00Z', DANA), message: 'Add util\n', files: { 'src/util.ts': 'export const id = (x: number): number => x;\n' } },
    {
      author: at('2026-04-07T09:00:00Z', SAM),
      message: `Add user lookup\n\n${CLAUDE}\n`,
      files: { 'src/db.ts': 'import { db } from "./conn";\nexport const find = (id: string) => db.query("SELECT * FROM users WHERE id = " + id);\n' },
    },
  ];
}

export interface DashboardRepo {
  dir: string;
  shas: string[];
  /** The public key (PEM) of the signed review of the token change: counted once a `review.signers` entry lists it for Riley. */
  reviewKey: string;
}

/** The history above in `dir`, with reviews and gate decisions recorded in its notes. */
export async function buildDashboardRepo(dir: string): Promise<DashboardRepo> {
  initRepo(dir);
  const shas = await importHistory(dir, dashboardHistory());
  const git = await openRepository(dir);
  const [, login, session, token, util, db] = shas as [string, string, string, string, string, string];
  const review = (reviewer: { name: string; email: string }, range: string): string =>
    JSON.stringify({ reviewer, scope: { range }, decision: 'approved', reviewedAt: '2026-03-17T09:00:00Z' });
  // Riley approves the token change (its range holds it); Sam approves his own login change, which does not count.
  await appendNoteLines(git, REVIEWS_REF, token, [review({ name: 'Riley Reviewer', email: 'riley@example.com' }, `${session}..${token}`)]);
  await appendNoteLines(git, REVIEWS_REF, login, [review(SAM, login)]);
  // The same approval of the token change, signed: it counts where the configuration trusts the key for Riley's reviews.
  const keys = generateKeyPairSync('ed25519');
  const signed = reviewPredicate({
    reviewer: { name: 'Riley Reviewer', email: 'riley@example.com' },
    scope: { range: `${session}..${token}` },
    decision: 'approved',
    reviewedAt: '2026-03-17T09:00:00Z',
  });
  await appendBundles(git, token, [await signWithKey(statement(subjects(token), PREDICATE_TYPES.review, signed), keys.privateKey)]);
  const record = (head: string, checkedAt: string, decision: CheckRecord['decision'], extra: Partial<CheckRecord> = {}): CheckRecord => ({
    checkedAt,
    base: shas[0] ?? '',
    head,
    decision,
    couldNotDecide: false,
    aiShare: 0.5,
    aiLines: 1,
    lines: 2,
    escalations: 0,
    waiting: 0,
    waitingByRule: {},
    secrets: 0,
    dependencies: 0,
    byRule: {},
    tool: 'aiprov 0.1.0',
    ...extra,
  });
  await recordCheck(
    git,
    record(login, '2026-03-05T10:00:00.000Z', 'needs-review', { escalations: 1, waiting: 1, waitingByRule: { auth: 1 }, byRule: { auth: 1 } }),
  );
  await recordCheck(git, record(login, '2026-03-05T14:00:00.000Z', 'pass', { escalations: 1, byRule: { auth: 1 } }));
  await recordCheck(git, record(session, '2026-03-11T10:00:00.000Z', 'pass'));
  await recordCheck(
    git,
    record(db, '2026-04-08T10:00:00.000Z', 'fail', {
      escalations: 1,
      waiting: 1,
      waitingByRule: { 'sql-strings': 1 },
      byRule: { 'sql-strings': 1 },
      secrets: 1,
    }),
  );
  // A record written before waitingByRule was kept.
  const old: Partial<CheckRecord> = record(util, '2026-04-08T11:00:00.000Z', 'pass');
  delete old.waitingByRule;
  await recordCheck(git, old as CheckRecord);
  // A line naming another head than the commit its note is on, and one that is not JSON: neither is counted.
  await appendNoteLines(git, 'refs/notes/aiprov-checks', session, [JSON.stringify(record(db, '2026-04-09T10:00:00.000Z', 'pass')), 'not json']);
  return { dir, shas, reviewKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}
