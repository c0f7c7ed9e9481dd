import type { Identity } from '../git/types.js';
import type { CommitReport, Evidence } from '../authorship/types.js';
import { isSharedKey, splitContributorKey } from '../blame/attribute.js';
import type { BlameReport } from '../blame/types.js';
import { compareStrings } from '../kernel/sorted.js';

/** Where the evidence names no model: the BOM keeps one model component per agent then. */
export const UNKNOWN_MODEL = 'unknown';

/** The model component a detection counts for: its model, or, when none is named, the agent's unknown model. */
export function modelKey(agent: string, model: string | undefined): string {
  return model === undefined || model === UNKNOWN_MODEL ? `${UNKNOWN_MODEL}/${agent}` : model;
}

/** How a detection was made, in CycloneDX's terms (evidence.identity.methods). */
export interface EvidenceTally {
  /** `attestation`: a record the agent's tooling wrote (notes); `other`: commit metadata (identities, trailers, message lines). */
  technique: 'attestation' | 'other';
  /** The signature id or notes ref. */
  source: string;
  /** What the detections rested on: a trailer, a note, an identity, a message line (authorship's evidence kinds). */
  kind: Evidence['kind'];
  /** Whether the agent or its user wrote it (a trailer, a record), rather than the scan inferring it. */
  declared: boolean;
  confidence: number;
  commits: number;
}

export interface CommitRef {
  sha: string;
  author: Identity;
  committer: Identity;
  authoredAt: string;
  subject: string;
}

export interface ModelFacts {
  /** `modelKey`: the model id, or `unknown/<agent>`. */
  key: string;
  /** The model id; null where no evidence names one. */
  model: string | null;
  agents: string[];
  commits: number;
  /** The newest commits, up to the cap (history order: newest first). */
  newestCommits: CommitRef[];
  evidence: EvidenceTally[];
  /** AI lines at the revision (blame), the model's alone. */
  lines: number;
  /** Files holding its lines, most lines first, up to the cap. */
  files: { path: string; lines: number }[];
  /** How many files hold its lines, in all. */
  fileCount: number;
}

export interface AgentFacts {
  agent: string;
  commits: number;
  /** AI lines at the revision credited to the agent alone. */
  lines: number;
  /** Model keys. */
  models: string[];
}

export interface Provenance {
  commits: number;
  aiCommits: number;
  lines: number;
  aiLines: number;
  /** Lines credited to more than one agent and model: counted once in aiLines, in no model. */
  sharedLines: number;
  /** The shared lines by the set of agents that share them (`claude-code+cursor`), adding up to sharedLines. */
  sharedBy: Record<string, number>;
  /** Lines at the revision from applied AI review suggestions: not in aiLines (blame's `suggestions`). */
  suggestionLines: number;
  models: ModelFacts[];
  agents: AgentFacts[];
  caps: { commits: number; files: number };
  /** The model keys of the watched commits the scan met (those that introduced dependencies). */
  modelsOf: Map<string, string[]>;
}

/**
 * Confidence of one piece of evidence, 0..1. A record written by the agent's
 * own tooling when the commit was made is taken as certain; a declaration in
 * the commit (trailer, bot identity, footer) as nearly so; an inference from
 * looser signs as even odds.
 */
export function confidenceOf(kind: Evidence['kind'], declared: boolean): number {
  if (kind === 'note') return 1;
  return declared ? 0.9 : 0.5;
}

interface ModelTally {
  agents: Set<string>;
  commits: number;
  newest: CommitRef[];
  evidence: Map<string, EvidenceTally>;
}

/**
 * Gathers, while a scan streams past, what the BOM says of each model and
 * agent: commits (the newest few kept), evidence; then adds the lines blame
 * found. Memory is bounded by the caps, whatever the history's length.
 */
export class ProvenanceTally {
  private readonly models = new Map<string, ModelTally>();
  private readonly agents = new Map<string, { commits: number; models: Set<string> }>();
  private commits = 0;
  private aiCommits = 0;
  private readonly modelsOf = new Map<string, string[]>();

  /** `watched`: commits whose models are kept whatever the caps (the ones that introduced dependencies). */
  constructor(
    private readonly caps: { commits: number; files: number },
    private readonly watched: ReadonlySet<string> = new Set(),
  ) {}

  addCommit(commit: CommitReport): void {
    this.commits++;
    const authored = commit.detections.filter((d) => d.role === 'author');
    if (!commit.ai || authored.length === 0) return;
    this.aiCommits++;
    const keys = new Set<string>();
    const agentsSeen = new Set<string>();
    for (const detection of authored) {
      const key = modelKey(detection.agent, detection.model);
      const { model: tally, agent } = this.link(key, detection.agent);
      if (!keys.has(key)) {
        keys.add(key);
        tally.commits++;
        if (tally.newest.length < this.caps.commits) tally.newest.push(commitRef(commit));
      }
      for (const evidence of detection.evidence) {
        const technique = evidence.kind === 'note' ? 'attestation' : 'other';
        const id = `${technique}\u0000${evidence.source}`;
        const seen = tally.evidence.get(id) ?? { technique, source: evidence.source, kind: evidence.kind, declared: false, confidence: 0, commits: 0 };
        seen.declared ||= detection.confidence === 'declared';
        seen.confidence = Math.max(seen.confidence, confidenceOf(evidence.kind, detection.confidence === 'declared'));
        seen.commits++;
        tally.evidence.set(id, seen);
      }
      if (!agentsSeen.has(detection.agent)) {
        agentsSeen.add(detection.agent);
        agent.commits++;
      }
    }
    if (this.watched.has(commit.sha)) this.modelsOf.set(commit.sha, [...keys].sort(compareStrings));
  }

  /** The tallies of model `key` and of `agent`, made on first sight, with each named as the other's. */
  private link(key: string, agent: string): { model: ModelTally; agent: { commits: number; models: Set<string> } } {
    const model = this.models.get(key) ?? { agents: new Set<string>(), commits: 0, newest: [], evidence: new Map<string, EvidenceTally>() };
    this.models.set(key, model);
    model.agents.add(agent);
    const tally = this.agents.get(agent) ?? { commits: 0, models: new Set<string>() };
    this.agents.set(agent, tally);
    tally.models.add(key);
    return { model, agent: tally };
  }

  /** The tally with blame's lines (`byContributor` required) added. */
  result(blame: BlameReport): Provenance {
    const linesByModel = new Map<string, number>();
    const filesByModel = new Map<string, { path: string; lines: number }[]>();
    for (const file of blame.files) {
      const perModel = new Map<string, number>();
      for (const [contributor, n] of Object.entries(file.byContributor ?? {})) {
        if (isSharedKey(contributor)) continue;
        const { agent, model } = splitContributorKey(contributor);
        const key = modelKey(agent, model);
        perModel.set(key, (perModel.get(key) ?? 0) + n);
        // A model blame credits that the scan of the range did not see (its commit is older than `since`, say) is still a contributor.
        this.link(key, agent);
      }
      for (const [key, n] of perModel) {
        linesByModel.set(key, (linesByModel.get(key) ?? 0) + n);
        const files = filesByModel.get(key) ?? [];
        files.push({ path: file.path, lines: n });
        filesByModel.set(key, files);
      }
    }
    const models: ModelFacts[] = [...this.models]
      .map(([key, tally]) => {
        const files = (filesByModel.get(key) ?? []).sort((a, b) => b.lines - a.lines || compareStrings(a.path, b.path));
        return {
          key,
          model: key.startsWith(`${UNKNOWN_MODEL}/`) ? null : key,
          agents: [...tally.agents].sort(),
          commits: tally.commits,
          newestCommits: tally.newest,
          evidence: [...tally.evidence.values()].sort((a, b) => compareStrings(a.technique, b.technique) || compareStrings(a.source, b.source)),
          lines: linesByModel.get(key) ?? 0,
          files: files.slice(0, this.caps.files),
          fileCount: files.length,
        };
      })
      .sort((a, b) => compareStrings(a.key, b.key));
    const agents: AgentFacts[] = [...this.agents]
      .map(([agent, tally]) => ({
        agent,
        commits: tally.commits,
        lines: blame.totals.byAgent[agent] ?? 0,
        models: [...tally.models].sort(),
      }))
      .sort((a, b) => compareStrings(a.agent, b.agent));
    return {
      commits: this.commits,
      aiCommits: this.aiCommits,
      lines: blame.totals.lines,
      aiLines: blame.totals.aiLines,
      sharedLines: Object.entries(blame.totals.byAgent)
        .filter(([key]) => isSharedKey(key))
        .reduce((n, [, lines]) => n + lines, 0),
      sharedBy: Object.fromEntries(Object.entries(blame.totals.byAgent).filter(([key]) => isSharedKey(key))),
      suggestionLines: blame.suggestions?.lines ?? 0,
      models,
      agents,
      caps: this.caps,
      modelsOf: this.modelsOf,
    };
  }
}

function commitRef(commit: CommitReport): CommitRef {
  return { sha: commit.sha, author: commit.author, committer: commit.committer, authoredAt: commit.authoredAt, subject: commit.subject };
}
