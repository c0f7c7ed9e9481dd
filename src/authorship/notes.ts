import { DOCUMENT_KINDS } from '../schemas.js';
import { missingNoteObject } from '../git/types.js';
import { validateAgainst } from '../schemas.js';
import { agentForName, normalizeModel, type AgentId } from './agents.js';
import type { Detection } from './types.js';
import { compareStrings } from '../sorted.js';

export const AIPROV_NOTES_REF = 'refs/notes/aiprov';
export const GIT_AI_NOTES_REF = 'refs/notes/ai';
export const AUTHORSHIP_NOTE_SCHEMA = DOCUMENT_KINDS.authorshipNote.uri;

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
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** A note whose object is missing from the repository (a broken clone, a pruned object): a problem to report, never "no note". */
function missingProblem(text: string): { ok: false; problem: string } | undefined {
  const blob = missingNoteObject(text);
  return blob === undefined ? undefined : { ok: false, problem: `points at note object ${blob}, which is missing from the repository` };
}

/**
 * Parses a note on `refs/notes/aiprov`. When git copies notes through a rewrite
 * with `notes.rewriteMode=concatenate` (its default), several notes land on one
 * commit joined by a blank line; each part is read and their records merged.
 */
export function parseAiprovNote(text: string): Parsed<AuthorshipNote> {
  const missing = missingProblem(text);
  if (missing) return missing;
  const parts = splitConcatenated(text);
  const records: NoteRecord[] = [];
  for (const part of parts) {
    let value: unknown;
    try {
      value = JSON.parse(part);
    } catch {
      return { ok: false, problem: 'is not JSON' };
    }
    const problem = validateAgainst('authorshipNote', value);
    if (problem) return { ok: false, problem: `does not match schemas/authorship-note.schema.json (${problem})` };
    records.push(...(value as AuthorshipNote).records);
  }
  return { ok: true, value: { schema: AUTHORSHIP_NOTE_SCHEMA, records: dedupeRecords(records) } };
}

function splitConcatenated(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [trimmed];
  const parts = trimmed.split(/\n\s*\n(?=\{)/);
  return parts.length > 1 && parts.every((p) => p.trim().endsWith('}')) ? parts : [trimmed];
}

/** The same record copied twice (amend, then rebase) counts once. */
export function dedupeRecords(records: NoteRecord[]): NoteRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    const key = JSON.stringify(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Reads one of our own notes (`refs/notes/aiprov`): each record is a declared detection. */
export function readAiprovNote(text: string): NoteReading {
  const parsed = parseAiprovNote(text);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    detections: parsed.value.records.map((record) => {
      const summary = { agent: record.agent, name: record.name, model: record.model, session: record.session, recordedAt: record.recordedAt };
      const model = record.model === undefined ? undefined : normalizeModel(record.model);
      return noteDetection(record.agent, record.name, model, JSON.stringify(summary), AIPROV_NOTES_REF);
    }),
  };
}

/** A record someone wrote on purpose in a note: a declared authoring detection. */
function noteDetection(agent: AgentId, name: string | undefined, model: string | undefined, text: string, source: string): Detection {
  return {
    agent,
    ...(name !== undefined ? { name } : {}),
    ...(model ? { model } : {}),
    confidence: 'declared',
    role: 'author',
    evidence: [{ kind: 'note', text, source }],
  };
}

interface GitAiPrompt {
  agent_id?: { tool?: unknown; model?: unknown; id?: unknown };
}

export interface GitAiAgent {
  key: string;
  agent: AgentId;
  name?: string;
  model?: string;
  agentId: unknown;
}

export interface GitAiLog {
  /** Attestation section: path → session key → inclusive line ranges. */
  files: Map<string, Map<string, [number, number][]>>;
  prompts: GitAiAgent[];
}

/**
 * Parses a git-ai authorship log (`refs/notes/ai`, `authorship/3.0.0`):
 * attestation lines, a `---` line, then JSON whose `prompts` name the agents.
 */
export function parseGitAiNote(text: string): Parsed<GitAiLog> {
  const missing = missingProblem(text);
  if (missing) return missing;
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
  const prompts: GitAiAgent[] = [];
  for (const [key, prompt] of Object.entries(meta.prompts as Record<string, GitAiPrompt>).sort(([a], [b]) => compareStrings(a, b))) {
    const tool = typeof prompt.agent_id?.tool === 'string' ? prompt.agent_id.tool : '';
    if (tool === '') continue;
    const agent = agentForName(tool) ?? 'other';
    const model = typeof prompt.agent_id?.model === 'string' ? normalizeModel(prompt.agent_id.model) : undefined;
    prompts.push({ key, agent, ...(agent === 'other' ? { name: tool } : {}), ...(model ? { model } : {}), agentId: prompt.agent_id });
  }
  const files = new Map<string, Map<string, [number, number][]>>();
  let current: Map<string, [number, number][]> | undefined;
  for (const line of lines.slice(0, divider)) {
    if (line.trim() === '') continue;
    if (line.startsWith('  ')) {
      const m = /^ {2}(\S+) (\S+)$/.exec(line);
      const ranges = m ? parseRangeList(m[2] ?? '') : undefined;
      if (!m || !current || !ranges) return { ok: false, problem: `has a malformed attestation line ${JSON.stringify(line)}` };
      current.set(m[1] ?? '', [...(current.get(m[1] ?? '') ?? []), ...ranges]);
    } else {
      const file = line.startsWith('"') && line.endsWith('"') ? line.slice(1, -1) : line;
      current = files.get(file) ?? new Map<string, [number, number][]>();
      files.set(file, current);
    }
  }
  return { ok: true, value: { files, prompts } };
}

/** `1-4,9,12-20` as inclusive ranges; undefined when malformed. */
export function parseRangeList(text: string): [number, number][] | undefined {
  const ranges: [number, number][] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return undefined;
    const start = Number(m[1]);
    const end = m[2] === undefined ? start : Number(m[2]);
    if (start < 1 || end < start) return undefined;
    ranges.push([start, end]);
  }
  return ranges;
}

export function readGitAiNote(text: string): NoteReading {
  const parsed = parseGitAiNote(text);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    detections: parsed.value.prompts.map((p) => noteDetection(p.agent, p.name, p.model, `${p.key} ${JSON.stringify(p.agentId)}`, GIT_AI_NOTES_REF)),
  };
}
