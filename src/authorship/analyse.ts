import type { CommitRecord, NotesReader } from '../git/types.js';
import { DetectionSet, engineFor, type SignatureEngine } from './engine.js';
import type { SignatureDef } from './signature-types.js';
import { AIPROV_NOTES_REF, GIT_AI_NOTES_REF, readAiprovNote, readGitAiNote, type NoteReading } from './notes.js';
import type { CommitReport, ScanWarning } from './types.js';

export interface NotesByRef {
  aiprov: Map<string, string>;
  gitAi: Map<string, string>;
}

export async function loadNotes(git: NotesReader): Promise<NotesByRef> {
  const [aiprov, gitAi] = await Promise.all([git.readNotes(AIPROV_NOTES_REF), git.readNotes(GIT_AI_NOTES_REF)]);
  return { aiprov, gitAi };
}

/** An analyser ready to use, and the notes it reads (blame and squash also index their line ranges). */
export interface OpenedAnalyser {
  analyser: CommitAnalyser;
  notes: NotesByRef;
}

/**
 * Makes the CommitAnalyser every command shares: the signature table (built
 * in and from the config) is compiled once, when the context is made; notes
 * are read at each `open`, so that records written since then count.
 */
export class AnalyserFactory {
  readonly engine: SignatureEngine;

  constructor(private readonly git: NotesReader, signatures: readonly SignatureDef[] = []) {
    this.engine = engineFor({ signatures });
  }

  async open(warnings: ScanWarning[]): Promise<OpenedAnalyser> {
    const notes = await loadNotes(this.git);
    return { analyser: new CommitAnalyser(this.engine, notes, warnings), notes };
  }
}

/**
 * Decides one commit: signatures from its identities and message, merged with
 * what the notes on it record. Scan and blame share it, so a commit means the
 * same in both. Unreadable notes become warnings naming the commit.
 */
export class CommitAnalyser {
  constructor(
    private readonly engine: SignatureEngine,
    private readonly notes: NotesByRef,
    private readonly warnings: ScanWarning[],
  ) {}

  analyse(record: CommitRecord): CommitReport {
    const match = this.engine.match(record);
    let detections = match.detections;
    const readings: [string, NoteReading][] = [];
    const aiprov = this.notes.aiprov.get(record.sha);
    if (aiprov !== undefined) readings.push([AIPROV_NOTES_REF, readAiprovNote(aiprov)]);
    const gitAi = this.notes.gitAi.get(record.sha);
    if (gitAi !== undefined) readings.push([GIT_AI_NOTES_REF, readGitAiNote(gitAi)]);
    if (readings.length > 0) {
      const set = new DetectionSet();
      for (const d of detections) set.put(d);
      for (const [ref, reading] of readings) {
        if (reading.ok) reading.detections.forEach((d) => { set.put(d); });
        else this.warnings.push({ code: 'BAD_NOTE', commit: record.sha, message: `note on ${ref} for commit ${record.sha.slice(0, 12)} ${reading.problem}; it was ignored` });
      }
      detections = set.detections();
    }
    const report: CommitReport = {
      sha: record.sha,
      parents: record.parents,
      author: record.author,
      committer: record.committer,
      authoredAt: record.authoredAt,
      subject: capSubject(match.parsed.subject),
      ai: detections.some((d) => d.role === 'author'),
      automation: match.automation.length > 0,
      detections,
    };
    if (match.automation.length > 0) report.automationBy = match.automation;
    return report;
  }
}

/** A title paragraph can be megabytes long; the report keeps the first 1,000 characters. */
function capSubject(subject: string): string {
  return subject.length <= 1000 ? subject : `${subject.slice(0, 999)}…`;
}
