import { isMissingNote, type CommitRecord, type NotesReader, type NotesSnapshot, type NoteText } from '../git/types.js';
import type { RecordRecovery } from './recovery.js';
import type { CacheUse } from '../kernel/cache-store.js';
import { keepRecordIndex, keptRecordIndex } from './record-index-cache.js';
import { compareStrings } from '../kernel/sorted.js';
import {
  attribute,
  compactLog,
  foreignIds,
  GIT_AI_NOTES_REF,
  isLookupId,
  keyKind,
  parseGitAiMetadata,
  parseGitAiNote,
  recordIn,
  splitNote,
  type Attributed,
  type Author,
  type GitAiAgent,
} from './git-ai.js';
import { claimOf, LineRecordIndex } from './line-records.js';
import { normalizeModel } from './agents.js';
import { AIPROV_NOTES_REF, noteDetection, parseAiprovNote, type NoteReading, type NoteRecord } from './notes.js';
import type { Parsed } from './ranges.js';
import type { Detection, ScanWarning, UnattestedRecords } from './types.js';

/** What the notes on one commit say, read once for scan and blame alike (so the two never disagree about it). */
export interface CommitNotes {
  /** Declared detections the notes make. */
  detections: Detection[];
  /** A git-ai note that names agents but attests no AI line (records kept through a merge or rebase). */
  unattested?: UnattestedRecords;
}

/** Notes read per `git cat-file` batch: bounded memory whatever the size of the notes ref. */
const NOTES_PER_BATCH = 256;
/** A prompt or session record's opening in a git-ai note's metadata: `"s_…": {` or `"0123456789abcdef": {`. */
const RECORD_DEFINITION = '"(s_[0-9a-f]{6,64}|[0-9a-f]{6,64})"[[:space:]]*:[[:space:]]*\\{';

const NONE: CommitNotes = { detections: [] };

type Found = { record: GitAiAgent; foundIn: string } | null;

/**
 * Reads the notes of the commits a command needs, when it needs them, in
 * batches: never the whole notes ref (git-ai's own repository keeps 582 MB of
 * notes). Each note is turned into detections and line claims and its text
 * dropped. A git-ai key whose record lies in another commit's note is looked
 * up as git-ai does: in the newest note that keeps it, found with `git grep`.
 */
export class NotesLoader {
  /** Line claims of the loaded commits (blame, squash), plus what callers add (Agent Trace). */
  readonly index = new LineRecordIndex();
  private readonly loaded = new Map<string, CommitNotes>();
  private readonly foreign = new Map<string, Found>();
  private pinned: Promise<[NotesSnapshot, NotesSnapshot]> | undefined;
  private without: ((sha: string) => boolean) | undefined;
  /** Committer times of the notes' commits (-1: not in the repository), asked once each. */
  private readonly times = new Map<string, number>();

  constructor(
    private readonly git: NotesReader,
    private readonly warnings: ScanWarning[],
    /** Carries records onto commits that have none, from the commits they came from (squash and rebase merges). */
    private readonly recovery?: RecordRecovery,
    /** What loaders of one run share: git-ai's record index, built once per notes tip (a `git grep` over every note). */
    private readonly shared = new NotesRunCache(),
  ) {}

  /**
   * Starts listing both notes refs, which every `load` needs whichever commits it asks about, so that the listing
   * runs beside the caller's own git work (a blame) instead of after it. A failure surfaces at the `load` that
   * awaits the same read.
   */
  prefetch(): void {
    this.snapshots()
      .then(async (snapshots) => Promise.all(snapshots.map(async (s) => s.noted())))
      .catch(() => undefined);
  }

  /** Reads the notes of `shas` not read yet. */
  async load(shas: Iterable<string>): Promise<void> {
    const wanted = [...new Set(shas)].filter((sha) => !this.loaded.has(sha));
    for (let i = 0; i < wanted.length; i += NOTES_PER_BATCH) {
      const batch = wanted.slice(i, i + NOTES_PER_BATCH);
      const [aiprovNotes, gitAiNotes] = await this.snapshots();
      // A commit with no note at all will ask recovery: its index (which of the noted commits this clone holds, a
      // `cat-file` over thousands on a large history) is read while the notes are.
      if (this.recovery && (await someUnnoted(batch, [aiprovNotes, gitAiNotes]))) this.recovery.prepare().catch(() => undefined);
      // Parsed and dropped batch by batch: bounded by the batch, not by the command's total.
      const aiprov = await aiprovNotes.read(batch, 'batch');
      // git-ai notes can be megabytes each: each is parsed as it arrives and its text dropped.
      const logs = new Map<string, Parsed<ReturnType<typeof compactLog>>>();
      for await (const [sha, text] of gitAiNotes.stream(batch)) {
        const parsed = parseGitAiNote(text);
        logs.set(sha, parsed.ok ? { ok: true, value: compactLog(parsed.value) } : parsed);
      }
      await this.lookUp([...logs.values()].flatMap((p) => (p.ok ? foreignIds(p.value) : [])));
      for (const sha of batch) {
        const detections: Detection[] = [];
        let unattested: UnattestedRecords | undefined;
        const aiprovText = aiprov.get(sha);
        if (aiprovText !== undefined) detections.push(...this.readAiprov(sha, aiprovText));
        const log = logs.get(sha);
        if (log && !log.ok) this.bad(GIT_AI_NOTES_REF, sha, log.problem);
        if (log?.ok) {
          const attributed = attribute(log.value, (id) => this.foreign.get(id) ?? undefined);
          this.indexGitAi(sha, attributed, log.value.files.size > 0);
          detections.push(...gitAiDetections(attributed));
          if (attributed.aiLines === 0 && log.value.kept.records > 0) {
            unattested = { source: GIT_AI_NOTES_REF, records: log.value.kept.records, agents: log.value.kept.agents };
          }
        }
        this.loaded.set(sha, detections.length > 0 || unattested ? { detections, ...(unattested ? { unattested } : {}) } : NONE);
      }
      await this.recoverFor(batch.filter((sha) => this.loaded.get(sha) === NONE && this.index.get(sha) === undefined));
    }
  }

  /** Records carried onto commits of the batch that have none of their own. */
  private async recoverFor(bare: string[]): Promise<void> {
    if (!this.recovery || bare.length === 0) return;
    await this.recovery.prepare();
    for (const [sha, found] of await this.recovery.recover(bare, this.warnings, { lines: !this.commitsOnly })) {
      for (const [path, claims] of found.files) for (const claim of claims) this.index.addFile(sha, path, claim);
      for (const claim of found.whole) this.index.addWhole(sha, claim);
      if (found.detections.length > 0) this.loaded.set(sha, { detections: found.detections });
    }
  }

  /** Set by a reader that needs who wrote each commit, not which lines (scan): recovery then skips the line work. */
  commitsOnly = false;

  /** Whether a commit without notes may have records to recover (scan reads those with the noted ones). */
  recoverable(commit: CommitRecord): boolean {
    return this.recovery?.candidate(commit) === true;
  }

  /** What the notes on `sha` say; `load` must have read it, unless `noted` said it has none. */
  notes(sha: string): CommitNotes {
    const notes = this.loaded.get(sha) ?? (this.without?.(sha) === true ? NONE : undefined);
    if (!notes) throw new Error(`internal: the notes of ${sha} were not loaded`);
    return notes;
  }

  /**
   * Which commits have a note on either ref (no note is read): a scan
   * analyses the others at once, as git log streams them, and batches only
   * those with notes.
   */
  async noted(): Promise<(sha: string) => boolean> {
    // Recovery's index and the listing of the notes at once: both read the same listing (the repository shares it).
    const [, [aiprov, gitAi]] = await Promise.all([this.recovery?.prepare(), this.snapshots()]);
    const [a, b] = await Promise.all([aiprov.noted(), gitAi.noted()]);
    const both = b.size === 0 ? a : a.size === 0 ? b : new Set([...a, ...b]);
    const has = (sha: string): boolean => both.has(sha);
    this.without = (sha) => !has(sha);
    return has;
  }

  /** Both notes refs as they were at the first read: a run sees one state of the notes. */
  private snapshots(): Promise<[NotesSnapshot, NotesSnapshot]> {
    this.pinned ??= Promise.all([this.git.notesAt(AIPROV_NOTES_REF), this.git.notesAt(GIT_AI_NOTES_REF)]);
    return this.pinned;
  }

  /** Drops what was read about `shas` (a scan streams history and needs each commit once). */
  forget(shas: Iterable<string>): void {
    for (const sha of shas) {
      this.loaded.delete(sha);
      this.index.delete(sha);
    }
  }

  private readAiprov(sha: string, text: NoteText): Detection[] {
    const parsed = parseAiprovNote(text);
    if (!parsed.ok) {
      this.bad(AIPROV_NOTES_REF, sha, parsed.problem);
      return [];
    }
    for (const record of parsed.value.records) {
      // No `files` claims the whole commit; an empty list (every line since rewritten) claims nothing.
      if (record.files === undefined) {
        this.index.addWhole(sha, { ...claimOf(record, 'all', AIPROV_NOTES_REF), record });
        continue;
      }
      if (record.files.length === 0) this.index.markRanged(sha);
      for (const file of record.files) this.index.addFile(sha, file.path, { ...claimOf(record, file.ranges ?? 'all', AIPROV_NOTES_REF), record });
    }
    return aiprovDetections(parsed.value.records);
  }

  /**
   * A note that attests lines (a person's or an agent's) decides the commit's
   * AI lines exactly; one with no attestation at all says nothing about lines,
   * and the commit's other evidence counts.
   */
  private indexGitAi(sha: string, attributed: Attributed, ranged: boolean): void {
    if (ranged) this.index.markRanged(sha);
    for (const [path, parts] of attributed.files) {
      for (const { author, ranges } of parts) {
        if (author.kind === 'human') continue;
        this.index.addFile(sha, path, claimOf(agentOf(author), ranges, GIT_AI_NOTES_REF));
      }
    }
  }

  /**
   * Finds, for each id, the newest other note that keeps its record, as git-ai
   * does. The notes that define each id are found once per run with one
   * `git grep` (a record is written `"id": {`, on one line, by git-ai's JSON
   * writers; a note written otherwise is not found, and its lines count as
   * an unrecorded session's, still AI).
   */
  private async lookUp(ids: string[]): Promise<void> {
    const wanted = [...new Set(ids)].filter((id) => !this.foreign.has(id)).sort(compareStrings);
    if (wanted.length === 0) return;
    const definitions = await this.definitions();
    const holders = new Map<string, string[]>();
    for (const id of wanted) {
      const found = definitions.get(id);
      if (found) holders.set(id, found);
      else this.foreign.set(id, null);
    }
    const unknown = [...new Set([...holders.values()].flat())].filter((sha) => !this.times.has(sha));
    const found = await this.git.commitTimes(unknown);
    for (const sha of unknown) this.times.set(sha, found.get(sha) ?? -1);
    const times = this.times;
    const newestFirst = (a: string, b: string): number => (times.get(b) ?? -1) - (times.get(a) ?? -1) || compareStrings(a, b);
    // Each id's newest holder, then the next ones for the ids it did not resolve.
    const queue = new Map([...holders].map(([id, shas]) => [id, [...shas].sort(newestFirst)]));
    while (queue.size > 0) {
      const round = new Map<string, string[]>();
      for (const [id, shas] of queue) {
        const sha = shas.shift();
        if (sha === undefined) {
          this.foreign.set(id, null);
          queue.delete(id);
          continue;
        }
        round.set(sha, [...(round.get(sha) ?? []), id]);
      }
      for await (const [sha, bytes] of (await this.snapshots())[1].stream([...round.keys()])) {
        // A note whose object is missing holds no records to find (its own commit reports it when read).
        if (isMissingNote(bytes)) continue;
        const split = splitNote(bytes);
        const meta = split === undefined ? undefined : parseGitAiMetadata(split.metadata);
        for (const id of round.get(sha) ?? []) {
          const record = meta?.ok ? recordIn(meta.value, keyKind(id)) : undefined;
          if (!record) continue;
          this.foreign.set(id, { record, foundIn: sha });
          queue.delete(id);
        }
      }
    }
  }

  /** Id → the commits whose git-ai notes define a record under it (read once, on first need). */
  private async definitions(): Promise<Map<string, string[]>> {
    const [, tipped] = await this.snapshots();
    const key = tipped.tip ?? '';
    const known = this.shared.definitions.get(key);
    if (known) return known;
    const kept = this.shared.keep;
    const defined = (async () => {
      const found = kept && tipped.tip ? await keptRecordIndex(kept, tipped.tip) : undefined;
      if (found) return found;
      const byId = new Map<string, string[]>();
      // One string per note commit, however many records it defines.
      const shas = new Map<string, string>();
      const [, gitAi] = await this.snapshots();
      await gitAi.match(RECORD_DEFINITION, (sha, match) => {
        const id = /^"([^"]+)"/.exec(match)?.[1];
        if (id === undefined || !isLookupId(id)) return;
        const interned = shas.get(sha) ?? sha;
        shas.set(sha, interned);
        const holders = byId.get(id);
        if (holders) holders.push(interned);
        else byId.set(id, [interned]);
      });
      if (kept && tipped.tip) await keepRecordIndex(kept, tipped.tip, byId);
      return byId;
    })();
    this.shared.definitions.set(key, defined);
    return defined;
  }

  private bad(ref: string, sha: string, problem: string): void {
    this.warnings.push({ code: 'BAD_NOTE', commit: sha, message: `note on ${ref} for commit ${sha.slice(0, 12)} ${problem}; it was ignored` });
  }
}

/** Whether a commit of `shas` has a note on neither ref (the listings are read once a run). */
async function someUnnoted(shas: readonly string[], snapshots: readonly NotesSnapshot[]): Promise<boolean> {
  const listed = await Promise.all(snapshots.map(async (s) => s.noted()));
  return shas.some((sha) => listed.every((noted) => !noted.has(sha)));
}

/** What the notes loaders of one run share (the analyser that makes them holds it). */
export class NotesRunCache {
  /** git-ai's notes tip → id → the commits whose notes define a record under it. */
  readonly definitions = new Map<string, Promise<Map<string, string[]>>>();
  /** Where that index is also kept between runs, by notes tip (record-index-cache.ts); none: built by each run. */
  keep: CacheUse | undefined;
}

/** The agent a key's lines are credited to; a key whose record nobody kept is an AI session of an unknown agent. */
function agentOf(author: Exclude<Author, { kind: 'human' }>): Pick<GitAiAgent, 'agent' | 'name' | 'model'> {
  if (author.kind === 'unrecorded') return { agent: 'other', name: UNRECORDED };
  return author.record;
}

/** The name under which lines of git-ai keys with no record anywhere are counted. */
export const UNRECORDED = 'unrecorded git-ai session';

/** Each record of our own notes is a declared detection (the model as written stays in the evidence). */
function aiprovDetections(records: readonly NoteRecord[]): Detection[] {
  return records.map((record) => {
    const summary = { agent: record.agent, name: record.name, model: record.model, session: record.session, recordedAt: record.recordedAt };
    const model = record.model === undefined ? undefined : normalizeModel(record.model);
    return noteDetection(record.agent, record.name, model, JSON.stringify(summary), AIPROV_NOTES_REF);
  });
}

/** A detection for each key that attests at least one AI line, in order of first appearance. */
function gitAiDetections(attributed: Attributed): Detection[] {
  const byKey = new Map<string, Detection>();
  for (const parts of attributed.files.values()) {
    for (const { author } of parts) {
      if (author.kind === 'human' || byKey.has(author.key)) continue;
      const agent = agentOf(author);
      const text =
        author.kind === 'unrecorded'
          ? `${author.key} (no prompt or session record in this note or any other)`
          : `${author.key} ${JSON.stringify(author.record.agentId)}${author.foundIn ? ` (record kept in the note of ${author.foundIn.slice(0, 12)})` : ''}`;
      byKey.set(author.key, noteDetection(agent.agent, agent.name, agent.model, text, GIT_AI_NOTES_REF));
    }
  }
  return [...byKey.values()];
}

/**
 * Reads one git-ai note on its own (keys whose record another note keeps
 * count as unrecorded here): each key that attests an AI line is a declared
 * detection; human keys and records without lines are none.
 */
export function readGitAiNote(text: string): NoteReading {
  const parsed = parseGitAiNote(text);
  if (!parsed.ok) return parsed;
  return { ok: true, detections: gitAiDetections(attribute(parsed.value, () => undefined)) };
}
