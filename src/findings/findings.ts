import type { Log } from 'sarif';
import type { BlameContext } from '../blame/blame.js';
import { envelope } from '../kernel/schemas.js';
import { SarifError } from '../kernel/errors.js';
import { blameFiles, type BlameChoices, type BlamedFiles } from './blame-files.js';
import { classify, type LocatedResult } from './classify.js';
import { Locator } from './locate.js';
import { revisionOf } from './revision.js';
import { ruleIdOf, type SarifInput } from './sarif.js';
import { LEVEL } from './stats.js';
import { byRule, densityOf, exposureOf, ratesBy } from './summarise.js';
import type { ApartFinding, AttributedFinding, FindingsReport, RemediationReport, RunSummary } from './types.js';
import type { ScanWarning } from '../authorship/types.js';
import { trackRemediation, type Snapshot } from './remediation.js';

export interface FindingsOptions extends BlameChoices {
  context: BlameContext;
  inputs: SarifInput[];
  /** The revision the logs are of, when they do not say (versionControlProvenance); default HEAD. */
  rev?: string;
  /** The directory the scanner ran in, which its absolute URIs are under; default the repository's root. */
  sourceRoot?: string;
  /**
   * Logs of earlier revisions (each of the revision its versionControlProvenance names, or `rev`): with them the
   * report says how long findings took to fix, by who wrote them (`remediation`).
   */
  history?: { input: SarifInput; rev?: string }[];
  /** Blame only the files results fall in, not every file the runs covered: no densities (an earlier revision's log, for time to fix). */
  resultsOnly?: boolean;
}

export interface FindingsResult {
  report: FindingsReport;
  /** Each input with every result's attribution added in its property bag (`properties.aiprov`), nothing else changed. */
  enriched: SarifInput[];
}

export interface RunInput {
  input: SarifInput;
  runIndex: number;
  items: LocatedResult[];
  /** The files the run lists as artifacts, in the tree; undefined when it lists none (it covers the tree). */
  artifacts: string[] | undefined;
}

/** Each result of scanner logs attributed to the agents, models and commits that wrote its lines, with densities. */
export async function attributeFindings(options: FindingsOptions): Promise<FindingsResult> {
  const { git } = options.context;
  const revision = await revisionOf(git, options.inputs, options.rev);
  const tree = new Set((await git.listTree(revision.rev)).filter((e) => e.kind === 'file').map((e) => e.path));
  const runs = locateAll(options.inputs, options.sourceRoot ?? git.root, tree);
  const needed = new Set(runs.flatMap((r) => r.items.flatMap((i) => ('place' in i.located ? [i.located.place.path] : []))));
  const listed = options.resultsOnly
    ? new Set<string>()
    : runs.every((r) => r.artifacts !== undefined)
      ? new Set(runs.flatMap((r) => r.artifacts ?? []))
      : undefined;
  const blamed = await blameFiles({
    ...options,
    rev: revision.rev,
    files: listed === undefined ? undefined : new Set([...listed, ...needed]),
    needed,
  });
  const findings: AttributedFinding[] = [];
  const apart: ApartFinding[] = [];
  const summaries = runs.map((r) => summariseRun(r, blamed, findings, apart));
  const covered = new Set(runs.flatMap((r) => coverageOf(r, blamed)));
  const exposure = exposureOf(covered, blamed.files);
  const report: FindingsReport = {
    ...envelope('findingsReport'),
    repository: { root: git.root },
    rev: revision.rev,
    revSpec: revision.revSpec,
    revisionFrom: revision.from,
    detection: options.detection ?? 'copies',
    level: LEVEL,
    runs: summaries,
    coverage: { files: exposure.files, lines: exposure.lines, aiLines: exposure.aiLines, noAgentLines: exposure.lines - exposure.aiLines },
    totals: totalsOf(findings, apart),
    density: densityOf(findings, exposure),
    byAgent: ratesBy(findings, exposure.byAgent, (f) => f.agent),
    byModel: ratesBy(findings, exposure.byModel, (f) => f.model),
    byContributor: ratesBy(findings, exposure.byContributor, (f) => f.contributor),
    byRule: byRule(findings),
    findings,
    apart,
    warnings: [...blamed.warnings, ...runWarnings(summaries)],
  };
  if (options.history && options.history.length > 0) report.remediation = await remediationOf(options, report);
  return { report, enriched: enrich(options.inputs, findings, apart) };
}

/** Each earlier revision's logs attributed at that revision (the files its results fall in only), then followed to the report's. */
async function remediationOf(options: FindingsOptions, report: FindingsReport): Promise<RemediationReport> {
  const { git } = options.context;
  const groups = new Map<string, SarifInput[]>();
  for (const h of options.history ?? []) {
    const { rev, from } = await revisionOf(git, [h.input], h.rev, `the revision given for ${h.input.name} (${h.rev ?? ''})`);
    // Taken as HEAD, an earlier log would be followed to itself: its revision must be known.
    if (from === 'head')
      throw new SarifError(
        'SARIF_REVISION_MISMATCH',
        `${h.input.name}: a log of an earlier revision must name it (versionControlProvenance), or be given as REV=${h.input.name}`,
      );
    groups.set(rev, [...(groups.get(rev) ?? []), h.input]);
  }
  const snapshots: Snapshot[] = [{ rev: report.rev, committedAt: await committedAt(git, report.rev), findings: report.findings }];
  for (const [rev, inputs] of groups) {
    if (rev === report.rev) continue;
    const { report: earlier } = await attributeFindings({ ...options, inputs, rev, history: [], resultsOnly: true });
    snapshots.push({ rev, committedAt: await committedAt(git, rev), findings: earlier.findings });
  }
  return trackRemediation(git, snapshots);
}

async function committedAt(git: FindingsOptions['context']['git'], rev: string): Promise<string> {
  for await (const c of git.logCommits([rev])) return c.committedAt;
  return new Date(0).toISOString();
}

/** Every result of every run, located at a revision's tree (for the gate's comparison of a change's two ends too). */
export function locateAll(inputs: readonly SarifInput[], sourceRoot: string, tree: ReadonlySet<string>): RunInput[] {
  const inTree = (p: string): boolean => tree.has(p);
  return inputs.flatMap((input) =>
    input.log.runs.map((run, runIndex) => {
      const locator = new Locator(run, sourceRoot, inTree);
      const tool = run.tool.driver.name;
      const items = (run.results ?? []).map((result, index) => ({
        ref: { input: input.name, run: runIndex, index, tool, ruleId: ruleIdOf(result, run) },
        result,
        run,
        located: locator.locate(result),
      }));
      return { input, runIndex, items, artifacts: run.artifacts === undefined ? undefined : locator.artifactPaths() };
    }),
  );
}

/** A run's files: those it lists with those its results name, or the tree's scope when it lists none. */
function coverageOf(run: RunInput, blamed: BlamedFiles): string[] {
  const named = run.items.flatMap((i) => ('place' in i.located ? [i.located.place.path] : []));
  return [...new Set([...(run.artifacts ?? blamed.scoped), ...named])];
}

function summariseRun(run: RunInput, blamed: BlamedFiles, findings: AttributedFinding[], apart: ApartFinding[]): RunSummary {
  const own: AttributedFinding[] = [];
  for (const item of run.items) {
    const outcome = classify(item, blamed);
    if ('reason' in outcome) apart.push(outcome);
    else own.push(outcome);
  }
  findings.push(...own);
  const log = run.input.log.runs[run.runIndex];
  const failed = (log?.invocations ?? []).some((i) => !i.executionSuccessful);
  const files = coverageOf(run, blamed);
  return {
    input: run.input.name,
    run: run.runIndex,
    tool: log?.tool.driver.name ?? '',
    version: log?.tool.driver.version ?? log?.tool.driver.semanticVersion ?? null,
    results: run.items.length,
    counted: own.length,
    complete: !failed && Array.isArray(log?.results),
    coverage: run.artifacts === undefined ? 'tree' : 'artifacts',
    files: exposureOf(files, blamed.files).files,
    density: densityOf(own, exposureOf(files, blamed.files)),
  };
}

function totalsOf(findings: readonly AttributedFinding[], apart: readonly ApartFinding[]): FindingsReport['totals'] {
  const reasons: FindingsReport['totals']['apart'] = {};
  for (const a of apart) reasons[a.reason] = (reasons[a.reason] ?? 0) + 1;
  const ai = findings.filter((f) => f.countedAs === 'ai').length;
  return {
    results: findings.length + apart.length,
    attributed: findings.length,
    ai,
    noAgent: findings.length - ai,
    mixed: findings.filter((f) => f.class === 'mixed').length,
    apart: reasons,
  };
}

function runWarnings(runs: readonly RunSummary[]): ScanWarning[] {
  return runs
    .filter((r) => !r.complete)
    .map((r) => ({
      code: 'INCOMPLETE_INPUT' as const,
      message: `${r.input} run ${r.run} (${r.tool}): the scanner did not complete its run (or reported no results array); its findings may be partial`,
    }));
}

/** Each input with every result's attribution added in `properties.aiprov`, nothing else changed. */
function enrich(inputs: readonly SarifInput[], findings: readonly AttributedFinding[], apart: readonly ApartFinding[]): SarifInput[] {
  const key = (x: { input: string; run: number; index: number }): string => `${x.input}\u0000${x.run}\u0000${x.index}`;
  const byResult = new Map<string, Record<string, unknown>>();
  for (const f of findings)
    byResult.set(key(f), {
      class: f.class,
      countedAs: f.countedAs,
      agents: f.agents,
      models: f.models,
      commits: f.commits,
      lines: f.lines,
      confidence: f.confidence,
    });
  for (const a of apart) byResult.set(key(a), { apart: a.reason });
  return inputs.map((input) => {
    const log = structuredClone<Log>(input.log);
    log.runs.forEach((run, r) => {
      (run.results ?? []).forEach((result, index) => {
        const attribution = byResult.get(key({ input: input.name, run: r, index }));
        if (attribution) result.properties = { ...(result.properties ?? {}), aiprov: attribution };
      });
    });
    return { name: input.name, log };
  });
}
