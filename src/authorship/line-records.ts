import { agentForName, normalizeModel, type AgentId } from './agents.js';
import type { NoteRecord } from './notes.js';
import type { ScanWarning } from './types.js';

/** Lines an agent wrote in one file of one commit, in that commit's version of the file. */
export interface LineClaim {
  agent: AgentId;
  name?: string;
  model?: string;
  /** Inclusive ranges, or 'all' for every line the commit wrote in the file. */
  ranges: [number, number][] | 'all';
  /** Where the claim comes from: `refs/notes/aiprov`, `refs/notes/ai`, `.agent-trace/traces.jsonl`. */
  source: string;
  /** The aiprov record the claim was read from, when it was one (to carry session and prompt digest along). */
  record?: NoteRecord;
}

export interface CommitClaims {
  /** Path → claims. When non-empty, these ranges decide the commit's AI lines exactly. */
  files: Map<string, LineClaim[]>;
  /** Claims on the whole commit (records that name no files). */
  whole: LineClaim[];
  /** True when line ranges decide the commit's AI lines exactly (commit-level claims are then ignored). */
  ranged: boolean;
}

/**
 * Line-level authorship records by commit, from our notes, git-ai notes and
 * Agent Trace records: what `aiprov blame` follows before commit-level detections.
 */
export class LineRecordIndex {
  private readonly byCommit = new Map<string, CommitClaims>();

  get(sha: string): CommitClaims | undefined {
    return this.byCommit.get(sha);
  }

  get size(): number {
    return this.byCommit.size;
  }

  addFile(sha: string, path: string, claim: LineClaim): void {
    const entry = this.entry(sha);
    entry.ranged = true;
    entry.files.set(path, [...(entry.files.get(path) ?? []), claim]);
  }

  /** The commit has line-level records, even if none of them claims a line any more. */
  markRanged(sha: string): void {
    this.entry(sha).ranged = true;
  }

  delete(sha: string): void {
    this.byCommit.delete(sha);
  }

  addWhole(sha: string, claim: LineClaim): void {
    this.entry(sha).whole.push(claim);
  }

  private entry(sha: string): CommitClaims {
    let entry = this.byCommit.get(sha);
    if (!entry) {
      entry = { files: new Map(), whole: [], ranged: false };
      this.byCommit.set(sha, entry);
    }
    return entry;
  }
}

export function claimOf(record: Pick<NoteRecord, 'agent' | 'name' | 'model'>, ranges: LineClaim['ranges'], source: string): LineClaim {
  const model = record.model === undefined ? undefined : normalizeModel(record.model);
  return { agent: record.agent, ...(record.name !== undefined ? { name: record.name } : {}), ...(model ? { model } : {}), ranges, source };
}

export const AGENT_TRACE_FILE = '.agent-trace/traces.jsonl';

interface TraceRecord {
  vcs?: { type?: unknown; revision?: unknown };
  tool?: { name?: unknown };
  files?: {
    path?: unknown;
    conversations?: { contributor?: { type?: unknown; model_id?: unknown }; ranges?: { start_line?: unknown; end_line?: unknown }[] }[];
  }[];
}

/**
 * Agent Trace v0.1.0 records (one JSON object a line). Contributions of type
 * `ai` or `mixed` count as AI-written; `human` and `unknown` do not. The agent
 * is the record's tool; the model its `model_id` (`provider/model`). A record
 * decides its commit's AI lines, as a note with line records does: one whose
 * conversations are all human, or that lists no file (`aiprov export` writes
 * those for commits whose records name no AI line), says there are none.
 */
export function indexAgentTrace(text: string, origin: string, warnings: ScanWarning[], index = new LineRecordIndex()): LineRecordIndex {
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let record: TraceRecord;
    try {
      record = JSON.parse(line) as TraceRecord;
    } catch {
      warnings.push({ code: 'BAD_NOTE', message: `${origin}:${i + 1} is not JSON; that record was ignored` });
      return;
    }
    const revision = typeof record.vcs?.revision === 'string' ? record.vcs.revision : '';
    if (record.vcs?.type !== 'git' || !/^[0-9a-f]{40,64}$/.test(revision)) {
      warnings.push({ code: 'BAD_NOTE', message: `${origin}:${i + 1} has no full git revision in vcs.revision; that record was ignored` });
      return;
    }
    // A record decides its commit's AI lines, even one that names none (all its conversations human, or no files).
    index.markRanged(revision);
    const toolName = typeof record.tool?.name === 'string' ? record.tool.name : '';
    const agent = agentForName(toolName) ?? 'other';
    for (const file of record.files ?? []) {
      if (typeof file.path !== 'string') continue;
      for (const conversation of file.conversations ?? []) {
        const type = conversation.contributor?.type;
        if (type !== 'ai' && type !== 'mixed') continue;
        const ranges: [number, number][] = [];
        for (const r of conversation.ranges ?? []) {
          if (!Number.isInteger(r.start_line) || !Number.isInteger(r.end_line)) continue;
          const [start, end] = [r.start_line as number, r.end_line as number];
          if (start < 1 || start > end) {
            warnings.push({
              code: 'BAD_NOTE',
              commit: revision,
              message: `${origin}:${i + 1}: ${file.path}:${start}-${end} is not a range of lines (1-based, start <= end); it was ignored`,
            });
            continue;
          }
          ranges.push([start, end]);
        }
        const modelId = typeof conversation.contributor?.model_id === 'string' ? conversation.contributor.model_id : undefined;
        index.addFile(
          revision,
          file.path,
          claimOf({ agent, ...(agent === 'other' && toolName ? { name: toolName } : {}), ...(modelId ? { model: modelId } : {}) }, ranges, AGENT_TRACE_FILE),
        );
      }
    }
  });
  return index;
}
