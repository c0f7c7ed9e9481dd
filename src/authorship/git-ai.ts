import { isMissingNote, missingNoteProblem, type NoteBytes } from '../git/types.js';
import { compareStrings } from '../kernel/sorted.js';
import { agentForName, normalizeModel, type AgentId } from './agents.js';
import { skimObject, skimWhole, valueAt } from './json-skim.js';
import { parseRangeList, type Parsed } from './ranges.js';

/**
 * git-ai's authorship logs (`refs/notes/ai`, `authorship/3.0.0`), read as its
 * standard defines them (`specs/git_ai_standard_v3.0.0.md` in git-ai's
 * repository): attestation lines, a `---` line, then JSON metadata.
 *
 * An attestation key names who wrote a file's lines, and its prefix says
 * where to look it up: `s_<id>::t_<trace>` in `sessions` (git-ai ≥ 1.4),
 * `h_<id>` in `humans` (a person, typing in an IDE git-ai watched), a bare
 * hex key in `prompts` (older versions). The legacy `human` key is a person
 * too.
 */

export const GIT_AI_NOTES_REF = 'refs/notes/ai';

const OPEN_BRACE = 123;

/** An AI session or prompt record: which agent, which model. */
export interface GitAiAgent {
  agent: AgentId;
  /** The tool as written, kept for agent `other`. */
  name?: string;
  /** Canonical model id; absent when the record names none or a placeholder (`default`, `<synthetic>`). */
  model?: string;
  /** The record's `agent_id` as written, for evidence. */
  agentId: unknown;
}

export interface GitAiEntry {
  key: string;
  ranges: [number, number][];
}

export interface GitAiLog {
  /** Path → attestation entries in the order written (a later entry wins a line two entries claim). */
  files: Map<string, GitAiEntry[]>;
  prompts: Map<string, GitAiAgent>;
  sessions: Map<string, GitAiAgent>;
  humans: Set<string>;
}

export type KeyKind = { kind: 'human' } | { kind: 'session'; id: string } | { kind: 'prompt'; id: string };

/** Where a key is looked up, from its prefix alone. */
export function keyKind(key: string): KeyKind {
  if (key === 'human' || key.startsWith('h_')) return { kind: 'human' };
  if (key.startsWith('s_')) return { kind: 'session', id: key.split('::')[0] ?? key };
  return { kind: 'prompt', id: key };
}

/** A key that may be searched for in other notes: the ids git-ai writes, nothing that could be a pattern or option. */
export function isLookupId(id: string): boolean {
  return /^(?:s_[0-9a-f]{6,64}|[0-9a-f]{6,64})$/.test(id);
}

interface RawAgentRecord {
  agent_id?: { tool?: unknown; model?: unknown; id?: unknown };
}

/** Reads a note from its text or, to spare decoding megabytes of transcript, its bytes. */
export function parseGitAiNote(note: string | NoteBytes): Parsed<GitAiLog> {
  if (typeof note !== 'string' && isMissingNote(note)) return { ok: false, problem: missingNoteProblem(note) };
  const bytes = typeof note === 'string' ? Buffer.from(note, 'utf8') : note;
  const split = splitNote(bytes);
  if (!split) return { ok: false, problem: 'has no --- divider (not a git-ai authorship log)' };
  const metadata = parseGitAiMetadata(split.metadata);
  if (!metadata.ok) return metadata;
  const files = new Map<string, GitAiEntry[]>();
  let current: GitAiEntry[] | undefined;
  for (const line of split.attestations.toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('  ')) {
      const m = /^ {2}(\S+) (\S+)$/.exec(line);
      const ranges = m ? parseRangeList(m[2] ?? '') : undefined;
      if (!m || !current || !ranges) return { ok: false, problem: `has a malformed attestation line ${JSON.stringify(line.slice(0, 200))}` };
      current.push({ key: own(m[1] ?? ''), ranges });
    } else {
      const file = own(line.startsWith('"') && line.endsWith('"') && line.length > 1 ? line.slice(1, -1) : line);
      current = files.get(file) ?? [];
      files.set(file, current);
    }
  }
  return { ok: true, value: { files, ...metadata.value } };
}

/**
 * A copy of a string cut from a note. V8 keeps a substring as a view of the
 * string it was cut from: a key or a path kept in a report would keep the
 * whole note (megabytes) alive.
 */
function own(text: string): string {
  return text.length < 13 ? text : Buffer.from(text, 'utf8').toString('utf8');
}

/** The two sections either side of the first line that is exactly `---` (views of `bytes`, nothing copied). */
export function splitNote(bytes: Buffer): { attestations: Buffer; metadata: Buffer } | undefined {
  const divider = Buffer.from('---\n');
  if (bytes.subarray(0, 4).equals(divider)) return { attestations: bytes.subarray(0, 0), metadata: bytes.subarray(4) };
  const at = bytes.indexOf('\n---\n');
  if (at !== -1) return { attestations: bytes.subarray(0, at), metadata: bytes.subarray(at + 5) };
  const last = bytes.length - 4;
  return last >= 0 && bytes.subarray(last).equals(Buffer.from('\n---'))
    ? { attestations: bytes.subarray(0, last), metadata: bytes.subarray(bytes.length) }
    : undefined;
}

/**
 * The metadata section alone (also what a lookup in another commit's note
 * needs). Only the members aiprov reads are built: `schema_version`, and the
 * keys and `agent_id` of each prompt, session and human record.
 */
export function parseGitAiMetadata(json: Buffer): Parsed<Omit<GitAiLog, 'files'>> {
  const meta: { schema_version?: unknown; prompts?: Map<string, GitAiAgent>; sessions?: Map<string, GitAiAgent>; humans?: Set<string> } = {};
  try {
    skimWhole(json, (key, from, to) => {
      if (key === 'schema_version') meta.schema_version = valueAt(json, from, to);
      else if (key === 'prompts' || key === 'sessions') meta[key] = json[from] === OPEN_BRACE ? agentRecords(json, from) : undefined;
      else if (key === 'humans' && json[from] === OPEN_BRACE) {
        const humans = new Set<string>();
        skimObject(json, from, (id) => humans.add(id));
        meta.humans = humans;
      } else if (key === 'humans') meta.humans = undefined;
    });
  } catch {
    return { ok: false, problem: 'has a metadata section that is not a JSON object' };
  }
  if (typeof meta.schema_version !== 'string' || !meta.schema_version.startsWith('authorship/')) {
    return { ok: false, problem: `has schema_version ${JSON.stringify(meta.schema_version)}, not authorship/*` };
  }
  if (!meta.prompts) return { ok: false, problem: 'has no prompts object' };
  // `sessions` and `humans` are absent from notes older than git-ai 1.4: empty maps, as the standard says.
  return { ok: true, value: { prompts: meta.prompts, sessions: meta.sessions ?? new Map<string, GitAiAgent>(), humans: meta.humans ?? new Set<string>() } };
}

/** Records without a tool name no agent: they are left out, and their keys resolve as records nobody kept. */
function agentRecords(json: Buffer, start: number): Map<string, GitAiAgent> {
  const found: [string, RawAgentRecord['agent_id']][] = [];
  skimObject(json, start, (key, from) => {
    let agentId: RawAgentRecord['agent_id'];
    if (json[from] === OPEN_BRACE) {
      skimObject(json, from, (field, f, t) => {
        if (field === 'agent_id') agentId = valueAt(json, f, t) as RawAgentRecord['agent_id'];
      });
    }
    found.push([key, agentId]);
  });
  const records = new Map<string, GitAiAgent>();
  for (const [key, agentId] of found.sort(([a], [b]) => compareStrings(a, b))) {
    const tool = typeof agentId?.tool === 'string' ? agentId.tool.trim() : '';
    if (tool === '') continue;
    const agent = agentForName(tool) ?? 'other';
    const model = typeof agentId?.model === 'string' ? normalizeModel(agentId.model) : undefined;
    records.set(key, { agent, ...(agent === 'other' ? { name: tool } : {}), ...(model ? { model } : {}), agentId });
  }
  return records;
}

/** The record an AI key stands for, when this note keeps it. */
export function recordIn(log: Pick<GitAiLog, 'prompts' | 'sessions'>, kind: KeyKind): GitAiAgent | undefined {
  if (kind.kind === 'session') return log.sessions.get(kind.id);
  if (kind.kind === 'prompt') return log.prompts.get(kind.id);
  return undefined;
}

/** Who wrote a line: an AI record (kept here, in another note, or nowhere) or a person. */
export type Author = { kind: 'human'; key: string } | { kind: 'ai'; key: string; record: GitAiAgent; foundIn?: string } | { kind: 'unrecorded'; key: string };

/**
 * The log with only the records its attestations refer to. A note can keep
 * thousands of records carried from earlier commits (megabytes of JSON): of
 * all it keeps, only how many and which agents are kept, to say so of a note
 * that attests no AI line at all.
 */
export function compactLog(log: GitAiLog): GitAiLog & { kept: { records: number; agents: string[] } } {
  const prompts = new Map<string, GitAiAgent>();
  const sessions = new Map<string, GitAiAgent>();
  for (const entries of log.files.values()) {
    for (const { key } of entries) {
      const kind = keyKind(key);
      const record = recordIn(log, kind);
      if (!record || kind.kind === 'human') continue;
      (kind.kind === 'session' ? sessions : prompts).set(kind.id, record);
    }
  }
  const all = [...log.prompts.values(), ...log.sessions.values()];
  const agents = [...new Set(all.map((r) => (r.agent === 'other' ? (r.name ?? 'other') : r.agent)))].sort(compareStrings);
  return { files: log.files, prompts, sessions, humans: new Set(), kept: { records: all.length, agents } };
}

/** AI keys of the note whose record is not in the note itself (to look up in other notes). */
export function foreignIds(log: GitAiLog): string[] {
  const ids = new Set<string>();
  for (const entries of log.files.values()) {
    for (const { key } of entries) {
      const kind = keyKind(key);
      if (kind.kind !== 'human' && recordIn(log, kind) === undefined) ids.add(kind.id);
    }
  }
  return [...ids].sort(compareStrings);
}

export interface Attributed {
  /** Path → who wrote which lines, each line once (of two entries claiming a line, the later one wins, as git-ai reads them). */
  files: Map<string, { author: Author; ranges: [number, number][] }[]>;
  /** AI lines the note attests, all files. */
  aiLines: number;
  humanLines: number;
}

/**
 * Resolves every entry to its author and gives each line to one author. A key
 * whose record this note does not keep is looked up with `foreign` (the
 * newest other note that keeps it). One found nowhere is still an AI session,
 * since its prefix says so: it counts as AI by an unknown agent, where git-ai
 * itself would leave the line unattributed (README, "Reading git-ai notes").
 */
export function attribute(log: GitAiLog, foreign: (id: string) => { record: GitAiAgent; foundIn: string } | undefined): Attributed {
  const files = new Map<string, { author: Author; ranges: [number, number][] }[]>();
  let aiLines = 0;
  let humanLines = 0;
  for (const [path, entries] of log.files) {
    const won = lastWins(entries);
    const out: { author: Author; ranges: [number, number][] }[] = [];
    entries.forEach((entry, i) => {
      const ranges = won[i] ?? [];
      if (ranges.length === 0) return;
      const author = authorOf(log, entry.key, foreign);
      const lines = ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
      if (author.kind === 'human') humanLines += lines;
      else aiLines += lines;
      out.push({ author, ranges });
    });
    files.set(path, out);
  }
  return { files, aiLines, humanLines };
}

/**
 * For each entry, the lines it keeps when a line two entries claim goes to the
 * later one: a sweep over range boundaries with a heap of the entries open at
 * each point, so a hostile note with many overlapping entries costs
 * O(n log n), not O(n²).
 */
export function lastWins(entries: readonly GitAiEntry[]): [number, number][][] {
  const won: [number, number][][] = entries.map(() => []);
  const events: [number, number, boolean][] = [];
  entries.forEach((entry, i) => {
    for (const [a, b] of entry.ranges) events.push([a, i, true], [b + 1, i, false]);
  });
  events.sort((x, y) => x[0] - y[0]);
  const open = new MaxHeap();
  const active = new Map<number, number>();
  let at = 0;
  while (at < events.length) {
    const point = events[at]?.[0] ?? 0;
    for (; at < events.length && events[at]?.[0] === point; at++) {
      const [, i, starts] = events[at] ?? [0, 0, false];
      const count = (active.get(i) ?? 0) + (starts ? 1 : -1);
      active.set(i, count);
      if (starts && count === 1) open.push(i);
    }
    while (open.size > 0 && (active.get(open.peek()) ?? 0) <= 0) open.pop();
    const next = events[at]?.[0];
    if (open.size === 0 || next === undefined) continue;
    const ranges = won[open.peek()] ?? [];
    const last = ranges[ranges.length - 1];
    if (last && last[1] === point - 1) last[1] = next - 1;
    else ranges.push([point, next - 1]);
  }
  return won;
}

class MaxHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): number {
    return this.items[0] ?? -1;
  }

  push(value: number): void {
    const a = this.items;
    a.push(value);
    for (let i = a.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if ((a[parent] ?? 0) >= value) break;
      a[i] = a[parent] ?? 0;
      a[parent] = value;
      i = parent;
    }
  }

  pop(): void {
    const a = this.items;
    const last = a.pop();
    if (last === undefined || a.length === 0) return;
    a[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let big = i;
      if (l < a.length && (a[l] ?? 0) > (a[big] ?? 0)) big = l;
      if (r < a.length && (a[r] ?? 0) > (a[big] ?? 0)) big = r;
      if (big === i) break;
      [a[i], a[big]] = [a[big] ?? 0, a[i] ?? 0];
      i = big;
    }
  }
}

function authorOf(log: GitAiLog, key: string, foreign: (id: string) => { record: GitAiAgent; foundIn: string } | undefined): Author {
  const kind = keyKind(key);
  if (kind.kind === 'human') return { kind: 'human', key };
  const own = recordIn(log, kind);
  if (own) return { kind: 'ai', key, record: own };
  const found = foreign(kind.id);
  return found ? { kind: 'ai', key, record: found.record, foundIn: found.foundIn } : { kind: 'unrecorded', key };
}
