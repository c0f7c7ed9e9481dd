import { checkChange, type CheckOptions, type CheckPolicy, type CheckReport } from '../gate/check.js';
import { ORG_LEVELS, type OrgLevel } from './vsa.js';

/** One organisation property over a range: granted, or why not. */
export interface LevelResult {
  level: OrgLevel;
  granted: boolean;
  /** What was checked and found (granted), or what is missing (not). */
  because: string;
}

export interface RangeCheck {
  levels: LevelResult[];
  /** What could not be read or looked up: no VSA is written then (the range is checked again by the next run). */
  couldNotDecide: string | null;
  report: CheckReport;
}

/**
 * The range's properties, from one run of the gate over `base..head` under
 * the base's policy (what a change into the branch is judged by, so a range
 * cannot relax its own checks), with line records required of every AI
 * commit wherever it wrote: the records, the escalated hunks and their
 * authenticated reviews, the dependencies introduced and their audit.
 */
export async function checkRange(options: CheckOptions): Promise<RangeCheck> {
  const report = await checkChange({
    ...options,
    policyAt: async (base): Promise<CheckPolicy> => {
      const policy = await options.policyAt(base);
      return { ...policy, records: { require: [...(policy.records?.require ?? []), { paths: ['**'] }] } };
    },
  });
  // The gate's own could-not-decide already holds unread records (records.require's unread), names and files nobody could check.
  return { levels: [attributed(report), reviewed(report), depsChecked(report)], couldNotDecide: report.couldNotDecide, report };
}

function attributed(report: CheckReport): LevelResult {
  const missing = report.records?.missing ?? [];
  const ai = report.change.aiCommits;
  if (missing.length === 0)
    return {
      level: ORG_LEVELS.attributed,
      granted: true,
      because: `${ai} AI commit${ai === 1 ? '' : 's'} of ${report.change.commits}, each with line records`,
    };
  const first = missing[0];
  const sample = first ? `${first.commit.slice(0, 12)} (${first.agents.join(', ')})` : '';
  return {
    level: ORG_LEVELS.attributed,
    granted: false,
    because: `${missing.length} AI commit${missing.length === 1 ? '' : 's'} without line records: ${sample}${missing.length > 1 ? ', …' : ''}`,
  };
}

function reviewed(report: CheckReport): LevelResult {
  const escalated = report.hunks.filter((h) => h.escalated);
  const waiting = escalated.filter((h) => h.reviewedBy.length === 0);
  if (waiting.length === 0)
    return {
      level: ORG_LEVELS.reviewed,
      granted: true,
      because: `${escalated.length} escalated AI hunk${escalated.length === 1 ? '' : 's'}, each covered by an authenticated review`,
    };
  const first = waiting[0];
  const sample = first ? `${first.path}:${first.startLine}-${first.endLine} (${first.rule})` : '';
  return {
    level: ORG_LEVELS.reviewed,
    granted: false,
    because: `${waiting.length} escalated AI hunk${waiting.length === 1 ? '' : 's'} without an authenticated review: ${sample}${waiting.length > 1 ? ', …' : ''}`,
  };
}

function depsChecked(report: CheckReport): LevelResult {
  const { introduced, failing, unknown } = report.dependencies;
  const flagged = [...failing, ...unknown];
  if (flagged.length === 0 && report.couldNotDecide === null)
    return { level: ORG_LEVELS.depsChecked, granted: true, because: `${introduced} dependenc${introduced === 1 ? 'y' : 'ies'} introduced, none flagged` };
  const sample = flagged
    .slice(0, 3)
    .map((d) => `${d.name} (${d.verdict})`)
    .join(', ');
  return { level: ORG_LEVELS.depsChecked, granted: false, because: flagged.length > 0 ? `flagged: ${sample}` : (report.couldNotDecide ?? 'not checked') };
}
