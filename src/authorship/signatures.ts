import type { SignatureDef } from './signature-types.js';

/**
 * The built-in signature table: how agents mark their work in git, as each
 * agent's own documentation and source write it (trailers, bot accounts,
 * footers, author suffixes). Data only; `engine.ts` matches it. Rows known
 * only second-hand (from users' reports, not the agent's own source) are `inferred`; everything an agent or person wrote
 * down on purpose is `declared`.
 */
const gh = (login: string, id: number): string => `${id}+${login}@users.noreply.github.com`;

export const BUILTIN_SIGNATURES: readonly SignatureDef[] = [
  // aider
  { id: 'aider/author-suffix', agent: 'aider', identity: { namePattern: '\\s\\(aider\\)$', roles: ['author'] } },
  { id: 'aider/co-author', agent: 'aider', identity: { email: 'aider@aider.chat', roles: ['co-author'] }, model: '^aider \\((?<model>[^)]+)\\)$' },
  { id: 'aider/co-author-legacy', agent: 'aider', identity: { email: 'noreply@aider.dev', roles: ['co-author'] }, model: '^aider \\((?<model>[^)]+)\\)$' },
  // aider's newer trailer address (in aider's own history): `aider (openai/gpt-4.1) <noreply@aider.chat>`.
  { id: 'aider/co-author-noreply', agent: 'aider', identity: { email: 'noreply@aider.chat', roles: ['co-author'] }, model: '^aider \\((?<model>[^)]+)\\)$' },
  { id: 'aider/subject', agent: 'aider', subject: '^aider: ' },
  // Claude Code
  {
    id: 'claude-code/identity',
    agent: 'claude-code',
    identity: { email: 'noreply@anthropic.com' },
    model: '^(?<model>Claude\\s+[^(]*[^(\\s])(?:\\s*\\([^)]*\\))?$',
  },
  { id: 'claude-code/app', agent: 'claude-code', identity: { email: gh('claude[bot]', 209825114) } },
  // A line of its own, even with more lines after it in its paragraph (a review bot's badge); never quoted or indented.
  {
    id: 'claude-code/footer',
    agent: 'claude-code',
    line: '^🤖 Generated with \\[Claude Code\\]\\((?:https://claude\\.com/claude-code|https://claude\\.ai/code)\\)$',
  },
  { id: 'claude-code/session-trailer', agent: 'claude-code', trailer: { key: 'Claude-Session' } },
  { id: 'claude-code/session-link', agent: 'claude-code', line: '^https://claude\\.ai/code/session_[A-Za-z0-9_-]+$' },
  // Codex
  { id: 'codex/co-author', agent: 'codex', identity: { email: 'noreply@openai.com' } },
  { id: 'codex/cloud-author', agent: 'codex', confidence: 'inferred', identity: { email: 'codex@openai.com', roles: ['author'] } },
  // Cursor
  { id: 'cursor/agent', agent: 'cursor', identity: { email: 'cursoragent@cursor.com' } },
  // Copilot. GitHub's own accounts, told apart by their user id: the coding agent (`copilot-swe-agent[bot]`,
  // 198982749); the co-author GitHub's newer Copilot agents add (`Copilot` / `Copilot App`, 223556219: on
  // microsoft/typespec and dotnet/aspire, on agent-made pull requests); and the co-author of a suggestion from
  // Copilot's code review or code-scanning Autofix that a person applied (`Copilot`, `Copilot Autofix powered by AI`,
  // 175728472): a review suggestion, not agent authorship (reference/agents.md, and both repositories' histories).
  { id: 'copilot/coding-agent', agent: 'copilot', identity: { emailPattern: '^198982749\\+copilot(?:-swe-agent\\[bot\\])?@users\\.noreply\\.github\\.com$' } },
  { id: 'copilot/agent-co-author', agent: 'copilot', identity: { email: gh('Copilot', 223556219) } },
  {
    id: 'copilot/review-suggestion',
    agent: 'copilot',
    role: 'review-suggestion',
    confidence: 'inferred',
    name: 'Copilot code review',
    identity: { email: gh('Copilot', 175728472), roles: ['co-author'] },
  },
  // Devin, Jules, OpenHands, Factory, Amazon Q, Codegen, Sweep
  { id: 'devin/bot', agent: 'devin', identity: { email: gh('devin-ai-integration[bot]', 158243242) } },
  { id: 'jules/bot', agent: 'jules', identity: { email: gh('google-labs-jules[bot]', 161369871) } },
  // OpenHands, and the names it had as OpenDevin (`OpenDevin <opendevin@opendevin.ai>` in its own 2024 history).
  { id: 'openhands/identity', agent: 'openhands', identity: { emailPattern: '^(?:openhands|opendevin)@all-hands\\.dev$|^opendevin@opendevin\\.ai$' } },
  { id: 'factory-droid/bot', agent: 'factory-droid', identity: { email: gh('factory-droid[bot]', 138933559) } },
  { id: 'amazon-q/bot', agent: 'amazon-q', confidence: 'inferred', identity: { email: gh('amazon-q-developer[bot]', 208079219) } },
  { id: 'codegen/bot', agent: 'codegen', identity: { emailPattern: '^(?:\\d+\\+)?codegen-sh\\[bot\\]@users\\.noreply\\.github\\.com$' } },
  { id: 'sweep/bot', agent: 'sweep', identity: { emailPattern: '^(?:\\d+\\+)?sweep-ai\\[bot\\]@users\\.noreply\\.github\\.com$' } },
  // Gemini: a hand-written co-author is declared; Code Assist's bot is an applied review suggestion; `gemini-cli[bot]`
  // is the Gemini CLI agent run in CI (its GitHub Action), authoring code changes in google-gemini/gemini-cli.
  { id: 'gemini-cli/co-author', agent: 'gemini-cli', identity: { email: 'gemini@google.com', roles: ['co-author'] } },
  { id: 'gemini-cli/bot', agent: 'gemini-cli', identity: { emailPattern: '^(?:218312386\\+)?gemini-cli\\[bot\\]@users\\.noreply\\.github\\.com$' } },
  {
    id: 'gemini-cli/code-assist-suggestion',
    agent: 'gemini-cli',
    role: 'review-suggestion',
    confidence: 'inferred',
    name: 'Gemini Code Assist',
    identity: { email: gh('gemini-code-assist[bot]', 176961590), roles: ['co-author'] },
  },
  // Cline: its cloud agent's app (`cline-cloud[bot]`) and its agent's co-author (`Cline Agent <cline-agent@users.noreply.github.com>`),
  // both in cline/cline's own history.
  { id: 'cline/cloud', agent: 'cline', identity: { emailPattern: '^(?:276134852\\+)?cline-cloud\\[bot\\]@users\\.noreply\\.github\\.com$' } },
  { id: 'cline/agent', agent: 'cline', identity: { email: 'cline-agent@users.noreply.github.com' } },
  // Agents that are GitHub apps: CodeBeaver writes tests as pull requests (browser-use's history); Aikido's AutoFix
  // writes dependency and code fixes with AI (cline's history; its own description: "AI AutoFix").
  {
    id: 'codebeaver/bot',
    agent: 'other',
    name: 'CodeBeaver',
    identity: { emailPattern: '^(?:192081515\\+)?codebeaver-ai\\[bot\\]@users\\.noreply\\.github\\.com$' },
  },
  {
    id: 'aikido/autofix',
    agent: 'other',
    name: 'Aikido AutoFix',
    confidence: 'inferred',
    identity: { emailPattern: '^(?:119856028\\+)?aikido-autofix\\[bot\\]@users\\.noreply\\.github\\.com$' },
  },
  // AI code reviewers whose suggestions a person applied (GitHub adds the bot as co-author): review suggestions.
  ...(
    [
      ['ellipsis', 'Ellipsis', 'ellipsis-dev[bot]', 65095814],
      ['greptile', 'Greptile', 'greptile-apps[bot]', 165735046],
      ['cubic', 'cubic', 'cubic-dev-ai[bot]', 191113872],
    ] as const
  ).map(([id, name, login, user]): SignatureDef => ({
    id: `${id}/review-suggestion`,
    agent: 'other',
    role: 'review-suggestion',
    confidence: 'inferred',
    name,
    identity: { email: gh(login, user), roles: ['co-author'] },
  })),
  // Firebender, Amp, opencode
  { id: 'firebender/co-author', agent: 'firebender', identity: { email: 'help@firebender.com', roles: ['co-author'] } },
  { id: 'amp/co-author', agent: 'amp', confidence: 'inferred', identity: { email: 'amp@ampcode.com', roles: ['co-author'] } },
  { id: 'opencode/co-author', agent: 'opencode', confidence: 'inferred', identity: { email: 'noreply@opencode.ai', roles: ['co-author'] } },
  // Entire: its trailers, and the agent it names.
  { id: 'entire/trailer', agent: 'entire', trailer: { key: 'Entire-Checkpoint' } },
  { id: 'entire/session', agent: 'entire', trailer: { key: 'Entire-Session' } },
  { id: 'entire/strategy', agent: 'entire', trailer: { key: 'Entire-Strategy' } },
  { id: 'entire/metadata', agent: 'entire', trailer: { key: 'Entire-Metadata' } },
  { id: 'entire/agent', trailer: { key: 'Entire-Agent', names: 'agent' } },
  // Tool-independent declarations.
  { id: 'generic/assisted-by', trailer: { key: 'Assisted-by', names: 'assisted-by' } },
  { id: 'generic/generated-by', trailer: { key: 'Generated-by', names: 'agent' } },
  { id: 'generic/ai-assisted', trailer: { key: 'AI-Assisted', names: 'agent' } },
  { id: 'generic/made-with', trailer: { key: 'Made-with', names: 'agent' } },
  // Automation: not AI, not people.
  { id: 'automation/dependabot', automation: 'dependabot', identity: { email: gh('dependabot[bot]', 49699333), roles: ['author'] } },
  { id: 'automation/github-actions', automation: 'github-actions', identity: { email: gh('github-actions[bot]', 41898282), roles: ['author'] } },
  {
    id: 'automation/renovate',
    automation: 'renovate',
    identity: { emailPattern: '^(?:29139614\\+renovate\\[bot\\]@users\\.noreply\\.github\\.com|bot@renovateapp\\.com)$', roles: ['author'] },
  },
  {
    id: 'automation/github-app',
    automation: 'github-app',
    identity: { emailPattern: '^\\d+\\+(?<name>[a-z0-9-]+)\\[bot\\]@users\\.noreply\\.github\\.com$', roles: ['author'] },
  },
];
