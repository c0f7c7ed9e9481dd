import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Environment } from '../../environment.js';

/**
 * The parts of npm's configuration that decide where a package is looked up
 * and with what credentials: `registry`, `@scope:registry` and
 * `//host/path/:_authToken` (or `_auth`), from the project's and the user's
 * .npmrc and `npm_config_*` variables, with `${VAR}` expanded as npm does.
 */
export interface NpmConfig {
  registry: string;
  scopes: Record<string, string>;
  /** Registry URL prefix (`//host/path/`) → Authorization header value. */
  auth: Record<string, string>;
}

export async function loadNpmConfig(projectDir: string, environment: Pick<Environment, 'vars' | 'home'>): Promise<NpmConfig> {
  const config: NpmConfig = { registry: 'https://registry.npmjs.org/', scopes: {}, auth: {} };
  const env = environment.vars;
  const userFile = env.npm_config_userconfig ?? env.NPM_CONFIG_USERCONFIG ?? path.join(environment.home, '.npmrc');
  for (const file of [userFile, path.join(projectDir, '.npmrc')]) {
    const text = await readFile(file, 'utf8').catch(() => '');
    apply(config, parseIni(text, env));
  }
  const fromEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const m = /^npm_config_(.+)$/i.exec(key);
    if (m && value !== undefined && m[1]?.toLowerCase() === 'registry') fromEnv.registry = value;
  }
  apply(config, fromEnv);
  return config;
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

export function parseIni(text: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq === -1) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim().replace(/^["']|["']$/g, '').replace(/\$\{([^}]+)\}/g, (_m, name: string) => env[name] ?? '');
    out[key] = value;
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
  const registry = scoped && scope ? config.scopes[scope] ?? config.registry : config.registry;
  const bare = registry.replace(/^https?:/, '');
  const match = Object.keys(config.auth).filter((prefix) => bare.startsWith(prefix)).sort((a, b) => b.length - a.length)[0];
  return { registry, scoped, ...(match ? { authorization: config.auth[match] } : {}) };
}
