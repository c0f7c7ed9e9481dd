import type { CustomTypesConfig, Pool, PoolClient, QueryResultRow } from 'pg';
import { StoreError } from '../kernel/errors.js';
import { messageOf, storeFailure, type Row, type SqlDatabase, type SqlSession, type SqlValue } from './database.js';

/** PostgreSQL's type ids whose values the driver hands over as strings: bigint (sums, counts) and numeric. */
const INT8 = 20;
const NUMERIC = 1700;
/** The first key of aiprov's advisory locks, so that they never meet another application's in the same database. */
const LOCK_SPACE = 0x41495056; // "AIPV"
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * The shared store: PostgreSQL through node-postgres (`pg`), for when many
 * CI jobs write at once. Each transaction has its own connection from a
 * pool; a transaction with a lock key first takes a transaction-scoped
 * advisory lock on it, so two jobs collecting the same repository queue
 * while jobs on different repositories run side by side.
 */
export async function openPostgres(url: string, connections = 4): Promise<SqlDatabase> {
  const location = redacted(url);
  let pg: (typeof import('pg'))['default'];
  try {
    pg = (await import('pg')).default;
  } catch (error) {
    throw new StoreError('STORE_UNREACHABLE', `${location}: the PostgreSQL client (pg) is not installed (${messageOf(error)})`, { cause: error });
  }
  const builtIn = pg.types.getTypeParser as (oid: number) => (value: string) => unknown;
  const parser = (oid: number): ((value: string) => unknown) => (oid === INT8 || oid === NUMERIC ? Number : builtIn(oid));
  const types = { getTypeParser: parser as CustomTypesConfig['getTypeParser'] };
  const pool = new pg.Pool({ connectionString: url, max: connections, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, types, application_name: 'aiprov' });
  // An idle client that loses its connection emits an error on the pool; the next query reports it, the process must not die of it.
  pool.on('error', () => undefined);
  const db = new PostgresDatabase(pool, location);
  try {
    await db.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    const cause = error instanceof StoreError && error.cause !== undefined ? error.cause : error;
    throw new StoreError('STORE_UNREACHABLE', `${location}: cannot connect (${messageOf(cause)})`, { cause });
  }
  return db;
}

/** `?` placeholders numbered for PostgreSQL (`$1`, `$2`, …); the store's SQL holds no `?` in literals. */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The URL without its password (in the userinfo or as a parameter), for messages. */
export function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.searchParams.delete('password');
    return parsed.toString();
  } catch {
    return 'the PostgreSQL store';
  }
}

class PostgresSession implements SqlSession {
  readonly dialect = 'postgres' as const;
  constructor(
    private readonly client: Pool | PoolClient,
    readonly location: string,
  ) {}

  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    try {
      const result = await this.client.query<QueryResultRow>(numbered(sql), [...params]);
      return result.rows as T[];
    } catch (error) {
      throw storeFailure(this.location, sql, error);
    }
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    try {
      return (await this.client.query(numbered(sql), [...params])).rowCount ?? 0;
    } catch (error) {
      throw storeFailure(this.location, sql, error);
    }
  }
}

class PostgresDatabase extends PostgresSession implements SqlDatabase {
  constructor(
    private readonly pool: Pool,
    location: string,
  ) {
    super(pool, location);
  }

  async transaction<T>(work: (tx: SqlSession) => Promise<T>, lock?: string): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new StoreError('STORE_UNREACHABLE', `${this.location}: cannot connect (${messageOf(error)})`, { cause: error });
    }
    const tx = new PostgresSession(client, this.location);
    try {
      await tx.run('BEGIN');
      if (lock !== undefined) await tx.query('SELECT pg_advisory_xact_lock(?, hashtext(?))', [LOCK_SPACE, lock]);
      const result = await work(tx);
      await tx.run('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
