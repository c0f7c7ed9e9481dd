import { validateAgainst } from '../schemas.js';
import { agentForName, normalizeModel, type AgentId } from './agents.js';
import type { Detection } from './types.js';

export const AIBOM_NOTES_REF = 'refs/notes/aibom';
export const GIT_AI_NOTES_REF = 'refs/notes/ai';
export const AUTHORSHIP_NOTE_SCHEMA = 'https://aibom.dev/authorship-note/v1';

export interface NoteRecord {
  agent: AgentId;
  name?: string;
  model?: string;
  session?: string;
  promptSha256?: string;
  prompt?: string;
  files?: { path: string; ranges?: [number, number][] }[];
  tool: { name: string; version: string };
  recordedAt: string;
}

export interface AuthorshipNote {
  schema: typeof AUTHORSHIP_NOTE_SCHEMA;
  records: NoteRecord[];
}

export type NoteReading = { ok: true; detections: Detection[] } | { ok: false; problem: string };

/** Reads one of our own notes (`refs/notes/aibom`): each record is a declared detection. */
export function readAibomNote(text: string): NoteReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'is not JSON' };
  }
  const problem = validateAgainst('authorshipNote', value);
  if (problem) return { ok: false, problem: `does not match schemas/authorship-note.schema.json (${problem})` };
  const note = value as AuthorshipNote;
  return {
    ok: true,
    detections: note.records.map((record) => {
      const summary = { agent: record.agent, name: record.name, model: record.model, session: record.session, recordedAt: record.recordedAt };
      const model = record.model === undefined ? undefined : normalizeModel(record.model);
      return {
        agent: record.agent,
        ...(record.name !== undefined ? { name: record.name } : {}),
        ...(model ? { model } : {}),
        confidence: 'declared' as const,
        role: 'author' as const,
        evidence: [{ kind: 'note' as const, text: JSON.stringify(summary), source: AIBOM_NOTES_REF }],
      };
    }),
  };
}

interface GitAiPrompt {
  agent_id?: { tool?: unknown; model?: unknown; id?: unknown };
}

/**
 * Reads a git-ai authorship log (`refs/notes/ai`, `authorship/3.0.0`):
 * attestation lines, a `---` line, then JSON whose `prompts` name the agents.
 */
export function readGitAiNote(text: string): NoteReading {
  const lines = text.split('\n');
  const divider = lines.indexOf('---');
  if (divider === -1) return { ok: false, problem: 'has no --- divider (not a git-ai authorship log)' };
  let meta: { schema_version?: unknown; prompts?: unknown };
  try {
    meta = JSON.parse(lines.slice(divider + 1).join('\n')) as typeof meta;
  } catch {
    return { ok: false, problem: 'has a metadata section that is not JSON' };
  }
  if (typeof meta.schema_version !== 'string' || !meta.schema_version.startsWith('authorship/')) {
    return { ok: false, problem: `has schema_version ${JSON.stringify(meta.schema_version)}, not authorship/*` };
  }
  if (typeof meta.prompts !== 'object' || meta.prompts === null) return { ok: false, problem: 'has no prompts object' };
  const detections: Detection[] = [];
  for (const [key, prompt] of Object.entries(meta.prompts as Record<string, GitAiPrompt>).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const tool = typeof prompt.agent_id?.tool === 'string' ? prompt.agent_id.tool : '';
    if (tool === '') continue;
    const agent = agentForName(tool) ?? 'other';
    const model = typeof prompt.agent_id?.model === 'string' ? normalizeModel(prompt.agent_id.model) : undefined;
    detections.push({
      agent,
      ...(agent === 'other' ? { name: tool } : {}),
      ...(model ? { model } : {}),
      confidence: 'declared',
      role: 'author',
      evidence: [{ kind: 'note', text: `${key} ${JSON.stringify(prompt.agent_id)}`, source: GIT_AI_NOTES_REF }],
    });
  }
  return { ok: true, detections };
}
