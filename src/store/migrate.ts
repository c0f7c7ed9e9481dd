import { StoreError } from '../kernel/errors.js';
import { VERSION } from '../kernel/version.js';
import type { SqlDatabase } from './database.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

/** The lock key every opener takes while it looks at the schema: two first collections at once create it once. */
const SCHEMA_LOCK = 'aiprov-schema';

/**
 * Brings the store's schema up to this aiprov's version, each migration in
 * its own transaction under one lock. A store written by a newer aiprov is
 * refused by name rather than written with an older idea of its tables.
 * Returns the versions applied (none when it was up to date).
 */
export async function migrate(db: SqlDatabase, now: Date): Promise<number[]> {
  const applied: number[] = [];
  await db.transaction(async (tx) => {
    await tx.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL, tool_version TEXT NOT NULL)',
    );
    const rows = await tx.query<{ version: number }>('SELECT MAX(version) AS version FROM schema_migrations');
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION)
      throw new StoreError(
        'STORE_SCHEMA_NEWER',
        `${db.location}: the store's schema is version ${current}, newer than this aiprov ${VERSION} knows (${SCHEMA_VERSION}): upgrade aiprov`,
      );
    for (const migration of MIGRATIONS.filter((m) => m.version > current)) {
      for (const statement of migration.statements(tx.dialect)) await tx.run(statement);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at, tool_version) VALUES (?, ?, ?, ?)', [
        migration.version,
        migration.name,
        now.toISOString(),
        VERSION,
      ]);
      applied.push(migration.version);
    }
  }, SCHEMA_LOCK);
  return applied;
}
