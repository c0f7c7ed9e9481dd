import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Environment } from '../../kernel/environment.js';

/**
 * The parts of npm's configuration that decide where a package is looked up
 * and with what credentials: `registry`, `@scope:registry` and
 * `//host/path/:_authToken` (or `_auth`), from the user's .npmrc, the
 * project's .npmrc and `npm_config_registry`.
 *
 * The project's .npmrc belongs to the repository under audit, which is
 * untrusted input (trust.ts): unless the user trusts it, it chooses no host
 * and no credential and expands no `${VAR}` (a committed
 * `registry=http://host/${SECRET_TOKEN}/` must not send the CI's secret
 * anywhere). Its `@scope:registry` lines still say the scope is private, so
 * that its names are never sent to the public registry either.
 */
export interface NpmConfig {
  registry: string;
  scopes: Record<string, string>;
  /** Registry URL prefix (`//host/path/`) → Authorization header value. */
  auth: Record<string, string>;
  /** Scopes the untrusted project .npmrc gives a registry for (scope → the URL it names, not used): never looked up elsewhere. */
  repositoryScopes: Record<string, string>;
}

export interface LoadedNpmConfig {
  config: NpmConfig;
  /** Lines of the project .npmrc that were not used, one message each. */
  warnings: string[];
}

export async function loadNpmConfig(projectDir: string, environment: Pick<Environment, 'vars' | 'home'>, trustProject: boolean): Promise<LoadedNpmConfig> {
  const config: NpmConfig = { registry: 'https://registry.npmjs.org/', scopes: {}, auth: {}, repositoryScopes: {} };
  const warnings: string[] = [];
  const env = environment.vars;
  const userFile = env.npm_config_userconfig ?? env.NPM_CONFIG_USERCONFIG ?? path.join(environment.home, '.npmrc');
  apply(config, parseIni(await readText(userFile), env));
  const projectFile = path.join(projectDir, '.npmrc');
  if (path.resolve(projectFile) !== path.resolve(userFile)) {
    const project = await readText(projectFile);
    if (trustProject) apply(config, parseIni(project, env));
    else applyUntrusted(config, parseIni(project, null), projectFile, warnings);
  }
  const fromEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const m = /^npm_config_(.+)$/i.exec(key);
    if (m && value !== undefined && m[1]?.toLowerCase() === 'registry') fromEnv.registry = value;
  }
  apply(config, fromEnv);
  return { config, warnings };
}

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}

function apply(config: NpmConfig, entries: Record<string, string>): void {
  for (const [key, value] of Object.entries(entries)) {
    if (key === 'registry') config.registry = withSlash(value);
    const scope = /^(@[^:]+):registry$/.exec(key);
    if (scope?.[1]) config.scopes[scope[1]] = withSlash(value);
    const token = /^(\/\/.+\/):_authToken$/.exec(key);
    if (token?.[1]) config.auth[token[1]] = `Bearer ${value}`;
    const basic = /^(\/\/.+\/):_auth$/.exec(key);
    if (basic?.[1]) config.auth[basic[1]] = `Basic ${value}`;
  }
}

/** Only what names scopes; every host and credential is reported as not used. */
function applyUntrusted(config: NpmConfig, entries: Record<string, string>, file: string, warnings: string[]): void {
  for (const [key, value] of Object.entries(entries)) {
    const scope = /^(@[^:]+):registry$/.exec(key);
    if (scope?.[1]) {
      if (config.scopes[scope[1]] === undefined) config.repositoryScopes[scope[1]] = withSlash(value);
      else continue; // the user's own config already says where this scope lives
    }
    if (key === 'registry' || scope || /^\/\/.+:_(?:authToken|auth|password|username)$/.test(key)) {
      const shown = /:_(?:authToken|auth|password)$/.test(key) ? `${key}=…` : `${key}=${value}`;
      warnings.push(`${file}: ${shown} not used: the repository's .npmrc chooses no registry host or credential (pass --trust-repo-config to use it)`);
    }
  }
}

/** `key = value` lines; `${VAR}` is expanded from `env` only for files the user chose (null: never). */
export function parseIni(text: string, env: NodeJS.ProcessEnv | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq === -1) continue;
    const key = line.slice(0, eq).trim();
    const unquoted = line
      .slice(eq + 1)
      .trim()
      .replace(/^["']|["']$/g, '');
    out[key] = env === null ? unquoted : unquoted.replace(/\$\{([^}]+)\}/g, (_m, name: string) => env[name] ?? '');
  }
  return out;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** The registry a name is looked up in, and the Authorization header for it, if any. */
export function registryFor(config: NpmConfig, name: string): { registry: string; scoped: boolean; authorization?: string } {
  const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/')) : undefined;
  const scoped = scope !== undefined && config.scopes[scope] !== undefined;
  const registry = scoped && scope ? (config.scopes[scope] ?? config.registry) : config.registry;
  const bare = registry.replace(/^https?:/, '');
  const match = Object.keys(config.auth)
    .filter((prefix) => bare.startsWith(prefix))
    .sort((a, b) => b.length - a.length)[0];
  return { registry, scoped, ...(match ? { authorization: config.auth[match] } : {}) };
}
