import type { SqlSession, SqlValue } from './database.js';

/** Parameters in one statement at most: under SQLite's 32,766 and PostgreSQL's 65,535. */
const PARAMETERS = 30_000;
const ROWS = 500;

/**
 * Inserts rows with multi-row `INSERT … VALUES (…), (…)` statements (one
 * round trip per few hundred rows: a first collection writes tens of
 * thousands), with the conflict clause given (`ON CONFLICT … DO NOTHING`).
 */
export async function insertRows(
  tx: SqlSession,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  onConflict = '',
): Promise<void> {
  const per = Math.max(1, Math.min(ROWS, Math.floor(PARAMETERS / columns.length)));
  const one = `(${columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => one).join(', ')} ${onConflict}`;
    await tx.run(sql, chunk.flat());
  }
}

/** Deletes the rows of `table` whose key column is one of `keys`, a chunk at a time. */
export async function deleteKeys(
  tx: SqlSession,
  table: string,
  where: { column: string; value: SqlValue },
  key: string,
  keys: readonly string[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += ROWS) {
    const chunk = keys.slice(i, i + ROWS);
    await tx.run(`DELETE FROM ${table} WHERE ${where.column} = ? AND ${key} IN (${chunk.map(() => '?').join(', ')})`, [where.value, ...chunk]);
  }
}
