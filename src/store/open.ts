import { existsSync } from 'node:fs';
import path from 'node:path';
import { StoreError } from '../kernel/errors.js';
import type { SqlDatabase } from './database.js';
import { migrate } from './migrate.js';
import { openPostgres, redacted } from './postgres.js';
import { openSqlite } from './sqlite.js';

/** Where the embedded store goes when none is named: beside the work, never inside a repository's history. */
export const DEFAULT_STORE_FILE = 'aiprov-inventory.db';

export interface OpenStoreOptions {
  /** A PostgreSQL URL (`postgres://…`, `postgresql://…`), `sqlite:FILE`, or a file path (the embedded store). */
  target: string;
  /** Relative files are resolved against it. */
  cwd: string;
  now: Date;
  /** PostgreSQL connections at most (a collector's jobs, plus one). */
  connections?: number;
  /** For readers: a SQLite file that does not exist is an error, not a new empty store. */
  mustExist?: boolean;
}

/** The store named by `target`, its schema brought up to date. */
export async function openStore(options: OpenStoreOptions): Promise<SqlDatabase> {
  const db = await connect(options);
  try {
    await migrate(db, options.now);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}

async function connect(options: OpenStoreOptions): Promise<SqlDatabase> {
  const { target } = options;
  if (/^postgres(ql)?:\/\//i.test(target)) return openPostgres(target, options.connections);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target))
    throw new StoreError('STORE_INVALID', `${redacted(target)}: not a store aiprov knows (a postgres:// URL, or a SQLite file)`);
  const file = target.startsWith('sqlite:') ? target.slice('sqlite:'.length) : target;
  if (file === '') throw new StoreError('STORE_INVALID', `${target}: names no file`);
  const resolved = file === ':memory:' ? file : path.resolve(options.cwd, file);
  if (options.mustExist === true && resolved !== ':memory:' && !existsSync(resolved)) throw new StoreError('STORE_UNREACHABLE', `${resolved}: no such store`);
  return openSqlite(resolved);
}
