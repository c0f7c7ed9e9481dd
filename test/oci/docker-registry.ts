import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Debian's packages of the real registry and of an independent client; a run without them fails, saying how to get them. */
export function requiredTool(name: 'docker-registry' | 'skopeo'): string {
  const variable = name === 'docker-registry' ? 'AIPROV_DOCKER_REGISTRY' : 'AIPROV_SKOPEO';
  const named = process.env[variable];
  const found = named !== undefined && named !== '' ? named : `/usr/bin/${name}`;
  if (!existsSync(found)) throw new Error(`${found}: not found; install Debian's ${name} (apt-get install ${name}; .ci/run does) or set ${variable}; these tests fail without it, they do not skip`);
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => { resolve(port); });
    });
  });
}

export interface RunningRegistry {
  host: string;
  stop(): Promise<void>;
}

/** docker-registry on 127.0.0.1 with its own configuration and storage, answering before this returns. */
export async function startDockerRegistry(): Promise<RunningRegistry> {
  const binary = requiredTool('docker-registry');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aiprov-registry-'));
  const port = await freePort();
  const config = path.join(dir, 'config.yml');
  await writeFile(config, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const child: ChildProcess = spawn(binary, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (t: string) => { stderr += t; });
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited ${child.exitCode}: ${stderr.trim()}`);
    const up = await fetch(`http://${host}/v2/`).then((r) => r.status === 200, () => false);
    if (up) break;
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer on ${host} within 15 s: ${stderr.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    host,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => { if (child.exitCode !== null) resolve(undefined); else child.once('exit', resolve); });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
