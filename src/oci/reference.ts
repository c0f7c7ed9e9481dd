import { RegistryError } from '../kernel/errors.js';

/** An image reference, normalised as Docker and the distribution spec do. */
export interface ImageReference {
  /** `host[:port]` as written (Docker Hub's is `docker.io`). */
  registry: string;
  /** The repository path (`library/nginx` for Docker Hub's `nginx`). */
  repository: string;
  tag?: string;
  /** `sha256:<hex>` when the reference pins one. */
  digest?: string;
}

const DOCKER_HUB = 'docker.io';
/** The distribution spec's repository name grammar (one path component, then `/` and more). */
const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** Parses `[host[:port]/]path[:tag][@sha256:hex]`; anything else is refused, naming what is wrong. */
export function parseImageReference(text: string): ImageReference {
  const bad = (why: string): never => {
    throw new RegistryError('IMAGE_REFERENCE_INVALID', `image ${JSON.stringify(text)}: ${why}`);
  };
  if (text.length === 0 || text.length > 1024 || /\s/.test(text)) bad('not an image reference');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) bad('the digest is not sha256: and 64 lowercase hex digits');
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) bad(`the tag ${JSON.stringify(tag)} is not a valid tag`);
  }
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  // The first component is a registry host when it looks like one (a dot, a port, localhost), as Docker decides.
  const hasHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['));
  const registry = hasHost ? first : DOCKER_HUB;
  if (hasHost && !HOST.test(registry)) bad(`the registry ${JSON.stringify(registry)} is not a host name`);
  const path = hasHost ? parts.slice(1) : parts;
  if (path.length === 0 || !path.every((c) => COMPONENT.test(c)))
    bad('the repository name must be lowercase letters, digits and separators (. _ __ -), in components separated by /');
  const repository = registry === DOCKER_HUB && path.length === 1 ? `library/${path[0] ?? ''}` : path.join('/');
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** The reference as people write it, with the digest when known. */
export function formatReference(ref: ImageReference, digest = ref.digest): string {
  return `${ref.registry}/${ref.repository}${digest ? `@${digest}` : ref.tag ? `:${ref.tag}` : ''}`;
}

/** Where the registry's API is: Docker Hub's is not at docker.io. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}

/** Loopback hosts may be spoken to in plain HTTP (a local registry); any other only when the user says so. */
export function isLoopback(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
