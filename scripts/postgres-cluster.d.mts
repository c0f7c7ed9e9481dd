/** A throwaway PostgreSQL cluster (postgres-cluster.mjs). */
export interface TestPostgres {
  /** A URL for a new, empty database on the server. */
  database(name: string): Promise<string>;
  stop(): Promise<void>;
}

export function startPostgres(): Promise<TestPostgres>;
