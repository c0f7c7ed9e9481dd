import path from 'node:path';
import { UsageError } from '../kernel/errors.js';
import { readRegularFile } from '../kernel/files.js';
import type { RegistryCredentials } from './client.js';

/** Where Docker's config.json is: a file named by the user, else $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
export interface CredentialFiles {
  /** Named by the user (absolute): it must be readable, or it is an error. */
  file?: string;
  /** $DOCKER_CONFIG, from the caller's environment. */
  dockerConfig?: string;
  home: string;
}

/** Docker Hub's credentials are kept under its old index URL. */
const HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

/**
 * The credentials `docker login` (or podman, skopeo, crane) left for a
 * registry in config.json: `auths[host].auth` (base64 user:password), or
 * `username`/`password`, or `identitytoken`. Credential helpers
 * (`credsStore`, `credHelpers`) are programs aiprov does not run.
 */
export async function registryCredentials(registry: string, where: CredentialFiles): Promise<RegistryCredentials | undefined> {
  const explicit = where.file !== undefined;
  const configFile = where.file ?? path.join(where.dockerConfig ?? path.join(where.home, '.docker'), 'config.json');
  const read = await readRegularFile(configFile, 4 * 1024 * 1024);
  if (!read.ok) {
    if (explicit) throw new UsageError(read.problem, { field: 'registryConfig', value: configFile });
    return undefined;
  }
  let config: { auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }> };
  try {
    config = JSON.parse(read.bytes.toString('utf8')) as typeof config;
  } catch {
    throw new UsageError('is not JSON', { field: 'registryConfig', value: configFile });
  }
  const keys = registry === 'docker.io' ? HUB_KEYS : [registry, `https://${registry}`, `http://${registry}`];
  const entry = keys.map((k) => config.auths?.[k]).find((e) => e !== undefined);
  if (!entry) return undefined;
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') return { identityToken: entry.identitytoken };
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new UsageError(`its auths entry for ${registry} is not base64 of user:password`, { field: 'registryConfig', value: configFile });
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string') return { username: entry.username, password: entry.password };
  return undefined;
}
