import type { ScanWarning } from '../authorship/types.js';
import { AGENT_TRACE_FILE, indexAgentTrace } from '../authorship/line-records.js';
import { mapPool } from '../kernel/concurrency.js';
import type { DetectionLevel } from '../git/blame.js';
import type { BlameGroup } from '../git/blame.js';
import { compareStrings } from '../kernel/sorted.js';
import { Attributor } from './attribute.js';
import type { BlameContext } from './blame.js';
import { detectionsFor } from './blame.js';

/** One line a change added, as it stands at the head: who wrote it. */
export interface ChangedLine {
  line: number;
  text: string;
  /** The commit of the change that last wrote it. */
  sha: string;
  /** The agents the evidence credits it to; empty for a line no agent is credited with. */
  agents: string[];
  models: string[];
}

export interface ChangedFile {
  path: string;
  added: ChangedLine[];
}

export interface ChangeAttribution {
  base: string;
  head: string;
  /** Every path the range changed, deleted and unreadable ones included. */
  changed: string[];
  files: ChangedFile[];
  /** Changed files that could not be read whole (over FILE_CAP): nobody can say what they add, so the gate cannot decide. */
  unread: { path: string; reason: string }[];
  warnings: ScanWarning[];
}

/** Files larger than this are not read line by line: such a change cannot be judged (the gate's answer is "could not decide"). */
export const FILE_CAP = 16 * 1024 * 1024;

/**
 * The lines `base..head` added (what `git blame base..head` does not carry
 * back to the base), each with the agents the evidence credits: the same
 * attribution as `aiprov blame --since`, line by line, for the files the
 * range changed only. Its cost is the change's, not the history's.
 */
export async function attributeChange(options: {
  context: BlameContext;
  base: string;
  head: string;
  detection?: DetectionLevel;
  jobs?: number;
}): Promise<ChangeAttribution> {
  const { git } = options.context;
  const warnings: ScanWarning[] = [];
  const changed = (await git.changedBetween(options.base, options.head)).sort(compareStrings);
  const texts = await git.readFiles(options.head, changed);
  const analyser = options.context.analyser.open(warnings);
  // The trace file as the base has it: the change under judgement may edit it (and that edit is itself a gated hunk).
  const trace = (await git.readFiles(options.base, [AGENT_TRACE_FILE])).get(AGENT_TRACE_FILE);
  if (trace !== undefined) indexAgentTrace(trace, `${AGENT_TRACE_FILE} at ${options.base.slice(0, 12)}`, warnings, analyser.index);
  // Deleted files add nothing. A file with bytes that are not text (one NUL makes git call it binary) is read as
  // lines all the same: valid JavaScript can hold a NUL, and dropping it would drop its risk and secret checks too.
  const unread: { path: string; reason: string }[] = [];
  const readable = changed.filter((path) => {
    const text = texts.get(path);
    if (text === undefined) return false;
    if (text.length > FILE_CAP) {
      unread.push({ path, reason: `${(text.length / 1024 / 1024).toFixed(1)} MB, over the ${FILE_CAP / 1024 / 1024} MB the gate reads` });
      return false;
    }
    return true;
  });
  const groups = await mapPool(readable, options.jobs ?? 2, async (path) => {
    const out: BlameGroup[] = [];
    for await (const group of git.blame(options.head, path, { since: options.base, detection: options.detection ?? 'copies' }))
      if (!group.boundary) out.push(group);
    return out;
  });
  const shas = new Set(groups.flat().map((g) => g.sha));
  await analyser.load(shas);
  const attributor = new Attributor(analyser.index, await detectionsFor(git, analyser, shas, { ranged: true }), true);
  const files: ChangedFile[] = readable
    .map((path, i) => {
      const lines = (texts.get(path) ?? '').split('\n');
      const added: ChangedLine[] = [];
      for (const group of groups[i] ?? []) {
        const parts = attributor.parts(group);
        for (let k = 0; k < group.lines; k++) {
          const orig = group.origLine + k;
          const credited = parts.filter((p) => p.ranges.some(([a, b]) => orig >= a && orig <= b));
          const line = group.finalLine + k;
          added.push({
            line,
            text: lines[line - 1] ?? '',
            sha: group.sha,
            agents: [...new Set(credited.map((p) => p.agent))].sort(compareStrings),
            models: [...new Set(credited.map((p) => p.model))].sort(compareStrings),
          });
        }
      }
      added.sort((a, b) => a.line - b.line);
      return { path, added };
    })
    .filter((f) => f.added.length > 0);
  return { base: options.base, head: options.head, changed, files, unread, warnings };
}
