/**
 * A real PostgreSQL for the store's tests: the cluster scripts/postgres-cluster.mjs
 * starts (shared with the `org` bench), run as `nobody` under root.
 */
export { startPostgres, type TestPostgres } from '../scripts/postgres-cluster.mjs';
