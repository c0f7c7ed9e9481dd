import { coverageLines } from './coverage-render.js';
import { describeDetection, formatModels, headline, shortDate, type ScanView } from './scan-view.js';
import { table, truncate, type Style } from './style.js';

import type { Detection, EvidenceKind } from '../authorship/types.js';

/** How a commit was detected, in one word per kind: a trailer (Co-authored-by, Assisted-by…), an identity, a note, a marker in the message. */
const EVIDENCE_WORD: Record<EvidenceKind, string> = {
  'author': 'identity',
  'committer': 'identity',
  'co-author': 'trailer',
  'trailer': 'trailer',
  'subject': 'marker',
  'message': 'marker',
  'note': 'note',
};
const EVIDENCE_ORDER = ['trailer', 'identity', 'note', 'marker'];

export function evidenceOf(detections: readonly Detection[]): string {
  const words = new Set(detections.flatMap((d) => d.evidence.map((e) => EVIDENCE_WORD[e.kind])));
  return EVIDENCE_ORDER.filter((w) => words.has(w)).join('+');
}

/** The terminal report. Warnings are not repeated here: the CLI prints them on stderr. */

export function renderScanTable(view: ScanView, style: Style): string {
  const lines: string[] = [];
  const head = view.repository.head ? view.repository.head.slice(0, 12) : 'unborn';
  const ref = view.repository.headRef?.replace(/^refs\/heads\//, '') ?? 'detached';
  lines.push(
    `${style.bold('aiprov scan')}  ${view.repository.root}  ${view.range.all ? 'all refs' : `range ${view.range.spec}`}  (HEAD ${ref} @ ${head}${view.repository.shallow ? ', shallow' : ''})`,
  );
  lines.push(headline(view));
  const agents = Object.entries(view.summary.byAgent);
  if (agents.length > 0) {
    lines.push('', style.bold('By agent'));
    lines.push(
      ...table(
        [
          ['AGENT', 'COMMITS', 'DECLARED', 'INFERRED', 'MODELS'],
          ...agents.map(([agent, s]) => [agent, String(s.commits), String(s.declared), String(s.inferred), formatModels(s.models)]),
        ],
        new Set([1, 2, 3]),
      ),
    );
  }
  const automation = Object.entries(view.summary.byAutomation);
  if (automation.length > 0) {
    lines.push('', `${style.bold('Automation')} (not AI): ${automation.map(([bot, n]) => `${bot} ${n}`).join(', ')}`);
  }
  if (view.coverage) lines.push('', ...coverageLines(view.coverage, style));
  if (view.range.leftOut) {
    lines.push(
      '',
      `Left out as other tools' bookkeeping, not the project's history: ${view.range.leftOut.map((r) => `${r.ref} (${r.tool})`).join(', ')}; --include-bookkeeping counts them`,
    );
  }
  if (view.summary.unattestedCommits > 0) {
    lines.push(
      '',
      `${plural(view.summary.unattestedCommits, 'commit')} ${view.summary.unattestedCommits === 1 ? 'carries' : 'carry'} agent records that attest no line (git-ai keeps records through merges and rebases): not counted as AI for that; --format json names them (commits[].unattested)`,
    );
  }
  if (view.notable.length > 0) {
    // The heading counts the rows below, which include the applied review suggestions the summary counts apart.
    const what = view.summary.reviewSuggestionCommits > 0 ? 'Commits with AI signatures or applied AI review suggestions' : 'Commits with AI signatures';
    const heading = `${what} (${view.notable.length})`;
    lines.push('', style.bold(heading));
    lines.push(
      ...table(
        view.notable.map((c) => [
          style.accent(c.sha.slice(0, 12)),
          shortDate(c.authoredAt),
          c.detections.map(describeDetection).join(', '),
          evidenceOf(c.detections),
          [...new Set(c.detections.map((d) => d.confidence))].join('/'),
          truncate(c.subject, 72),
        ]),
      ),
    );
  }
  return lines.join('\n') + '\n';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
