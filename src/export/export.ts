import type { ScanWarning } from '../authorship/types.js';
import { GIT_AI_NOTES_REF } from '../authorship/git-ai.js';
import type { NotesWriter } from '../git/types.js';
import { OutputError } from '../kernel/errors.js';
import { agentTraceRecords, traceRecordProblem, type TraceRecord } from './agent-trace.js';
import { establishedLines, type ExportContext } from './established.js';
import { gitAiNote } from './git-ai.js';

export type ExportFormat = 'agent-trace' | 'git-ai';

export interface ExportOptions {
  context: ExportContext & { git: ExportContext['git'] & NotesWriter };
  format: ExportFormat;
  rev?: string;
  since?: string;
  /** git-ai: the notes ref written (default refs/notes/ai). */
  notesRef?: string;
}

export interface ExportResult {
  format: ExportFormat;
  /** Commits with AI lines established. */
  commits: number;
  /** agent-trace: the records, each valid against Agent Trace's schema. */
  records?: TraceRecord[];
  /** git-ai: notes written, and commits left as they were because they already carry one in the ref. */
  notes?: { ref: string; written: number; kept: string[] };
  warnings: ScanWarning[];
}

/**
 * `aiprov export`: the established attribution in another tool's format.
 * Agent Trace records are returned (the caller writes the file); git-ai notes
 * are added to the notes ref, never over a note a commit already has there
 * (git-ai's own, or an earlier export): those are kept and named.
 */
export async function exportAttribution(options: ExportOptions): Promise<ExportResult> {
  const established = await establishedLines(options);
  const warnings = [...established.warnings];
  if (options.format === 'agent-trace') {
    const records = agentTraceRecords(established.commits);
    for (const r of records) {
      const problem = traceRecordProblem(r);
      // A record that fails the published schema is a bug here; none is written.
      if (problem !== null)
        throw new OutputError(
          `Agent Trace record for ${r.vcs.revision.slice(0, 12)} does not validate against Agent Trace's schema (a bug in aiprov): ${problem}`,
        );
    }
    return { format: 'agent-trace', commits: established.commits.length, records, warnings };
  }
  const ref = options.notesRef ?? GIT_AI_NOTES_REF;
  const notes = new Map<string, string>();
  for (const c of established.commits) {
    const note = gitAiNote(c);
    for (const path of note.skipped)
      warnings.push({
        code: 'BAD_NOTE',
        commit: c.commit,
        message: `${c.commit.slice(0, 12)}: ${JSON.stringify(path)} cannot be written in git-ai's line format (a quote or a line break in the name); its lines were left out`,
      });
    if (note.text !== '') notes.set(c.commit, note.text);
  }
  // One notes commit for all: a commit that already has a note in the ref (git-ai's own, an earlier export) keeps it.
  const { written, kept } = await options.context.git.addNotes(ref, notes);
  return { format: 'git-ai', commits: established.commits.length, notes: { ref, written: written.length, kept }, warnings };
}
