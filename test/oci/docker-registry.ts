import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startLocalRegistry, type LocalRegistry } from '../../src/oci/registry-process.js';

/** Debian's packages of the real registry and of an independent client; a run without them fails, saying how to get them. */
export function requiredTool(name: 'docker-registry' | 'skopeo'): string {
  const variable = name === 'docker-registry' ? 'AIPROV_DOCKER_REGISTRY' : 'AIPROV_SKOPEO';
  const named = process.env[variable];
  const found = named !== undefined && named !== '' ? named : `/usr/bin/${name}`;
  if (!existsSync(found))
    throw new Error(
      `${found}: not found; install Debian's ${name} (apt-get install ${name}; npm test's set-up, scripts/test-setup.mjs, does) or set ${variable}; these tests fail without it, they do not skip`,
    );
  return found;
}

/** docker-registry on 127.0.0.1 with its own configuration and storage, removed when stopped. */
export async function startDockerRegistry(): Promise<LocalRegistry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aiprov-registry-'));
  const registry = await startLocalRegistry(requiredTool('docker-registry'), dir);
  return {
    host: registry.host,
    stop: async () => {
      await registry.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
