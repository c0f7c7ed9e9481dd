import { DOCUMENT_KINDS } from '../kernel/schemas.js';
import { isMissingNote, missingNoteProblem, type NoteText } from '../git/types.js';
import { validateAgainst } from '../kernel/schemas.js';
import { normalizeModel, type AgentId } from './agents.js';
import type { Detection } from './types.js';
import type { Parsed } from './ranges.js';

export const AIPROV_NOTES_REF = 'refs/notes/aiprov';
export { GIT_AI_NOTES_REF } from './git-ai.js';
export { parseRangeList, type Parsed } from './ranges.js';
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

/**
 * Parses a note on `refs/notes/aiprov`. When git copies notes through a rewrite
 * with `notes.rewriteMode=concatenate` (its default), several notes land on one
 * commit joined by a blank line; each part is read and their records merged.
 */
export function parseAiprovNote(note: NoteText): Parsed<AuthorshipNote> {
  if (isMissingNote(note)) return { ok: false, problem: missingNoteProblem(note) };
  const text = note;
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
export function noteDetection(agent: AgentId, name: string | undefined, model: string | undefined, text: string, source: string): Detection {
  return {
    agent,
    ...(name !== undefined ? { name } : {}),
    ...(model ? { model } : {}),
    confidence: 'declared',
    role: 'author',
    evidence: [{ kind: 'note', text, source }],
  };
}
