import type { Command } from 'commander';
import { UsageError } from '../kernel/errors.js';
import { RegistryClient } from '../oci/client.js';
import { registryCredentials } from '../oci/credentials.js';
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

/** A client for the image named on the command line, with its credentials. */
export async function registryClient(io: CliIo, flags: RegistryFlags & { image: string }, access: 'pull' | 'push'): Promise<RegistryClient> {
  const ref = parseImageReference(flags.image);
  const credentials = await registryCredentials(ref.registry, {
    ...(flags.registryConfig !== undefined ? { file: resolvePath(io, flags.registryConfig) } : {}),
    ...(io.env.DOCKER_CONFIG !== undefined ? { dockerConfig: io.env.DOCKER_CONFIG } : {}),
    home: io.home,
  });
  const seconds = Number(flags.registryTimeout ?? '15');
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600)
    throw new UsageError('expected a number of seconds, more than 0 and at most 600', { field: 'registryTimeout', value: flags.registryTimeout ?? '' });
  return new RegistryClient(ref, {
    access,
    http: { timeoutMs: seconds * 1000 },
    ...(credentials ? { credentials } : {}),
    ...(flags.insecureRegistry ? { insecure: flags.insecureRegistry } : {}),
  });
}
