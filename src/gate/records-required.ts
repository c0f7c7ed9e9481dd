import type { CommitAnalyser } from '../authorship/analyse.js';
import type { CommitRecord, TreeReader } from '../git/types.js';
import { ConfigError } from '../kernel/errors.js';
import { globPattern, matchesAny } from '../kernel/glob.js';
import type { Pattern } from '../kernel/linear-regex.js';

/**
 * The base's `records:` section: where AI work must carry line records
 * (aiprov notes, git-ai notes, Agent Trace), for example every AI commit
 * touching the high-risk paths. Records are claims, and never make a change
 * pass; requiring them makes their absence visible: an AI commit there
 * without them waits for a person (`needs-review`), with the reason.
 */
export interface RecordsConfig {
  require?: { paths: string[]; agents?: string[] }[];
}

export interface MissingRecords {
  commit: string;
  agents: string[];
  /** The changed files under a requirement. */
  paths: string[];
}

/** AI commits of the change that touch a required path (of a required agent) with no line records of their own or recovered. */
export async function missingRecords(
  git: TreeReader,
  analyser: CommitAnalyser,
  commits: readonly CommitRecord[],
  config: RecordsConfig | undefined,
  source: string,
): Promise<MissingRecords[]> {
  const requirements = (config?.require ?? []).map((r, i) => ({ paths: compile(r.paths, i, source), agents: r.agents ? new Set(r.agents) : undefined }));
  if (requirements.length === 0) return [];
  const missing: MissingRecords[] = [];
  for (const commit of commits) {
    const report = analyser.analyse(commit);
    if (!report.ai || analyser.index.get(commit.sha)?.ranged === true) continue;
    const agents = [...new Set(report.detections.filter((d) => d.role === 'author').map((d) => d.agent))].sort();
    const changed = await git.changedFiles(commit.sha);
    const paths = changed.filter((path) =>
      requirements.some((r) => matchesAny(path, r.paths) && (r.agents === undefined || agents.some((a) => r.agents?.has(a)))),
    );
    if (paths.length > 0) missing.push({ commit: commit.sha, agents, paths: paths.sort() });
  }
  return missing;
}

function compile(globs: readonly string[], i: number, source: string): Pattern[] {
  return globs.map((glob) => {
    try {
      return globPattern(glob);
    } catch (error) {
      throw new ConfigError('CONFIG_INVALID', `${source}: records.require[${i}].paths: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

/** The reason `check` gives for them. */
export function missingRecordsReason(missing: readonly MissingRecords[], source: string): string {
  const first = missing[0];
  const sample = first ? `${first.commit.slice(0, 12)} (${first.agents.join(', ')}) changed ${first.paths.slice(0, 3).join(', ')}` : '';
  return `${missing.length} AI commit${missing.length === 1 ? '' : 's'} without line records where ${source} requires them (records.require): ${sample}${missing.length > 1 ? ', …' : ''}`;
}
