import type { DashboardData } from '../dashboard/types.js';
import { count, percent } from './html.js';

/** The one line a manager reads: how much the agents write, where it is risky and unreviewed, whether the gate holds. */
export function dashboardSummary(data: DashboardData): string {
  const parts: string[] = [];
  const top = data.agents.filter((a) => a.model === '*' && a.lines > 0)[0];
  const agents = new Set(data.agents.filter((a) => a.model === '*' && (a.lines > 0 || a.commits > 0)).map((a) => a.agent)).size;
  parts.push(
    `AI agents wrote ${percent(data.totals.aiShare)} of the ${count(data.totals.lines)} lines ${data.since ? `written since ${data.since.slice(0, 10)}` : 'in the tree'}` +
      (agents > 0 ? ` (${agents} agent${agents === 1 ? '' : 's'}${top ? `, most by ${top.agent}` : ''})` : ''),
  );
  const hunks = data.riskyHunks.total;
  parts.push(
    hunks === 0
      ? 'no AI-written high-risk hunk lacks a review'
      : `${count(hunks)} AI-written high-risk hunk${hunks === 1 ? '' : 's'} without a recorded review`,
  );
  const g = data.gate;
  if (g.changes === 0) parts.push('no gate decision recorded yet');
  else {
    const [lo, hi] = g.targets.escalationRate;
    parts.push(
      `gate pass rate ${percent(g.passRate, 0)} (target above ${percent(g.targets.passRateAbove, 0)}), escalation rate ${percent(g.escalationRate, 0)} (target ${percent(lo, 0)}–${percent(hi, 0)}) over ${count(g.changes)} change${g.changes === 1 ? '' : 's'}`,
    );
  }
  if (data.dependencies) {
    const { suspect, unchecked } = data.dependencies;
    parts.push(suspect === 0 ? 'no suspect dependency' : `${count(suspect)} suspect dependenc${suspect === 1 ? 'y' : 'ies'}`);
    if (unchecked > 0) parts.push(`${count(unchecked)} dependenc${unchecked === 1 ? 'y' : 'ies'} not checked (no registry answered)`);
  }
  return `${parts.join('; ')}.`;
}
