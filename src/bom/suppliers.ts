/**
 * Who supplies a model, by its id as aiprov normalises it (`claude-opus-4.7`,
 * `gpt-5`, `gemini-2.5-pro`): the vendors whose ids say so. A model id that
 * names no vendor aiprov knows gets none (the SPDX document then says
 * NoAssertionElement), never a guess from the agent that ran it: agents run
 * other vendors' models.
 */
const SUPPLIERS: [RegExp, string][] = [
  [/^(?:claude|anthropic)\b|^(?:opus|sonnet|haiku)\b/, 'Anthropic'],
  [/^(?:gpt|chatgpt|o[1-9](?:-|$)|codex|openai)\b/, 'OpenAI'],
  [/^(?:gemini|gemma|google)\b/, 'Google'],
  [/^grok\b/, 'xAI'],
  [/^(?:mistral|codestral|devstral|magistral)\b/, 'Mistral AI'],
  [/^deepseek\b/, 'DeepSeek'],
  [/^(?:qwen|qwq)\b/, 'Alibaba Cloud'],
  [/^kimi\b/, 'Moonshot AI'],
  [/^(?:llama|meta-llama)\b/, 'Meta'],
  [/^(?:glm|zai|z-ai)\b/, 'Z.ai'],
];

export function modelSupplier(model: string | null): string | undefined {
  if (model === null) return undefined;
  const id = model
    .toLowerCase()
    .replace(/^[a-z0-9-]+\//, (prefix) => (/^(?:anthropic|openai|google|x-ai|mistralai|deepseek|qwen|meta-llama)\//.test(prefix) ? '' : prefix));
  return SUPPLIERS.find(([pattern]) => pattern.test(id))?.[1];
}
