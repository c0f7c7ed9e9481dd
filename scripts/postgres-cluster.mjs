// A throwaway PostgreSQL cluster for the store's tests and the `org` bench:
// Debian's server (`npm test`'s set-up installs `postgresql` when missing;
// AIPROV_POSTGRES_BIN names another bin directory), made by initdb in a
// temporary directory and started on a free loopback port with trust
// authentication. PostgreSQL refuses to run as root, so under root the
// cluster belongs to `nobody` and its programs run as that user.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export async function startPostgres() {
  const bin = postgresBin();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aiprov-pg-'));
  const user = process.getuid?.() === 0 ? nobody() : undefined;
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  const init = spawnSync(path.join(bin, 'initdb'), ['-D', data, '-U', 'aiprov', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'], {
    ...as,
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`initdb failed (${init.status ?? init.signal}): ${init.stderr}`);
  const port = await freePort();
  const server = spawn(
    path.join(bin, 'postgres'),
    ['-D', data, '-k', dir, '-h', '127.0.0.1', '-p', String(port), '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    { ...as, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  server.stderr.on('data', (chunk) => {
    log += chunk.toString();
  });
  const admin = `postgres://aiprov@127.0.0.1:${port}/postgres`;
  await ready(admin, server, () => log);
  return {
    async database(name) {
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgres://aiprov@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await stopServer(server);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBin() {
  const named = process.env.AIPROV_POSTGRES_BIN;
  if (named !== undefined && named !== '') return named;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined)
    throw new Error("PostgreSQL is not installed: `npm test`'s set-up installs Debian's postgresql, or name a bin directory in AIPROV_POSTGRES_BIN");
  return path.join(root, versions[0], 'bin');
}

function nobody() {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error('no user nobody to run PostgreSQL as (it refuses to run as root)');
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** Waits for the server to accept connections; on a busy machine that can take a while, so it waits up to a minute. */
async function ready(url, server, log) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`postgres exited (${server.exitCode}): ${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not start in a minute: ${String(error)}\n${log()}`, { cause: error });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function stopServer(server) {
  if (server.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.once('exit', () => {
      resolve();
    });
    // SIGINT is PostgreSQL's fast shutdown: open sessions are ended, nothing waits for clients.
    server.kill('SIGINT');
  });
}
