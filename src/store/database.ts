import { StoreError } from '../kernel/errors.js';

/**
 * The role every store backend plays: SQL in one dialect with `?` parameters
 * (the PostgreSQL adapter numbers them), rows as plain objects whose numbers
 * are numbers on both backends, and transactions that hold a lock per key so
 * that two collectors of one repository write one after the other.
 */
export type Dialect = 'sqlite' | 'postgres';

export type SqlValue = string | number | null;

export type Row = Record<string, SqlValue>;

export interface SqlSession {
  readonly dialect: Dialect;
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement; returns the rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface SqlDatabase extends SqlSession {
  /** Where it is, as a person can read it (a file, or a URL without its password). */
  readonly location: string;
  /**
   * Runs `work` in one transaction, committed when it returns and rolled back when it throws. With `lock`,
   * no other transaction holding the same key runs at the same time (in this process or another).
   */
  transaction<T>(work: (tx: SqlSession) => Promise<T>, lock?: string): Promise<T>;
  close(): Promise<void>;
}

/** A statement that failed, as a StoreError naming the store and the statement's first words (never its parameters). */
export function storeFailure(location: string, sql: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const statement = sql.trim().split(/\s+/).slice(0, 3).join(' ');
  return new StoreError('STORE_FAILED', `${location}: ${statement} failed (${messageOf(error)})`, { cause: error });
}

export function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}
