/** Agent ids: lowercase and stable, the one vocabulary of every report, note and config file (changing one breaks stored notes). */
export const AGENT_IDS = [
  'aider',
  'amazon-q',
  'amp',
  'claude-code',
  'cline',
  'codegen',
  'codex',
  'copilot',
  'cursor',
  'devin',
  'entire',
  'factory-droid',
  'firebender',
  'gemini-cli',
  'jules',
  'opencode',
  'openhands',
  'sweep',
  'other',
] as const;

export type AgentId = (typeof AGENT_IDS)[number];

/** Each agent's product name, as its makers write it (for documents people read: the AI-BOM's components). */
export const AGENT_NAMES: Record<AgentId, string> = {
  'aider': 'aider',
  'amazon-q': 'Amazon Q Developer',
  'amp': 'Amp',
  'claude-code': 'Claude Code',
  'cline': 'Cline',
  'codegen': 'Codegen',
  'codex': 'OpenAI Codex',
  'copilot': 'GitHub Copilot',
  'cursor': 'Cursor',
  'devin': 'Devin',
  'entire': 'Entire',
  'factory-droid': 'Factory Droid',
  'firebender': 'Firebender',
  'gemini-cli': 'Gemini CLI',
  'jules': 'Jules',
  'opencode': 'opencode',
  'openhands': 'OpenHands',
  'sweep': 'Sweep',
  'other': 'other AI agent',
};

export function isAgentId(value: string): value is AgentId {
  return (AGENT_IDS as readonly string[]).includes(value);
}

/**
 * Names people and tools write for an agent in free-form trailers
 * (`Assisted-by: Claude:…`, `Made-with: Cursor`, `Entire-Agent: Claude Code`),
 * compared after lowercasing and folding separators to single spaces.
 */
const ALIASES: Record<string, AgentId> = {
  'aider': 'aider',
  'amazon q': 'amazon-q',
  'amazon q developer': 'amazon-q',
  'q developer': 'amazon-q',
  'amp': 'amp',
  'sourcegraph amp': 'amp',
  'claude': 'claude-code',
  'claude code': 'claude-code',
  'anthropic claude': 'claude-code',
  'cline': 'cline',
  'cline agent': 'cline',
  'codegen': 'codegen',
  'codex': 'codex',
  'openai codex': 'codex',
  'codex cli': 'codex',
  'copilot': 'copilot',
  'github copilot': 'copilot',
  'copilot agent': 'copilot',
  'cursor': 'cursor',
  'cursor agent': 'cursor',
  'devin': 'devin',
  'devin ai': 'devin',
  'entire': 'entire',
  'factory': 'factory-droid',
  'factory droid': 'factory-droid',
  'droid': 'factory-droid',
  'firebender': 'firebender',
  'gemini': 'gemini-cli',
  'gemini cli': 'gemini-cli',
  'google gemini': 'gemini-cli',
  'jules': 'jules',
  'google jules': 'jules',
  'opencode': 'opencode',
  'openhands': 'openhands',
  'opendevin': 'openhands',
  'all hands': 'openhands',
  'sweep': 'sweep',
  'sweep ai': 'sweep',
};

export function foldName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_.-]+/g, ' ');
}

/** The agent a free-form name refers to, or undefined when it names none we know. */
export function agentForName(name: string): AgentId | undefined {
  const folded = foldName(name);
  return ALIASES[folded] ?? (isAgentId(folded.replace(/ /g, '-')) ? (folded.replace(/ /g, '-') as AgentId) : undefined);
}

/**
 * Models are keys in summaries: one spelling per model. "Claude Opus 4.6",
 * "claude opus 4.6" and `claude-opus-4-6` (the API's id, from `record`) are
 * all `claude-opus-4.6`: a version written with a dash after a name word
 * becomes a dotted one, and a date stays as it is (`gpt-4o-2024-08-06`). The
 * spelling as written stays in the evidence.
 */
export function normalizeModel(model: string): string | undefined {
  const folded = unquote(model.trim()).trim().toLowerCase().replace(/\s+/g, '-');
  if (folded === '' || MODEL_PLACEHOLDERS.has(folded) || /^<.*>$/.test(folded)) return undefined;
  return folded.replace(/(?<=[a-z]-)(\d{1,2})-(\d{1,2})(?=$|-)/g, '$1.$2');
}

/**
 * Values tools write where they do not know the model (`default`, `auto`,
 * Claude Code's `<synthetic>`): no model at all, so `unknown` in reports,
 * never a model of that name. The value as written stays in the evidence.
 */
const MODEL_PLACEHOLDERS = new Set(['default', 'unknown', 'auto', 'none', 'null', 'undefined', 'n/a', '-']);

/** `"gpt-5"` and `\\"gpt-5\\"` as some tools store them (a JSON string quoted once more): `gpt-5`. */
function unquote(text: string): string {
  let value = text;
  for (;;) {
    const m = /^\\?["'`](.*?)\\?["'`]$/s.exec(value);
    if (!m || m[1] === undefined) return value;
    value = m[1].trim();
  }
}
