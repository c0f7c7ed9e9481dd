import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { readRegularFile } from '../files.js';
import { RegistryClient, type RegistryCredentials } from '../oci/client.js';
import { parseImageReference } from '../oci/reference.js';
import { collect } from './globals.js';
import { resolvePath, type CliIo } from './io.js';

export interface RegistryFlags {
  image?: string;
  registryConfig?: string;
  insecureRegistry?: string[];
  registryTimeout?: string;
}

/** The options every command that talks to a registry takes. */
export function registryOptions(command: Command): Command {
  return command
    .option('--registry-config <file>', 'Docker config.json with the registry credentials (default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json)')
    .option('--insecure-registry <host:port>', 'speak plain HTTP to this registry (loopback registries need not be named; repeatable)', collect)
    .option('--registry-timeout <seconds>', 'give up on a registry request after this long (each of up to 4 tries)', '15');
}

/** Docker Hub's credentials are kept under its old index URL. */
const HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

/**
 * The credentials `docker login` (or podman, skopeo, crane) left for a
 * registry in config.json: `auths[host].auth` (base64 user:password), or
 * `username`/`password`, or `identitytoken`. Credential helpers
 * (`credsStore`, `credHelpers`) are programs aiprov does not run.
 */
export async function registryCredentials(io: CliIo, registry: string, file: string | undefined): Promise<RegistryCredentials | undefined> {
  const explicit = file !== undefined;
  const configFile = file !== undefined ? resolvePath(io, file) : path.join(io.env.DOCKER_CONFIG ?? path.join(io.home, '.docker'), 'config.json');
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

/** A client for the image named on the command line, with its credentials. */
export async function registryClient(io: CliIo, flags: RegistryFlags & { image: string }, access: 'pull' | 'push'): Promise<RegistryClient> {
  const ref = parseImageReference(flags.image);
  const credentials = await registryCredentials(io, ref.registry, flags.registryConfig);
  const seconds = Number(flags.registryTimeout ?? '15');
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new UsageError('expected a number of seconds, more than 0 and at most 600', { field: 'registryTimeout', value: flags.registryTimeout ?? '' });
  return new RegistryClient(ref, { access, http: { timeoutMs: seconds * 1000 }, ...(credentials ? { credentials } : {}), ...(flags.insecureRegistry ? { insecure: flags.insecureRegistry } : {}) });
}
