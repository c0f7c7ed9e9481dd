import { GitError } from '../kernel/errors.js';
import { BlobStream } from './cat-file.js';
import type { GitRunner } from './runner.js';
import { isMissingNote, NOTE_CAP, NOTES_READ_CAP, type NoteBytes, type NotesSnapshot, type NoteText } from './types.js';
import { COMMIT_ID } from './guards.js';

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * How much note text one repository handle (one command: it opens one) reads
 * whole, over every ref and every read: shared by its snapshots, so that a
 * command reading several notes refs, or one ref twice, holds no more than
 * the cap in all.
 */
export class NotesBudget {
  private held = 0;
  constructor(readonly cap = NOTES_READ_CAP) {}
  /** Takes `bytes` from the budget; false (nothing taken) when they would pass the cap. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.cap) return false;
    this.held += bytes;
    return true;
  }
}

/**
 * What is listed of a notes commit (which commit has which note object), kept
 * by the repository handle for the command, by the notes commit: readers of
 * the same ref at the same tip (the scan's notes loader, recovery's index)
 * list it once. A notes commit's tree never changes, so the key is enough.
 */
export class NotesListings {
  private readonly byTip = new Map<string, { listing?: Promise<Map<string, string>>; commits?: Promise<ReadonlySet<string>> }>();

  of(tip: string): { listing?: Promise<Map<string, string>>; commits?: Promise<ReadonlySet<string>> } {
    let entry = this.byTip.get(tip);
    if (!entry) {
      entry = {};
      this.byTip.set(tip, entry);
    }
    return entry;
  }
}

/**
 * The notes on one ref at one commit of it. Which commit has which note
 * object is listed once (about 100 bytes a note, where the texts can be
 * hundreds of megabytes); texts are read only for the commits asked about.
 */
export class CliNotesSnapshot implements NotesSnapshot {
  private blobStream: BlobStream | undefined;

  constructor(
    private readonly git: GitRunner,
    readonly ref: string,
    readonly tip: string | null,
    /** The command's budget of note text read whole (its repository's; tests give a small one). */
    private readonly budget = new NotesBudget(),
    /** The command's listings of notes commits (its repository's), shared by every snapshot of the same tip. */
    private readonly listings = new NotesListings(),
  ) {}

  noted(): Promise<ReadonlySet<string>> {
    if (this.tip === null) return Promise.resolve(new Set<string>());
    const shared = this.listings.of(this.tip);
    shared.commits ??= this.blobs(this.tip).then((blobs) => new Set(blobs.keys()));
    return shared.commits;
  }

  /** Notes read whole: at most the budget's bytes of them in the whole command, the rest said unreadable (never dropped). */
  async read(shas: readonly string[], budget: 'command' | 'batch' = 'command'): Promise<Map<string, NoteText>> {
    const notes = new Map<string, NoteText>();
    const from = budget === 'batch' ? new NotesBudget(this.budget.cap) : this.budget;
    const blobs = new Map(await this.wanted(shas));
    for await (const [sha, bytes] of this.stream(shas)) {
      if (isMissingNote(bytes)) notes.set(sha, bytes);
      else if (!from.take(bytes.length)) notes.set(sha, { missingObject: blobs.get(sha) ?? '', overTotal: from.cap });
      else notes.set(sha, decoder.decode(bytes));
    }
    return notes;
  }

  async *stream(shas: readonly string[]): AsyncIterable<[string, NoteBytes]> {
    const wanted = await this.wanted(shas);
    let i = 0;
    // A note over the cap streams by unread and is said as a note that cannot be read (the readers' "could not decide").
    this.blobStream ??= new BlobStream(this.git, NOTE_CAP);
    for await (const [blob, content] of this.blobStream.read(wanted.map(([, b]) => b))) {
      const sha = wanted[i++]?.[0] ?? '';
      if (content === undefined) yield [sha, { missingObject: blob }];
      else if (Buffer.isBuffer(content)) yield [sha, content];
      else yield [sha, { missingObject: blob, tooLarge: content.tooLarge }];
    }
  }

  async match(pattern: string, onMatch: (sha: string, match: string) => void): Promise<void> {
    const tip = this.tip;
    if (tip === null) return;
    // Lines are taken as git prints them: buffering the whole output (hundreds of thousands of lines) costs more than the notes.
    const grep = async (engine: string): Promise<void> => {
      try {
        for await (const line of this.git.records(['grep', '-o', '-I', engine, '-e', pattern, tip, '--'], { separator: 10 })) {
          const text = line.toString('utf8');
          if (!text.startsWith(`${tip}:`)) continue;
          const rest = text.slice(tip.length + 1);
          const colon = rest.indexOf(':');
          const sha = rest.slice(0, colon).replace(/\//g, '');
          if (colon > 0 && COMMIT_ID.test(sha)) onMatch(sha, rest.slice(colon + 1));
        }
      } catch (error) {
        // git grep exits 1, saying nothing, when nothing matched.
        if (error instanceof GitError && / exited with code 1$/.test(error.message)) return;
        throw error;
      }
    };
    // PCRE is several times faster on large notes; git built without it refuses -P, and ERE reads the same pattern.
    await grep('-P').catch((error: unknown) => {
      if (error instanceof GitError && /perl|pcre/i.test(error.message)) return grep('-E');
      throw error;
    });
  }

  /** The commits asked about that have a note, each with its note object, in the order asked. */
  private async wanted(shas: readonly string[]): Promise<(readonly [string, string])[]> {
    if (this.tip === null) return [];
    const blobs = await this.blobs(this.tip);
    return [...new Set(shas)].flatMap((sha) => {
      const blob = blobs.get(sha);
      return blob === undefined ? [] : [[sha, blob] as const];
    });
  }

  private blobs(tip: string): Promise<Map<string, string>> {
    const shared = this.listings.of(tip);
    shared.listing ??= this.list(tip);
    return shared.listing;
  }

  /** The tree of the tip itself, so that listing and tip agree; fanout directories are read as git reads them. */
  private async list(tip: string): Promise<Map<string, string>> {
    const listing = await this.git.text(['ls-tree', '-r', tip]);
    const blobs = new Map<string, string>();
    for (const line of listing.split('\n')) {
      const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line);
      const commit = m?.[2]?.replace(/\//g, '');
      if (m?.[1] && commit && COMMIT_ID.test(commit)) blobs.set(commit, m[1]);
    }
    return blobs;
  }
}
