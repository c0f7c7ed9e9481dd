import { afterAll, beforeAll } from 'vitest';
import path from 'node:path';
import { tempDir } from '../helpers.js';
import { startPostgres, type TestPostgres } from '../postgres.js';

/**
 * The two backends every store test runs on: a SQLite file in a temporary
 * directory, and a database of its own on a real PostgreSQL started for the
 * test file. `target(name)` gives a new, empty store each time.
 */
export interface Backend {
  name: 'sqlite' | 'postgres';
  target(name: string): Promise<string>;
}

export function backends(): Backend[] {
  let server: TestPostgres | undefined;
  let dir = '';
  beforeAll(async () => {
    dir = await tempDir('aiprov-store-');
    server = await startPostgres();
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
  });
  let n = 0;
  return [
    { name: 'sqlite', target: (name) => Promise.resolve(path.join(dir, `${name}-${++n}.db`)) },
    {
      name: 'postgres',
      target: (name) => {
        if (!server) throw new Error('PostgreSQL did not start');
        return server.database(`${name.replace(/[^a-z0-9_]/gi, '_')}_${++n}`.toLowerCase());
      },
    },
  ];
}
