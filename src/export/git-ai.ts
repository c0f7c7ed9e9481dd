import { createHash } from 'node:crypto';
import type { AgentId } from '../authorship/agents.js';
import { VERSION } from '../kernel/version.js';
import type { CommitLines } from './established.js';

/**
 * git-ai authorship logs (`authorship/3.0.0`, git-ai's
 * `specs/git_ai_standard_v3.0.0.md`) of the established attribution: for
 * each commit, its files and, under each, one session key per agent and model
 * with the lines in the commit's own numbering; then `---` and the metadata
 * (`base_commit_sha` the commit, an empty `prompts`, each session's
 * `agent_id`). A session id is `s_` and SHA-256("<tool>:<conversation id>")'s
 * first 14 hex digits, as the standard defines it; aiprov knows no
 * conversation, so the id is `aiprov:<commit>:<model>`, and the trace id is
 * derived from the commit and the entry's place (unique per entry, the same
 * on every export).
 */
export const GIT_AI_SCHEMA = 'authorship/3.0.0';

/** git-ai's tool names (the standard's list), where they differ from aiprov's agent ids. */
const GIT_AI_TOOLS: Partial<Record<AgentId, string>> = { 'claude-code': 'claude', 'gemini-cli': 'gemini', 'factory-droid': 'droid' };

export interface GitAiNote {
  commit: string;
  /** The note, or '' when every file was left out. */
  text: string;
  /** Files left out: a path git-ai's line format cannot carry (a quote or a line break in it). */
  skipped: string[];
}

export function gitAiNote(c: CommitLines): GitAiNote {
  const sessions = new Map<string, { agent_id: { tool: string; id: string; model: string } }>();
  const lines: string[] = [];
  const skipped: string[] = [];
  let entry = 0;
  for (const file of c.files) {
    if (/["\r\n]/.test(file.path)) {
      skipped.push(file.path);
      continue;
    }
    lines.push(/[\s]/.test(file.path) ? `"${file.path}"` : file.path);
    for (const claimant of file.claimants) {
      const tool = claimant.name ?? GIT_AI_TOOLS[claimant.agent] ?? claimant.agent;
      const conversation = `aiprov:${c.commit}:${claimant.model}`;
      const session = `s_${sha256(`${tool}:${conversation}`).slice(0, 14)}`;
      sessions.set(session, { agent_id: { tool, id: conversation, model: claimant.model === 'unknown' ? '' : claimant.model } });
      const trace = `t_${sha256(`${c.commit}\0${++entry}`).slice(0, 14)}`;
      lines.push(`  ${session}::${trace} ${claimant.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`);
    }
  }
  const metadata = {
    schema_version: GIT_AI_SCHEMA,
    git_ai_version: `aiprov-${VERSION}`,
    base_commit_sha: c.commit,
    prompts: {},
    sessions: Object.fromEntries([...sessions].sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  if (entry === 0) return { commit: c.commit, text: '', skipped };
  return { commit: c.commit, text: `${lines.join('\n')}\n---\n${JSON.stringify(metadata, null, 2)}\n`, skipped };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
