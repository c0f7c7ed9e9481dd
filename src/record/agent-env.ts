import { AGENT_IDS, isAgentId, type AgentId } from '../authorship/agents.js';

/**
 * Environment variables agents set in the shells they spawn: a hint (never
 * proof) that the commit being made is an agent's. `.aiprov.yml` can add its
 * own under `hooks.agentEnv`; AIPROV_AGENT (an agent id) overrides them all.
 */
export interface AgentEnvHint {
  variable: string;
  /** The value the variable must have; any non-empty value when absent. */
  value?: string;
  agent: AgentId;
  /** A variable holding the model, if the agent exports one. */
  modelVariable?: string;
}

/** The `hooks:` section of .aiprov.yml. */
export interface HooksConfig {
  trailer?: TrailerStyle;
  agentEnv?: AgentEnvHint[];
}

export const DEFAULT_AGENT_ENV: readonly AgentEnvHint[] = [
  { variable: 'CLAUDECODE', value: '1', agent: 'claude-code', modelVariable: 'ANTHROPIC_MODEL' },
  { variable: 'GEMINI_CLI', value: '1', agent: 'gemini-cli', modelVariable: 'GEMINI_MODEL' },
  { variable: 'CURSOR_AGENT', agent: 'cursor' },
  { variable: 'CODEX_SANDBOX', agent: 'codex' },
  { variable: 'OPENCODE', agent: 'opencode' },
];

export interface AgentFromEnv {
  agent: AgentId;
  name?: string;
  model?: string;
  /** The variable that said so, for the user. */
  variable: string;
}

export function agentFromEnv(env: NodeJS.ProcessEnv, hints: readonly AgentEnvHint[]): AgentFromEnv | undefined {
  const explicit = env.AIPROV_AGENT;
  if (explicit && isAgentId(explicit)) {
    return {
      agent: explicit,
      variable: 'AIPROV_AGENT',
      ...(env.AIPROV_AGENT_NAME ? { name: env.AIPROV_AGENT_NAME } : {}),
      ...(env.AIPROV_MODEL ? { model: env.AIPROV_MODEL } : {}),
    };
  }
  for (const hint of hints) {
    const value = env[hint.variable];
    if (value === undefined || value === '' || (hint.value !== undefined && value !== hint.value)) continue;
    const model = env.AIPROV_MODEL ?? (hint.modelVariable ? env[hint.modelVariable] : undefined);
    return { agent: hint.agent, variable: hint.variable, ...(model ? { model } : {}) };
  }
  return undefined;
}

/** When AIPROV_AGENT names no agent aiprov knows: a warning to show, since the variable was meant to say who is committing. */
export function unknownAgentWarning(env: NodeJS.ProcessEnv): string | undefined {
  const explicit = env.AIPROV_AGENT;
  if (explicit === undefined || explicit === '' || isAgentId(explicit)) return undefined;
  return `warning: AIPROV_AGENT=${explicit} is not an agent aiprov knows (${AGENT_IDS.join(', ')}; other with AIPROV_AGENT_NAME): it is ignored`;
}

export type TrailerStyle = 'assisted-by' | 'co-authored-by';

const DISPLAY: Record<AgentId, string> = {
  'aider': 'aider',
  'amazon-q': 'Amazon Q',
  'amp': 'Amp',
  'claude-code': 'Claude',
  'cline': 'Cline',
  'codegen': 'Codegen',
  'codex': 'Codex',
  'copilot': 'Copilot',
  'cursor': 'Cursor',
  'devin': 'Devin',
  'entire': 'Entire',
  'factory-droid': 'Factory Droid',
  'firebender': 'Firebender',
  'gemini-cli': 'Gemini',
  'jules': 'Jules',
  'opencode': 'opencode',
  'openhands': 'OpenHands',
  'sweep': 'Sweep',
  'other': 'AI agent',
};

/** The identities agents themselves write in their Co-authored-by trailers; agents without one get `Assisted-by`. */
const CO_AUTHOR: Partial<Record<AgentId, (model?: string) => string>> = {
  'aider': (model) => `aider${model ? ` (${model})` : ''} <aider@aider.chat>`,
  'claude-code': () => 'Claude <noreply@anthropic.com>',
  'codex': () => 'Codex <noreply@openai.com>',
  'cline': () => 'Cline Agent <cline-agent@users.noreply.github.com>',
  'cursor': () => 'Cursor <cursoragent@cursor.com>',
  'devin': () => 'Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>',
  'firebender': () => 'Firebender <help@firebender.com>',
  'gemini-cli': () => 'Gemini <gemini@google.com>',
  'jules': () => 'google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>',
  'openhands': () => 'openhands <openhands@all-hands.dev>',
};

/** The trailer line a hook adds for an agent, in a form `aiprov scan` reads back as that agent. */
export function trailerFor(found: AgentFromEnv, style: TrailerStyle): string {
  const coAuthor = CO_AUTHOR[found.agent];
  if (style === 'co-authored-by' && coAuthor) return `Co-authored-by: ${coAuthor(found.model)}`;
  const name = found.agent === 'other' ? (found.name ?? DISPLAY.other) : DISPLAY[found.agent];
  return `Assisted-by: ${name}${found.model ? `:${found.model.replace(/\s+/g, '-')}` : ''}`;
}
