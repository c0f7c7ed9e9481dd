import type { RecordCoverage } from '../authorship/types.js';
import { table, type Style } from './style.js';

/** How complete and consistent the records are, for the scan and blame tables. */
export function coverageLines(c: RecordCoverage, style: Style): string[] {
  const n = c.commits;
  const ai = n.lineRecords + n.wholeCommitRecords + n.signaturesOnly;
  const lines = [
    style.bold('Records (coverage)'),
    `${ai} commit${ai === 1 ? '' : 's'} with AI evidence: ${n.lineRecords} with line records${n.recovered > 0 ? ` (${n.recovered} recovered)` : ''}, ${n.wholeCommitRecords} with records naming no lines, ${n.signaturesOnly} known by signatures alone; ${n.neither} with neither`,
  ];
  const agents = Object.entries(c.byAgent);
  if (agents.length > 0)
    lines.push(
      ...table(
        [
          ['AGENT', 'LINE RECORDS', 'WHOLE-COMMIT RECORDS', 'SIGNATURES ONLY'],
          ...agents.map(([agent, a]) => [agent, String(a.lineRecords), String(a.wholeCommitRecords), String(a.signaturesOnly)]),
        ],
        new Set([1, 2, 3]),
      ),
    );
  if (c.lines) {
    const total = c.lines.fromRecords + c.lines.wholeCommit;
    lines.push(`${total} AI line${total === 1 ? '' : 's'}: ${c.lines.fromRecords} from line records, ${c.lines.wholeCommit} from whole-commit evidence`);
  }
  if (c.disagreementCount > 0) {
    const kinds = Object.entries(c.disagreementsByKind)
      .map(([kind, n]) => `${n} ${kind}`)
      .join(', ');
    lines.push(
      `${c.disagreementCount} record${c.disagreementCount === 1 ? '' : 's'} disagree${c.disagreementCount === 1 ? 's' : ''} with their commit (${kinds}):`,
    );
    for (const d of c.disagreements) lines.push(`  ${d.message}`);
    if (c.disagreementCount > c.disagreements.length)
      lines.push(`  … and ${c.disagreementCount - c.disagreements.length} more (--format json lists the first ${c.disagreements.length})`);
  }
  return lines;
}
