import { sortKeys } from '../kernel/sorted.js';
import type { AgentSummary, CommitReport, ScanSummary } from './types.js';

/** Folds commit reports into the summary one at a time, so a scan never has to hold its commits. */
export class SummaryAccumulator {
  private readonly summary: ScanSummary = {
    commits: 0,
    aiCommits: 0,
    automationCommits: 0,
    reviewSuggestionCommits: 0,
    noSignatureCommits: 0,
    unattestedCommits: 0,
    byAgent: {},
    byAutomation: {},
  };

  add(commit: CommitReport): void {
    const s = this.summary;
    s.commits++;
    if (commit.ai) s.aiCommits++;
    if (commit.automation) s.automationCommits++;
    if (commit.detections.some((d) => d.role === 'review-suggestion')) s.reviewSuggestionCommits++;
    if (commit.detections.length === 0 && !commit.automation) s.noSignatureCommits++;
    if (commit.unattested) s.unattestedCommits++;
    for (const bot of commit.automationBy ?? []) s.byAutomation[bot] = (s.byAutomation[bot] ?? 0) + 1;
    // One count per agent per commit, however many detections (e.g. two `other` names) it has.
    const perAgent = new Map<string, { declared: boolean; models: Set<string> }>();
    for (const detection of commit.detections) {
      if (detection.role !== 'author') continue;
      const entry = perAgent.get(detection.agent) ?? { declared: false, models: new Set<string>() };
      perAgent.set(detection.agent, entry);
      if (detection.confidence === 'declared') entry.declared = true;
      if (detection.model) entry.models.add(detection.model);
    }
    for (const [id, entry] of perAgent) {
      const agent: AgentSummary = s.byAgent[id] ?? { commits: 0, declared: 0, inferred: 0, models: {} };
      s.byAgent[id] = agent;
      agent.commits++;
      agent[entry.declared ? 'declared' : 'inferred']++;
      for (const model of entry.models) agent.models[model] = (agent.models[model] ?? 0) + 1;
    }
  }

  /** The summary with keys sorted, so equal inputs give equal bytes. */
  result(): ScanSummary {
    const s = this.summary;
    const byAgent: Record<string, AgentSummary> = {};
    for (const key of Object.keys(s.byAgent).sort()) {
      const a = s.byAgent[key];
      if (a) byAgent[key] = { ...a, models: sortKeys(a.models) };
    }
    return { ...s, byAgent, byAutomation: sortKeys(s.byAutomation) };
  }
}
