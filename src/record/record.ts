import { createHash } from 'node:crypto';
import path from 'node:path';
import { isAgentId, AGENT_IDS, type AgentId } from '../authorship/agents.js';
import { indexAgentTrace } from '../authorship/line-records.js';
import type { NoteRecord } from '../authorship/notes.js';
import type { ScanWarning } from '../authorship/types.js';
import type { Clock } from '../kernel/clock.js';
import type { Environment } from '../kernel/environment.js';
import { UsageError } from '../kernel/errors.js';
import { readRegularFile } from '../kernel/files.js';
import { mergeRanges } from '../git/line-map.js';
import type { HistoryReader, NotesWriter, TreeReader } from '../git/types.js';
import { VERSION } from '../kernel/version.js';
import { mergeFileRanges, parseFileArgument, recordPath, type FileRanges } from './file-ranges.js';
import { appendRecords } from './note-store.js';

/** The part of a Context (context/context.ts) recording needs. */
export interface RecordContext {
  git: HistoryReader & TreeReader & NotesWriter;
  clock: Clock;
  /** Files named by the caller (prompt, Agent Trace) are relative to its cwd. */
  env: Pick<Environment, 'cwd'>;
}

export interface RecordOptions {
  context: RecordContext;
  /** Commit to record on (default HEAD). */
  commit?: string;
  /** Agent id; optional only with `fromAgentTrace`, whose tool names the agent. */
  agent?: string;
  /** Display name, for agent `other`. */
  name?: string;
  model?: string;
  session?: string;
  /** A file holding the prompt: its SHA-256 is recorded, the text only with `storePrompt`. */
  promptFile?: string;
  storePrompt?: boolean;
  /** `PATH` or `PATH:RANGES`, relative to the repository root. */
  files?: string[];
  /** An Agent Trace JSONL file whose records for this commit give files and ranges. */
  fromAgentTrace?: string;
}

export interface RecordResult {
  commit: string;
  added: NoteRecord[];
  /** Every record now on the commit, those already there included. */
  records: NoteRecord[];
  warnings: ScanWarning[];
}

/** Writes authorship records for one commit on `refs/notes/aiprov`, merged with what is there. */
export async function recordAuthorship(options: RecordOptions): Promise<RecordResult> {
  const { git, clock, env } = options.context;
  const sha = await git.resolveCommit(options.commit ?? 'HEAD');
  const warnings: ScanWarning[] = [];
  if (options.agent === undefined && options.fromAgentTrace === undefined)
    throw new UsageError('is required, unless {fromAgentTrace} names the agent', { field: 'agent' });
  const agent = options.agent === undefined ? undefined : checkAgent(options.agent);
  if (options.session !== undefined && !isUrl(options.session)) throw new UsageError('not a URL', { field: 'session', value: options.session });
  const prompt = options.promptFile === undefined ? undefined : await readPrompt(env.cwd, options.promptFile);
  const base = {
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.session !== undefined ? { session: options.session } : {}),
    ...(prompt ? { promptSha256: prompt.sha256 } : {}),
    ...(prompt && options.storePrompt ? { prompt: prompt.text } : {}),
    tool: { name: 'aiprov', version: VERSION },
    recordedAt: clock.now().toISOString(),
  };

  const added: NoteRecord[] = [];
  if (options.fromAgentTrace !== undefined) {
    const groups = await traceGroups(env.cwd, options.fromAgentTrace, sha, warnings);
    // An Agent Trace file is input like --files: the same checks, naming the file it came from.
    for (const group of groups) {
      group.files = group.files.map((f) => checkedTraceFile(f, options.fromAgentTrace ?? ''));
      await checkFiles(git, sha, group.files, 'fromAgentTrace');
    }
    for (const group of groups) {
      const model = options.model ?? group.model;
      added.push({
        agent: agent ?? group.agent,
        ...(group.name && !options.name ? { name: group.name } : {}),
        ...(model ? { model } : {}),
        ...base,
        files: group.files,
      });
    }
  } else if (agent) {
    const files = mergeFileRanges((options.files ?? []).map(parseFileArgument));
    await checkFiles(git, sha, files, 'files');
    added.push({ agent, ...(options.model !== undefined ? { model: options.model } : {}), ...base, ...(files.length > 0 ? { files } : {}) });
  }
  const records = await appendRecords(git, sha, added);
  return { commit: sha, added, records, warnings };
}

export function checkAgent(agent: string): AgentId {
  if (!isAgentId(agent)) throw new UsageError(`unknown agent id (known: ${AGENT_IDS.join(', ')})`, { field: 'agent', value: agent });
  return agent;
}

function isUrl(text: string): boolean {
  try {
    return new URL(text).protocol.length > 0;
  } catch {
    return false;
  }
}

/** A prompt is text a person typed or pasted: 16 MiB is far more than any, and `/dev/zero` is not one. */
const PROMPT_CAP = 16 * 1024 * 1024;
/** Agent Trace files hold one line per edit of a whole project's history. */
const TRACE_CAP = 64 * 1024 * 1024;

async function readUserFile(cwd: string, file: string, cap: number, field: 'promptFile' | 'fromAgentTrace'): Promise<Buffer> {
  const read = await readRegularFile(path.resolve(cwd, file), cap);
  if (!read.ok) throw new UsageError(read.problem, { field, value: file, code: 'BAD_PATH' });
  return read.bytes;
}

async function readPrompt(cwd: string, file: string): Promise<{ sha256: string; text: string }> {
  const bytes = await readUserFile(cwd, file, PROMPT_CAP, 'promptFile');
  return { sha256: createHash('sha256').update(bytes).digest('hex'), text: bytes.toString('utf8') };
}

/**
 * Each named file must be in the commit and changed by it (blame can give a
 * commit only the lines it wrote: a record of lines in a file it never
 * touched could never count), and each range within the file as the commit
 * left it.
 */
async function checkFiles(git: TreeReader, sha: string, files: FileRanges[], field: 'files' | 'fromAgentTrace'): Promise<void> {
  if (files.length === 0) return;
  const [entries, changed] = await Promise.all([git.listTree(sha), git.changedFiles(sha)]);
  const named = new Set(files.map((f) => f.path));
  const tree = new Map(
    (
      await git.describeFiles(
        sha,
        entries.filter((e) => named.has(e.path)),
      )
    ).map((f) => [f.path, f]),
  );
  const touched = new Set(changed);
  for (const file of files) {
    const entry = tree.get(file.path);
    if (!entry) throw new UsageError(`no such file in commit ${sha.slice(0, 12)}`, { field, value: file.path, code: 'BAD_PATH' });
    if (!touched.has(file.path))
      throw new UsageError(`commit ${sha.slice(0, 12)} did not change this file, so none of its lines can be counted as written by it`, {
        field,
        value: file.path,
        code: 'BAD_PATH',
      });
    const last = file.ranges?.[file.ranges.length - 1];
    if (last && last[1] > entry.lines)
      throw new UsageError(`the file has ${entry.lines} line${entry.lines === 1 ? '' : 's'} in commit ${sha.slice(0, 12)}`, {
        field,
        value: `${file.path}:${last[0]}-${last[1]}`,
      });
  }
}

/** A file of an Agent Trace record: a path inside the repository (its ranges were checked when the file was read: traceGroups). */
function checkedTraceFile(file: { path: string; ranges?: [number, number][] }, trace: string): FileRanges {
  const path = recordPath(file.path, 'fromAgentTrace', `${trace}: ${file.path}`);
  return file.ranges ? { path, ranges: mergeRanges(file.ranges) } : { path };
}

interface TraceGroup {
  agent: AgentId;
  name?: string;
  model?: string;
  files: { path: string; ranges?: [number, number][] }[];
}

/** The Agent Trace records for one commit, grouped into one record per agent and model. */
async function traceGroups(cwd: string, file: string, sha: string, warnings: ScanWarning[]): Promise<TraceGroup[]> {
  const text = (await readUserFile(cwd, file, TRACE_CAP, 'fromAgentTrace')).toString('utf8');
  const found: ScanWarning[] = [];
  const claims = indexAgentTrace(text, file, found).get(sha);
  // What blame would skip with a warning, a record refuses: it is the same check as --files.
  const bad = found.find((w) => w.commit === sha);
  if (bad) throw new UsageError(bad.message, { field: 'fromAgentTrace' });
  warnings.push(...found);
  if (!claims || claims.files.size === 0)
    throw new UsageError(`no AI-written ranges recorded for commit ${sha.slice(0, 12)}`, { field: 'fromAgentTrace', value: file });
  const groups = new Map<string, TraceGroup>();
  for (const [path, list] of claims.files) {
    for (const claim of list) {
      const key = `${claim.agent}\u0000${claim.name ?? ''}\u0000${claim.model ?? ''}`;
      const group = groups.get(key) ?? {
        agent: claim.agent,
        ...(claim.name ? { name: claim.name } : {}),
        ...(claim.model ? { model: claim.model } : {}),
        files: [],
      };
      groups.set(key, group);
      const existing = group.files.find((f) => f.path === path);
      const ranges = claim.ranges === 'all' ? undefined : claim.ranges;
      if (!existing) group.files.push(ranges ? { path, ranges: mergeRanges(ranges) } : { path });
      else if (existing.ranges && ranges) existing.ranges = mergeRanges([...existing.ranges, ...ranges]);
    }
  }
  return [...groups.values()];
}
