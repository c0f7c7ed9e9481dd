import { contentUuid } from '../kernel/uuid.js';
import { draft2020Validator } from '../kernel/schemas.js';
import { VERSION } from '../kernel/version.js';
import type { Claimant, CommitLines } from './established.js';

/**
 * Agent Trace v0.1.0 records of the established attribution: one record per
 * commit and agent (the record's `tool` is the agent; its `vcs` the commit),
 * each file's lines by model as conversations of contributor type `ai` with
 * the model as `model_id`, in the commit's own line numbers (and, for a
 * commit whose records name no AI line, one record with no files). The id is
 * derived from the commit and the agent, so exporting again gives the same
 * records; `metadata` says aiprov wrote them and how sure it was.
 */
export const AGENT_TRACE_VERSION = '0.1.0';

export interface TraceRecord {
  version: string;
  id: string;
  timestamp: string;
  vcs: { type: 'git'; revision: string };
  /** The agent; absent on a record that names no AI line. */
  tool?: { name: string };
  files: { path: string; conversations: { contributor: { type: 'ai'; model_id?: string }; ranges: { start_line: number; end_line: number }[] }[] }[];
  metadata: { aiprov: { version: string; confidence: 'declared' | 'inferred' } };
}

export function agentTraceRecords(commits: readonly CommitLines[]): TraceRecord[] {
  const records: TraceRecord[] = [];
  for (const c of commits) {
    const byTool = new Map<string, { path: string; claimant: Claimant }[]>();
    for (const file of c.files) {
      for (const claimant of file.claimants) {
        const tool = claimant.name ?? claimant.agent;
        byTool.set(tool, [...(byTool.get(tool) ?? []), { path: file.path, claimant }]);
      }
    }
    for (const [tool, parts] of [...byTool].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) records.push(record(c, tool, parts));
    // Records that name no AI line decide the commit too (its trailers count for none): a record with no files says so.
    if (byTool.size === 0 && c.recorded) records.push(noLines(c));
  }
  return records;
}

function record(c: CommitLines, tool: string, parts: { path: string; claimant: Claimant }[]): TraceRecord {
  const files = new Map<string, TraceRecord['files'][number]['conversations']>();
  for (const { path, claimant } of parts) {
    const conversation = {
      contributor: { type: 'ai' as const, ...(claimant.model !== 'unknown' ? { model_id: claimant.model } : {}) },
      ranges: claimant.ranges.map(([start, end]) => ({ start_line: start, end_line: end })),
    };
    files.set(path, [...(files.get(path) ?? []), conversation]);
  }
  return {
    version: AGENT_TRACE_VERSION,
    id: contentUuid(`${c.commit}\0${tool}`),
    timestamp: c.committedAt,
    vcs: { type: 'git', revision: c.commit },
    tool: { name: tool },
    files: [...files].map(([path, conversations]) => ({ path, conversations })),
    metadata: { aiprov: { version: VERSION, confidence: parts.every((p) => p.claimant.confidence === 'declared') ? 'declared' : 'inferred' } },
  };
}

function noLines(c: CommitLines): TraceRecord {
  return {
    version: AGENT_TRACE_VERSION,
    id: contentUuid(`${c.commit}\0`),
    timestamp: c.committedAt,
    vcs: { type: 'git', revision: c.commit },
    files: [],
    metadata: { aiprov: { version: VERSION, confidence: 'declared' } },
  };
}

const validator = draft2020Validator(new URL('../../data/agent-trace/trace-record.schema.json', import.meta.url));

/** What is wrong with a record against Agent Trace's published schema (data/agent-trace/), or null. */
export function traceRecordProblem(record: unknown): string | null {
  const validate = validator();
  if (validate(record)) return null;
  const e = validate.errors?.[0];
  return `${e?.instancePath || '/'} ${e?.message ?? 'is invalid'}`;
}
