import type { ChangedFile } from '../blame/change.js';
import type { HeadFinding, ScannedChange } from '../findings/change.js';
import { atOrAbove, type Severity } from '../policy/severity.js';
import { coveringReviews, type Review, type ReviewReach } from './coverage.js';

export const FINDINGS_RULE = 'findings.new-in-ai-lines';

/** `.aiprov.yml`'s `findings:` section, read from the base like the rest of the gate's policy. */
export interface FindingsConfig {
  newInAiLines?: {
    /** A new finding in AI-written lines at or above this severity waits for a person's review (default high). */
    escalate?: Severity;
    /** At or above this severity it fails the check (default: never). */
    fail?: Severity;
  };
}

/** A scanner finding the change's AI-written lines introduced (the base did not have it). */
export interface NewAiFinding extends HeadFinding {
  /** The agents credited with the change's added lines in its region, and the commits that wrote them. */
  agents: string[];
  commits: string[];
  action: 'fail' | 'escalate' | 'report';
  /** It was suppressed in the log: a suppression the change itself may have written, so not believed here. */
  suppressionIgnored: boolean;
  reviewedBy: string[];
}

export interface FindingsVerdict {
  rule: typeof FINDINGS_RULE;
  escalate: Severity;
  fail: Severity | null;
  baseGiven: boolean;
  findings: NewAiFinding[];
  incomplete: string[];
}

type AddedLine = ChangedFile['added'][number];

/** The AI-written added lines of a region, looked up line by line up to the last such line (a region may claim a billion lines). */
function aiLinesIn(file: { lines: ReadonlyMap<number, AddedLine>; last: number } | undefined, start: number, end: number): AddedLine[] {
  if (!file) return [];
  const { lines } = file;
  const last = Math.min(end, file.last);
  const out: AddedLine[] = [];
  for (let line = start; line <= last; line++) {
    const added = lines.get(line);
    if (added) out.push(added);
  }
  return out;
}

/**
 * The rule `findings.new-in-ai-lines`: scanner findings at the head that the base did not have, on lines the change
 * added and an agent wrote. Without the base's log every such finding is new (its lines are the change's). A
 * suppression in the log is not believed for them: in-source suppressions are written in the change under judgement.
 */
export function newAiFindings(
  scanned: ScannedChange,
  files: readonly ChangedFile[],
  config: FindingsConfig | undefined,
  reviews: readonly Review[],
  reach: ReviewReach,
): FindingsVerdict {
  const escalate = config?.newInAiLines?.escalate ?? 'high';
  const fail = config?.newInAiLines?.fail ?? null;
  const added = new Map(
    files.map((f) => {
      const ai = f.added.filter((l) => l.agents.length > 0);
      return [f.path, { lines: new Map(ai.map((l) => [l.line, l])), last: ai.reduce((n, l) => Math.max(n, l.line), 0) }];
    }),
  );
  const findings: NewAiFinding[] = [];
  for (const f of scanned.findings) {
    if (f.inBase) continue;
    const ai = aiLinesIn(added.get(f.path), f.startLine, f.endLine);
    if (ai.length === 0) continue;
    const action =
      f.severity === null ? 'report' : fail !== null && atOrAbove(f.severity, fail) ? 'fail' : atOrAbove(f.severity, escalate) ? 'escalate' : 'report';
    const commits = [...new Set(ai.map((l) => l.sha))];
    const covering = action === 'escalate' ? coveringReviews({ commits, path: f.path }, reviews, reach) : [];
    findings.push({
      ...f,
      agents: [...new Set(ai.flatMap((l) => l.agents))].sort(),
      commits,
      action,
      suppressionIgnored: f.suppressed,
      reviewedBy: [...new Set(covering.map((r) => r.reviewer))],
    });
  }
  return { rule: FINDINGS_RULE, escalate, fail, baseGiven: scanned.baseGiven, findings, incomplete: scanned.incomplete };
}
