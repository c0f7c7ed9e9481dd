import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/kernel/errors.js';
import { openStore } from '../../src/store/open.js';
import { INVENTORY_TABLES, SCHEMA_VERSION } from '../../src/store/schema.js';
import { backends } from './backends.js';

const now = new Date('2026-11-02T10:00:00Z');
const VIEWS = [
  'repositories',
  'commits_by_agent',
  'lines_by_agent_at_head',
  'ai_share_by_month',
  'record_coverage_by_month',
  'gate_decisions',
  'findings',
  'scanner_density',
];

describe.each(backends())('the store on $name', (backend) => {
  it('creates its schema once: a second opening applies nothing and keeps what was written', async () => {
    const target = await backend.target('schema');
    const db = await openStore({ target, cwd: '/', now });
    await db.run("INSERT INTO repository_state (repo, name) VALUES ('https://example.com/a.git', 'a')");
    await db.close();
    const again = await openStore({ target, cwd: '/', now });
    const versions = await again.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    expect(await again.query('SELECT repo, name FROM repositories')).toEqual([{ repo: 'https://example.com/a.git', name: 'a' }]);
    for (const view of VIEWS) expect(await again.query(`SELECT * FROM ${view}`)).toBeInstanceOf(Array);
    const tables =
      again.dialect === 'sqlite'
        ? await again.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        : await again.query<{ name: string }>(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
          );
    expect(tables.map((t) => t.name)).toEqual([...INVENTORY_TABLES, 'schema_migrations'].sort());
    await again.close();
  });

  it('upgrades a store of schema 1 in place when it is opened: the new tables added, every row kept', async () => {
    const target = await backend.target('upgrade');
    const db = await openStore({ target, cwd: '/', now });
    // The store as aiprov with schema 1 left it: without version 2's tables and view.
    await db.run('DROP VIEW scanner_density');
    for (const table of ['scanner_state', 'scanner_counts', 'scanner_findings']) await db.run(`DROP TABLE ${table}`);
    await db.run('DELETE FROM schema_migrations WHERE version > 1');
    await db.run("INSERT INTO repository_state (repo, name) VALUES ('https://example.com/old.git', 'old')");
    await db.close();
    const again = await openStore({ target, cwd: '/', now });
    expect((await again.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map((v) => v.version)).toEqual([1, 2]);
    expect(await again.query('SELECT repo FROM repository_state')).toEqual([{ repo: 'https://example.com/old.git' }]);
    expect(await again.query('SELECT * FROM scanner_density')).toEqual([]);
    await again.close();
  });

  it('refuses a store whose schema is newer than this aiprov knows, by name, and changes nothing', async () => {
    const target = await backend.target('newer');
    const db = await openStore({ target, cwd: '/', now });
    await db.run("INSERT INTO schema_migrations (version, name, applied_at, tool_version) VALUES (99, 'future', 'x', '9.0.0')");
    await db.close();
    const error = await openStore({ target, cwd: '/', now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('STORE_SCHEMA_NEWER');
    expect((error as StoreError).message).toMatch(/schema is version 99, newer than this aiprov/);
  });

  it('rolls a failed transaction back whole', async () => {
    const db = await openStore({ target: await backend.target('rollback'), cwd: '/', now });
    const failure = db.transaction(async (tx) => {
      await tx.run("INSERT INTO repository_state (repo, name) VALUES ('r', 'r')");
      await tx.run("INSERT INTO repository_state (repo, name) VALUES ('r', 'again')");
    });
    await expect(failure).rejects.toMatchObject({ code: 'STORE_FAILED' });
    expect(await db.query('SELECT repo FROM repository_state')).toEqual([]);
    await db.close();
  });

  it("a statement made while another job's transaction is open is never part of it (nor rolled back with it)", async () => {
    const db = await openStore({ target: await backend.target('apart'), cwd: '/', now, connections: 4 });
    const failing = db.transaction(async (tx) => {
      await tx.run("INSERT INTO repository_state (repo, name) VALUES ('inside', 'inside')");
      await new Promise((r) => setTimeout(r, 100));
      throw new Error('the job failed');
    });
    // Made once the transaction has begun (it waits 100 ms before failing).
    await new Promise((r) => setTimeout(r, 30));
    const outside = db.run("INSERT INTO repository_state (repo, name) VALUES ('outside', 'outside')");
    await expect(failing).rejects.toThrow('the job failed');
    await outside;
    expect(await db.query('SELECT repo FROM repository_state')).toEqual([{ repo: 'outside' }]);
    await db.close();
  });

  it('runs two transactions holding the same lock one after the other, and numbers come back as numbers', async () => {
    const db = await openStore({ target: await backend.target('lock'), cwd: '/', now, connections: 4 });
    const order: string[] = [];
    const slow = (name: string) =>
      db.transaction(async (tx) => {
        order.push(`${name} in`);
        const rows = await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM repository_state');
        await new Promise((r) => setTimeout(r, 150));
        await tx.run('INSERT INTO repository_state (repo, name, lines) VALUES (?, ?, ?)', [name, name, (rows[0]?.n ?? 0) + 1]);
        order.push(`${name} out`);
      }, 'same-repository');
    await Promise.all([slow('a'), slow('b')]);
    expect([order.slice(0, 2), order.slice(2)].map((pair) => pair.map((s) => s.split(' ')[1]))).toEqual([
      ['in', 'out'],
      ['in', 'out'],
    ]);
    const rows = await db.query<{ total: number }>('SELECT SUM(lines) AS total FROM repository_state');
    expect(rows[0]?.total).toBe(3);
    await db.close();
  });
});

describe('opening a store', () => {
  it('names a URL it does not know, without its password', async () => {
    await expect(openStore({ target: 'mysql://u:secret@host/db', cwd: '/', now })).rejects.toThrow(/^mysql:\/\/u@host\/db: not a store aiprov knows/);
  });

  it('names a PostgreSQL that does not answer, without its password, in one line', async () => {
    const error = (await openStore({ target: 'postgres://u:secret@127.0.0.1:1/db', cwd: '/', now }).catch((e: unknown) => e)) as StoreError;
    expect(error.code).toBe('STORE_UNREACHABLE');
    expect(error.message).toMatch(/^postgres:\/\/u@127\.0\.0\.1:1\/db: cannot connect \(.*ECONNREFUSED/);
    expect(error.message).not.toContain('secret');
    expect(error.message).not.toContain('\n');
  });
});
