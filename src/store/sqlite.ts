import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { StoreError } from '../kernel/errors.js';
import { messageOf, storeFailure, type Row, type SqlDatabase, type SqlSession, type SqlValue } from './database.js';

/** How long a writer waits for another process's transaction before giving up (CI jobs on one runner may share a file). */
const BUSY_TIMEOUT_MS = 120_000;

type Sqlite = typeof import('node:sqlite');

/**
 * The embedded store: one SQLite file through `node:sqlite` (built into
 * Node 24; nothing to install). One connection per process; its
 * transactions are queued one after another (a synchronous connection
 * cannot interleave two), and other processes wait on SQLite's own lock
 * (`BEGIN IMMEDIATE`, a busy timeout) rather than fail.
 */
export async function openSqlite(file: string): Promise<SqlDatabase> {
  let sqlite: Sqlite;
  try {
    sqlite = await import('node:sqlite');
  } catch {
    throw new StoreError('STORE_UNREACHABLE', `${file}: the embedded store needs node:sqlite (Node.js 22.13 or later; this is ${process.version})`);
  }
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    const db = new sqlite.DatabaseSync(file, { timeout: BUSY_TIMEOUT_MS });
    db.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;');
    return new SqliteDatabase(db, file);
  } catch (error) {
    throw new StoreError('STORE_UNREACHABLE', `${file}: cannot open the store (${messageOf(error)})`, { cause: error });
  }
}

class SqliteSession implements SqlSession {
  readonly dialect = 'sqlite' as const;
  constructor(
    protected readonly db: import('node:sqlite').DatabaseSync,
    readonly location: string,
  ) {}

  query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.guard(sql, () => this.db.prepare(sql).all(...params) as T[]);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.guard(sql, () => Number(this.db.prepare(sql).run(...params).changes));
  }

  protected guard<T>(sql: string, work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(storeFailure(this.location, sql, error));
    }
  }
}

/**
 * The process's one connection. A transaction's statements run through a session of their own; anything else waits
 * for the transactions queued before it, so that a statement from another collector never lands inside a transaction
 * (and is rolled back with it, or reads what it has not committed).
 */
class SqliteDatabase extends SqliteSession implements SqlDatabase {
  private queue: Promise<unknown> = Promise.resolve();

  override query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.enqueue(() => super.query<T>(sql, params));
  }

  override run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.enqueue(() => super.run(sql, params));
  }

  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      const tx = new SqliteSession(this.db, this.location);
      await this.guard('BEGIN IMMEDIATE', () => {
        this.db.exec('BEGIN IMMEDIATE');
      });
      try {
        const result = await work(tx);
        await this.guard('COMMIT', () => {
          this.db.exec('COMMIT');
        });
        return result;
      } catch (error) {
        if (this.db.isTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  close(): Promise<void> {
    return this.enqueue(() => {
      if (this.db.isOpen) this.db.close();
      return Promise.resolve();
    });
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
