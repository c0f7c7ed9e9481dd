import { agentForName, type AgentId } from './agents.js';
import { normalizeModel } from './agents.js';

export interface NamedAgent {
  agent: AgentId;
  /** The name as written, kept when the agent is `other`. */
  name?: string;
  model?: string;
}

const NEGATIVE = /^(?:no|false|none|n\/a|0|off)$/i;
const AFFIRMATIVE = /^(?:yes|true|1|on)$/i;

/**
 * Reads a trailer value that names an agent: `Cursor`, `Claude Code 2.1`,
 * `aider (gpt-4o)`, `Claude:claude-3-opus`. A negative (`no`, `none`) names
 * nothing; a bare affirmative (`AI-Assisted: yes`) is an unnamed agent.
 */
export function readAgentName(value: string, knownOnly = false): NamedAgent | undefined {
  const text = value.replace(/\s*<[^<>]*>\s*$/, '').trim();
  if (text === '' || NEGATIVE.test(text)) return undefined;
  if (AFFIRMATIVE.test(text)) return knownOnly ? undefined : { agent: 'other' };
  let name = text;
  let model: string | undefined;
  const paren = /^(.*?)\s*\(([^()]+)\)$/.exec(text);
  const colon = /^([^:]+):\s*(\S+)/.exec(text);
  if (paren) {
    name = paren[1] ?? text;
    model = paren[2];
  } else if (colon) {
    name = colon[1] ?? text;
    model = colon[2];
  }
  const agent = resolveLongestPrefix(name);
  if (!agent && knownOnly) return undefined;
  const result: NamedAgent = { agent: agent ?? 'other' };
  if (!agent) result.name = name.trim();
  const normalized = model === undefined ? undefined : normalizeModel(model);
  if (normalized) result.model = normalized;
  return result;
}

/**
 * The kernel's `Assisted-by: AGENT_NAME:MODEL_VERSION [TOOL1] [TOOL2]`; tools are not agents. Also as written in the
 * wild (git/git): a model alone (`Assisted-by: Opus 4.7`: the model, by an agent nobody named), and a person
 * (`Assisted-by: Jane Doe <jane@example.com>`: a name and address that are no agent and no model: not AI).
 */
export function readAssistedBy(value: string): NamedAgent | undefined {
  const address = /<[^<>]*>\s*$/.test(value);
  const text = value.replace(/\s*<[^<>]*>\s*$/, '').trim();
  const colon = text.indexOf(':');
  if (colon === -1) {
    const known = readAgentName(text, true);
    const model = modelNamed(text);
    if (known) return known.model === undefined && model !== undefined ? { ...known, model } : known;
    if (model !== undefined) return { agent: 'other', model };
    // With an address, only an AI product's name (or an AI vendor's address) is an assistant; anyone else is a person.
    return address && !AI_PRODUCT.test(text) && !AI_VENDOR_ADDRESS.test(value) ? undefined : readAgentName(text);
  }
  const name = text.slice(0, colon).trim();
  const model =
    text
      .slice(colon + 1)
      .trim()
      .split(/\s+/)[0] ?? '';
  const named = readAgentName(name);
  if (!named) return undefined;
  const normalized = normalizeModel(model);
  return normalized ? { ...named, model: normalized } : named;
}

/** `Claude Code 2.1.0` names Claude Code: try the longest run of leading words that is a known name. */
function resolveLongestPrefix(name: string): AgentId | undefined {
  const words = name.trim().split(/\s+/);
  for (let n = Math.min(words.length, 4); n >= 1; n--) {
    const agent = agentForName(words.slice(0, n).join(' '));
    if (agent) return agent;
  }
  return undefined;
}

/** Model families as people write them bare: `Opus 4.7` is Anthropic's, `GPT-5` OpenAI's, `Gemini 2.5 Pro` Google's. */
const MODEL_NAME =
  /^(?:claude[\s-]+)?(?:opus|sonnet|haiku)[\s-]*\d|^claude[\s-]+\d|^gpt-?\d|^o[134](?:-mini|-pro)?$|^gemini[\s-]+\d|^(?:grok|qwen|deepseek|kimi|mistral|codestral|llama)[\s-]*[\dvk]/i;

/** The model a name is, normalised, with Anthropic's families given their vendor (`Opus 4.7` → `claude-opus-4.7`); undefined when it is none. */
export function modelNamed(text: string): string | undefined {
  const name = text.trim();
  if (!MODEL_NAME.test(name)) return undefined;
  return normalizeModel(/^(?:opus|sonnet|haiku)\b/i.test(name) ? `claude-${name}` : name);
}

/** AI assistants that are no agent of the catalogue, by the names their makers give them. */
const AI_PRODUCT = /^(?:chatgpt|windsurf|tabnine|codeium|cody|kiro|qodo|augment(?: code)?|junie|jetbrains ai|ai assistant|copilot chat|grok|deepseek|qwen)\b/i;
/** An AI vendor's no-reply address (a person at the vendor, helping as a person, writes their own address). */
const AI_VENDOR_ADDRESS =
  /<(?:no-?reply|bot|agent)@(?:[a-z0-9-]+\.)*(?:openai\.com|anthropic\.com|cursor\.com|ampcode\.com|opencode\.ai|aider\.chat|firebender\.com|all-hands\.dev|tabnine\.com|codeium\.com|windsurf\.com|sourcegraph\.com|x\.ai|deepseek\.com)>\s*$/i;
