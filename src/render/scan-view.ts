import type { CommitReport, Detection, ScanReport } from '../authorship/types.js';

/** What the table and markdown renderers need: everything but the commits with no signature. */
export type ScanView = Omit<ScanReport, 'commits' | 'schema' | 'tool'> & { notable: CommitReport[] };

/** Commits worth listing: AI-written, or with an applied AI review suggestion. */
export function isNotable(commit: CommitReport): boolean {
  return commit.detections.length > 0;
}

export function describeDetection(d: Detection): string {
  const who = d.agent === 'other' && d.name ? `other: ${d.name}` : d.agent;
  const what = d.role === 'review-suggestion' ? `${who} review suggestion` : who;
  return d.model ? `${what} (${d.model})` : what;
}

export function formatModels(models: Record<string, number>): string {
  const entries = Object.entries(models);
  return entries.length === 0 ? '-' : entries.map(([m, n]) => `${m} (${n})`).join(', ');
}

export function headline(view: ScanView): string {
  const s = view.summary;
  return (
    `${s.commits} commit${s.commits === 1 ? '' : 's'}: ${s.aiCommits} with AI signatures, ${s.automationCommits} automation, ` +
    `${s.noSignatureCommits} with no AI signature found` +
    (s.reviewSuggestionCommits > 0 ? `, ${s.reviewSuggestionCommits} with applied AI review suggestions` : '')
  );
}

export function shortDate(iso: string): string {
  return iso.slice(0, 10);
}
