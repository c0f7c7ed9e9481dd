import { SHARED_JOIN } from '../blame/attribute.js';
import type { LineCounts } from '../blame/types.js';

/** Lines by agent and model, as the store's rows hold them: `''` for lines no agent is credited with, shared lines under the ids joined. */
export interface AgentLines {
  agent: string;
  model: string;
  lines: number;
}

/** The rows of one set of counts (kept with contributors): one per agent and model, and one for the lines no agent wrote. */
export function agentLines(counts: LineCounts): AgentLines[] {
  const rows: AgentLines[] = [];
  const none = counts.lines - counts.aiLines;
  if (none > 0) rows.push({ agent: '', model: '', lines: none });
  for (const [key, lines] of Object.entries(counts.byContributor ?? {})) {
    if (lines === 0) continue;
    const parts = key.split(SHARED_JOIN).map((k) => {
      const slash = k.indexOf('/');
      return { agent: k.slice(0, slash), model: k.slice(slash + 1) };
    });
    rows.push({ agent: parts.map((p) => p.agent).join(SHARED_JOIN), model: parts.map((p) => p.model).join(SHARED_JOIN), lines });
  }
  return rows;
}

/** Rows of the same agent and model added together (a shared key can be reached from two orders of the same agents). */
export function sumAgentLines(rows: Iterable<AgentLines>): AgentLines[] {
  const byKey = new Map<string, AgentLines>();
  for (const row of rows) {
    const key = `${row.agent}\u0000${row.model}`;
    const seen = byKey.get(key);
    if (seen) seen.lines += row.lines;
    else byKey.set(key, { ...row });
  }
  return [...byKey.values()];
}
