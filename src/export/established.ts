import type { AnalyserFactory } from '../authorship/analyse.js';
import { AGENT_TRACE_FILE, indexAgentTrace } from '../authorship/line-records.js';
import type { ScanWarning } from '../authorship/types.js';
import { Attributor, type Part } from '../blame/attribute.js';
import { detectionsFor } from '../blame/blame.js';
import type { HistoryReader, NotesReader, PatchReader, TreeReader } from '../git/types.js';
import { mergeRanges, toRanges } from '../git/line-map.js';
import { compareStrings } from '../kernel/sorted.js';

export interface ExportContext {
  git: HistoryReader & TreeReader & NotesReader & Pick<PatchReader, 'addedLineNumbers'>;
  analyser: AnalyserFactory;
}

/** Who wrote which lines of one file of one commit, in that commit's version of the file. */
export interface Claimant {
  agent: Part['agent'];
  name?: string;
  /** `unknown` where the evidence names no model. */
  model: string;
  ranges: [number, number][];
  confidence: Part['confidence'];
}

export interface CommitLines {
  commit: string;
  /** Line records decided the commit's lines (then `files` may be empty: the records name no AI line, and its trailers count for none). */
  recorded: boolean;
  /** The commit's committer date (ISO 8601). */
  committedAt: string;
  files: { path: string; claimants: Claimant[] }[];
}

export interface Established {
  /** Oldest first. */
  commits: CommitLines[];
  warnings: ScanWarning[];
}

/**
 * The line attribution aiprov established for each commit of a range, in
 * each commit's own version of its files, by the rule blame counts with
 * (`Attributor`): a commit's line records (aiprov notes, git-ai notes, Agent
 * Trace records in the tree at the revision, records recovered from its pull
 * request) decide its lines exactly; a commit with none counts every line it
 * added for the agents its evidence names (a trailer, a bot identity). So a
 * blame that reads the export back counts the same lines for the same agents.
 */
export async function establishedLines(options: { context: ExportContext; rev?: string; since?: string }): Promise<Established> {
  const { git } = options.context;
  const rev = await git.resolveCommit(options.rev ?? 'HEAD');
  const since = options.since === undefined ? undefined : await git.resolveCommit(options.since);
  const warnings: ScanWarning[] = [];
  const analyser = options.context.analyser.open(warnings);
  const trace = (await git.readFiles(rev, [AGENT_TRACE_FILE])).get(AGENT_TRACE_FILE);
  if (trace !== undefined) indexAgentTrace(trace, `${AGENT_TRACE_FILE} at ${rev.slice(0, 12)}`, warnings, analyser.index);
  const shas = await git.listCommits(since === undefined ? rev : `${since}..${rev}`);
  await analyser.load(new Set(shas));
  const detections = await detectionsFor(git, analyser, shas);
  const attributor = new Attributor(analyser.index, detections);
  // A commit whose note could not be read or parsed is not exported: a record of it would stand for the note nobody read.
  const unread = new Set(warnings.filter((w) => w.code === 'BAD_NOTE' && w.commit !== undefined).map((w) => w.commit));
  for (const sha of unread)
    warnings.push({ code: 'BAD_NOTE', commit: sha, message: `${(sha ?? '').slice(0, 12)} is not exported: a note of it could not be read (above)` });
  const ai = shas.filter((sha) => {
    if (unread.has(sha)) return false;
    const claims = analyser.index.get(sha);
    return claims?.ranged === true || (claims?.whole.length ?? 0) > 0 || detections.has(sha);
  });
  const times = await git.commitTimes(ai);
  const commits: CommitLines[] = [];
  for (let i = 0; i < ai.length; i += CHUNK) {
    const added = await git.addedLineNumbers(ai.slice(i, i + CHUNK));
    for (const sha of ai.slice(i, i + CHUNK)) {
      const files = [...(added.get(sha) ?? new Map<string, number[]>())]
        .map(([path, lines]) => ({ path, claimants: claimantsOf(attributor, sha, path, lines) }))
        .filter((f) => f.claimants.length > 0)
        .sort((a, b) => compareStrings(a.path, b.path));
      const recorded = analyser.index.get(sha)?.ranged === true;
      if (files.length > 0 || recorded) commits.push({ commit: sha, recorded, committedAt: new Date((times.get(sha) ?? 0) * 1000).toISOString(), files });
    }
  }
  // Oldest first, as the history was written.
  return { commits: commits.reverse(), warnings };
}

const CHUNK = 500;

/** The claimants of the lines a commit added to a file: each run of added lines asked of the attributor as blame asks it of a group. */
function claimantsOf(attributor: Attributor, sha: string, path: string, lines: readonly number[]): Claimant[] {
  const byKey = new Map<string, Claimant>();
  for (const [start, end] of toRanges(lines)) {
    const parts = attributor.parts({ sha, origPath: path, origLine: start, finalLine: start, lines: end - start + 1, boundary: false });
    for (const p of parts) {
      const key = `${p.agent}\0${p.name ?? ''}\0${p.model}\0${p.confidence}`;
      const entry = byKey.get(key) ?? {
        agent: p.agent,
        ...(p.name !== undefined ? { name: p.name } : {}),
        model: p.model,
        ranges: [],
        confidence: p.confidence,
      };
      entry.ranges.push(...p.ranges);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()]
    .map((c) => ({ ...c, ranges: mergeRanges(c.ranges) }))
    .sort((a, b) => compareStrings(a.agent, b.agent) || compareStrings(a.model, b.model));
}
