import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { RegistryError } from '../kernel/errors.js';

export interface LocalRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/**
 * The distribution project's registry (Debian's `docker-registry`) on
 * 127.0.0.1 with its own configuration and storage under `dir`, answering
 * before this returns: for the demo and the tests, never for a real push.
 * The one place besides git's runner that starts a program.
 */
export async function startLocalRegistry(binary: string, dir: string): Promise<LocalRegistry> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const config = path.join(dir, 'config.yml');
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${JSON.stringify(path.join(dir, 'data'))}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const child = spawn(binary, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let failed: Error | undefined;
  child.on('error', (error) => {
    failed = error;
  });
  child.stderr.setEncoding('utf8').on('data', (t: string) => {
    stderr = (stderr + t).slice(-2000);
  });
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  for (;;) {
    if (failed) throw new RegistryError('REGISTRY_UNREACHABLE', `${binary}: ${failed.message}`);
    if (child.exitCode !== null)
      throw new RegistryError('REGISTRY_UNREACHABLE', `${binary} exited ${child.exitCode}: ${stderr.trim().split('\n').at(-1) ?? ''}`);
    if (
      await fetch(`http://${host}/v2/`).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return { host, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new RegistryError('REGISTRY_UNREACHABLE', `${binary} did not answer on ${host} within 15 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
