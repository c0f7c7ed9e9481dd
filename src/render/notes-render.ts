import { envelope, type Envelope } from '../kernel/schemas.js';
import type { NotesRefSync, NotesSyncResult } from '../sync/sync.js';

/** What `aiprov notes fetch|merge|push` did, as a document (schemas/notes-sync.schema.json). */
export type NotesSyncReport = Envelope<'notesSync'> & NotesSyncResult;

export function notesSyncReport(result: NotesSyncResult): NotesSyncReport {
  return { ...envelope('notesSync'), ...result };
}

export function renderNotesSyncText(report: NotesSyncReport): string {
  const lines = report.refs.flatMap((r) => refLines(r, report.remote));
  return `${[...lines, ...report.warnings.map((w) => `warning: ${w}`)].join('\n')}\n`;
}

function refLines(r: NotesRefSync, remote: string): string[] {
  const parts: string[] = [];
  if (r.onRemote === false) parts.push(`not on ${remote}`);
  if (r.merge) parts.push(mergeWords(r.merge));
  if (r.push === 'pushed') parts.push(`pushed to ${remote}${(r.attempts ?? 1) > 1 ? ` (${r.attempts} attempts: ${remote} had moved)` : ''}`);
  if (r.push === 'absent') parts.push('nothing to push');
  if (r.push === 'read-only') parts.push("git-ai's: never pushed by aiprov");
  const conflicts = (r.merge?.conflicts ?? []).map((c) => `  conflict on ${c.commit.slice(0, 12)}: ${c.problem}`);
  return [`${r.ref}: ${parts.join('; ') || 'nothing to do'}`, ...conflicts];
}

function mergeWords(m: NonNullable<NotesRefSync['merge']>): string {
  switch (m.outcome) {
    case 'absent':
      return 'nothing fetched';
    case 'up-to-date':
      return 'up to date';
    case 'created':
      return 'created from the fetched notes';
    case 'fast-forward':
      return 'fast-forwarded to the fetched notes';
    case 'diverged':
      return "diverged from the fetched copy: left as it is (git-ai's own sync merges it)";
    case 'merged':
      return `merged: ${m.added} note${m.added === 1 ? '' : 's'} added, ${m.combined.length} joined from both sides`;
  }
}
