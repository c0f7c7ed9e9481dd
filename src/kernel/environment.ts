import os from 'node:os';

/**
 * The process's surroundings, as a role: library code asks an Environment
 * for variables, the working directory and the home directory, so that tests
 * and embedders can set them and nothing below the CLI reads `process.env`,
 * `process.cwd()` or `os.homedir()` itself.
 */
export interface Environment {
  /** Environment variables (npm configuration, cache locations, agent hints). */
  vars: NodeJS.ProcessEnv;
  /** Directory that relative paths given by the user are resolved against. */
  cwd: string;
  home: string;
}

/** The real process's environment: read once, when a context is made. */
export function processEnvironment(): Environment {
  return { vars: process.env, cwd: process.cwd(), home: os.homedir() };
}
