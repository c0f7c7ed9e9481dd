import { execFileSync } from 'node:child_process';

export const IDENTITY = {
  GIT_AUTHOR_NAME: 'Dana Human',
  GIT_AUTHOR_EMAIL: 'dana@example.com',
  GIT_COMMITTER_NAME: 'Dana Human',
  GIT_COMMITTER_EMAIL: 'dana@example.com',
};
/** The environment of a person's shell: none of the agents' variables. */
export const HUMAN_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !['CLAUDECODE', 'GEMINI_CLI', 'CURSOR_AGENT', 'CODEX_SANDBOX', 'OPENCODE', 'AIPROV_AGENT', 'AIPROV_MODEL', 'ANTHROPIC_MODEL'].includes(k),
  ),
);

/** Runs git as a person would at a terminal: no agent variables, a fixed identity, no editor. */
export function sh(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...HUMAN_ENV, ...IDENTITY, GIT_EDITOR: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
