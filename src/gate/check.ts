import { missingRecords, missingRecordsReason, type MissingRecords, type RecordsConfig } from './records-required.js';
import { sharedKey } from '../blame/attribute.js';
import { AnalyserFactory } from '../authorship/analyse.js';
import type { SignatureDef } from '../authorship/signature-types.js';
import type { ScanWarning } from '../authorship/types.js';
import { attributeChange, type ChangeAttribution, type ChangedFile } from '../blame/change.js';
import type { BlameContext } from '../blame/blame.js';
import { GitError } from '../kernel/errors.js';
import { envelope, type Envelope } from '../kernel/schemas.js';
import type { CommitRecord } from '../git/types.js';
import { compareStrings } from '../kernel/sorted.js';
import { classify, compileRules, type RuleMatch } from './classify.js';
import { DEFAULT_ESCALATE, effectiveRules, requiredReviewers, type ReviewConfig, type RiskConfig } from './config.js';
import type { RiskRule } from './rules.js';
import { scanSecrets, type SecretFinding } from './secrets.js';
import { changeReach, coveringReviews, globMatches, wrote, type Review, type ReviewReach } from './coverage.js';
import { gatherReviews } from './evidence.js';
import { forgeTeams, type ForgeApprovals } from './forge-reviews.js';
import type { SignatureReader } from '../git/types.js';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { scanChange } from '../findings/change.js';
import type { SarifInput } from '../findings/sarif.js';
import { newAiFindings, type FindingsConfig, type FindingsVerdict } from './scanner-findings.js';

export type { Review } from './coverage.js';
import { auditChange, type AuditContext, type DepsReport } from '../deps/audit.js';
import type { DepsConfig, DepsSettings } from '../deps/settings.js';
import { decide, type Outcome } from '../policy/decision.js';
import { atOrAbove, type Severity } from '../policy/severity.js';
import type { Ecosystem, Verdict } from '../deps/types.js';

/** What the change's content calls for; the outcome adds whether it could be decided at all. */
export type GateDecision = 'pass' | 'needs-review' | 'fail';

export interface CheckContext extends BlameContext, AuditContext {
  git: AuditContext['git'] & SignatureReader;
  analyser: AnalyserFactory;
}

export interface CheckPolicy {
  /** The base's own agent signatures (in-house agents and bots): who counts as an agent is the base's to say too. */
  signatures?: SignatureDef[];
  risk?: RiskConfig;
  review?: ReviewConfig;
  /** The base's `records:` requirements (where AI work must carry line records). */
  records?: RecordsConfig;
  /** The base's `output:` presentation options. */
  output?: { commentMaxHunks: number };
  /** The base's `deps:` thresholds and suppressions (its registry hosts are never taken from the repository). */
  deps?: DepsConfig;
  /** The base's `findings:` thresholds for scanner findings in AI-written lines. */
  findings?: FindingsConfig;
  /** Where it came from, for messages and the report. */
  source: string;
}

export interface CheckOptions {
  context: CheckContext;
  /** The revision the change is measured against (the pull request's target): its policy is the one applied. */
  base: string;
  head?: string;
  /** Reads the policy from the base revision's `.aiprov.yml` (never the head's): the caller knows how configs are read. */
  policyAt: (base: string) => Promise<CheckPolicy>;
  /** How the introduced names are looked up (tests and offline runs); `allowUnknown` accepts names no registry answered for. */
  deps?: { registries?: Parameters<typeof auditChange>[0]['registries']; offline?: boolean; cacheDir?: string; allowUnknown?: boolean };
  /**
   * The forge whose approvals to read, once the base's policy (or the
   * caller's `forge`) names one: the pull request's approvals, or why they
   * cannot be consulted here (no pull request known: not a failure to read).
   */
  forgeFor?: (forge: 'github' | 'gitlab') => ForgeApprovals | { notConsulted: string };
  /** The forge to read when the base's policy names none (`--forge`). */
  forge?: 'github' | 'gitlab';
  /** Keyless review signers chain to this root (default: Sigstore's public-good root). */
  trustedRoot?: TrustedRoot;
  /** A code scanner's logs of the head (and of the base, to tell old findings from new), for `findings.new-in-ai-lines`. */
  findings?: { head: SarifInput[]; base?: SarifInput[]; sourceRoot: string };
}

/** A dependency the change introduced that the audit flags, or could not check. */
export interface IntroducedDependency {
  ecosystem: Ecosystem;
  name: string;
  verdict: Verdict;
  file: string;
  line: number;
  /** An agent wrote the line that names it. */
  ai: boolean;
  findings: string[];
}

/** A run of consecutive AI-written lines of one file that falls under a risk rule (for the gate's configuration: any change to the file). */
export interface RiskyHunk {
  path: string;
  startLine: number;
  endLine: number;
  agents: string[];
  /** The commits of the change that wrote it. */
  commits: string[];
  rule: string;
  tier: Severity;
  title: string;
  rationale: string;
  /** What matched: the glob, or the pattern with the line it matched on. */
  because: string;
  codeguard: string[];
  /** Needs a person's review under the policy (its tier is escalated). */
  escalated: boolean;
  /** The reviews that cover it (none: it is waiting for one). */
  reviewedBy: string[];
  /** Who may review it, when the policy's review.require names reviewers for its path (people, team:<name>). */
  reviewers?: string[];
}

export interface CheckReport extends Envelope<'checkReport'> {
  base: string;
  head: string;
  policySource: string;
  decision: GateDecision;
  /** The policy layer's answer (policy/decision.ts): the decision, or undecided when introduced names could not be checked and nothing failed. */
  outcome: Outcome;
  reasons: string[];
  change: { commits: number; aiCommits: number; lines: number; aiLines: number; aiShare: number; byAgent: Record<string, number> };
  hunks: RiskyHunk[];
  secrets: (SecretFinding & { ai: boolean })[];
  dependencies: { introduced: number; failing: IntroducedDependency[]; unknown: IntroducedDependency[]; failOn: string };
  /** Why the gate could not decide (names no registry answered for): exit 2, unless the change fails anyway. */
  couldNotDecide: string | null;
  reviews: Review[];
  /** With scanner logs: the findings the change's AI-written lines introduced, under `findings.new-in-ai-lines`. */
  scannerFindings?: FindingsVerdict;
  /** With the base's `records.require`: the AI commits without the line records it requires (each makes the change wait for a person). */
  records?: { missing: MissingRecords[]; unread?: string[] };
  /** What a dashboard counts: findings by severity and by rule (escalated hunks at their tier, secrets and flagged dependencies as critical and high). */
  metrics: { escalations: number; waiting: number; findingsBySeverity: Record<Severity, number>; findingsByRule: Record<string, number> };
  escalate: Severity[];
  /** Presentation options from the policy (the markdown report's length). */
  output?: { commentMaxHunks: number };
  /** The rules in force (the base's policy), for help text and control mappings in SARIF and the dashboard. */
  rules: RiskRule[];
  warnings: ScanWarning[];
}

/**
 * The gate for a change (a pull request's `base..head`), in one pass: who
 * wrote each added line, which AI-written hunks fall under the risk rules,
 * secrets in the added lines, the human reviews the commits carry, and the
 * decision: `fail` (a secret), `needs-review` (an escalated hunk no valid
 * review covers), else `pass`. The policy is the base's: a change cannot
 * weaken its own gate, and a change to the gate's configuration is itself a
 * critical-tier hunk.
 */
export async function checkChange(options: CheckOptions): Promise<CheckReport> {
  const { git } = options.context;
  const { base, head } = await changeRange(git, options);
  const policy = await options.policyAt(base);
  // The analyser the change is judged with knows the base's agent signatures, not the checkout's.
  const context: CheckContext =
    policy.signatures && policy.signatures.length > 0
      ? { ...options.context, analyser: options.context.analyser.withSignatures(policy.signatures) }
      : options.context;
  const rules = effectiveRules(policy.risk, policy.source);
  const escalate = policy.review?.escalate ?? [...DEFAULT_ESCALATE];

  const commits = await changeCommits(git, base, head);
  const attribution = await attributeChange({ context, base, head });
  const analysed = context.analyser.open(attribution.warnings);
  await analysed.load(new Set(commits.map((c) => c.sha)));
  const aiCommits = commits.filter((c) => analysed.analyse(c).ai).length;
  const { unrecorded, recordsUnread, judged: recordsJudged } = await recordsState(git, analysed, commits, policy, attribution.warnings);

  const shas = commits.map((c) => c.sha);
  const requirements = requiredReviewers(policy.review, policy.source);
  const forge = forgeOf(options, policy);
  const evidence = await gatherReviews({
    git,
    analyser: context.analyser,
    commits,
    base,
    head,
    review: policy.review,
    source: policy.source,
    ...(forge.source ? { forge: forge.source } : {}),
    ...(options.trustedRoot ? { trustedRoot: options.trustedRoot } : {}),
    now: options.context.clock.now(),
    warnings: attribution.warnings,
  });
  if (forge.source) evidence.unread.push(...(await forgeTeams(forge.source, evidence.reviews, new Set(requirements.flatMap((r) => [...r.reviewers])))));
  if (forge.notConsulted !== undefined) attribution.warnings.push({ code: 'FORGE_NOT_CONSULTED', message: forge.notConsulted });
  const hunks = changeHunks(attribution, rules, policy.source, escalate, head, shas);
  applyReviews(hunks, evidence.reviews, requirements, changeReach(commits));
  const reviews = ownWorkSaid(evidence.reviews, hunks, changeReach(commits));
  const scanner = options.findings
    ? await scannerVerdict(git, { base, head }, options.findings, attribution.files, policy.findings, evidence.reviews, changeReach(commits))
    : undefined;

  const secretsFound = await scanSecrets(attribution.files.map((f) => ({ path: f.path, lines: f.added })));
  const aiLineSet = new Set(attribution.files.flatMap((f) => f.added.filter((l) => l.agents.length > 0).map((l) => `${f.path}\0${l.line}`)));
  const secrets = secretsFound.map((s) => ({ ...s, ai: aiLineSet.has(`${s.path}\0${s.line}`) }));
  const audit = await auditChange({ context, base, head, settings: depsSettings(policy.deps), ...withoutAllow(options.deps) });
  const dependencies = introducedFindings(audit, aiLineSet);
  const verdict = judge(
    hunks,
    secrets,
    dependencies,
    audit.failOn,
    options.deps?.allowUnknown === true,
    attribution.unread,
    evidence.unread,
    recordsJudged,
    scanner,
  );

  return {
    ...envelope('checkReport'),
    base,
    head,
    policySource: policy.source,
    decision: verdict.decision,
    outcome: verdict.outcome,
    reasons: verdict.reasons,
    change: { commits: commits.length, aiCommits, ...changeTotals(attribution.files) },
    hunks,
    secrets,
    dependencies: { ...dependencies, introduced: audit.dependencies.length, failOn: audit.failOn },
    couldNotDecide: verdict.couldNotDecide,
    reviews,
    ...(policy.records?.require ? { records: { missing: unrecorded, ...(recordsUnread.length > 0 ? { unread: recordsUnread } : {}) } } : {}),
    ...(scanner ? { scannerFindings: scanner } : {}),
    metrics: findingMetrics(hunks, secrets, dependencies.failing, verdict.waiting, scanner),
    escalate,
    rules,
    ...(policy.output ? { output: policy.output } : {}),
    warnings: [...attribution.warnings, ...audit.warnings],
  };
}

/** The AI commits the base's records.require holds: without the records, or with notes that could not be read whole. */
async function recordsState(
  git: CheckContext['git'],
  analysed: Parameters<typeof missingRecords>[1],
  commits: CommitRecord[],
  policy: CheckPolicy,
  warnings: readonly ScanWarning[],
): Promise<{ unrecorded: MissingRecords[]; recordsUnread: string[]; judged: { count: number; reason: string; unread: string[]; source: string } }> {
  const required = await missingRecords(git, analysed, commits, policy.records, policy.source);
  // A commit whose notes could not be read whole may hold the records: not known, so never "missing" and never "present".
  const noteTrouble = new Set(warnings.filter((w) => w.code === 'BAD_NOTE').map((w) => w.commit));
  const unrecorded = required.filter((m) => !noteTrouble.has(m.commit));
  const recordsUnread = required.filter((m) => noteTrouble.has(m.commit)).map((m) => m.commit);
  return {
    unrecorded,
    recordsUnread,
    judged: { count: unrecorded.length, reason: missingRecordsReason(unrecorded, policy.source), unread: recordsUnread, source: policy.source },
  };
}

/** The rule findings.new-in-ai-lines on the scanner's logs of the change. */
async function scannerVerdict(
  git: CheckContext['git'],
  range: { base: string; head: string },
  logs: NonNullable<CheckOptions['findings']>,
  files: readonly ChangedFile[],
  config: FindingsConfig | undefined,
  reviews: readonly Review[],
  reach: ReviewReach,
): Promise<FindingsVerdict> {
  const scanned = await scanChange({ git, ...range, headLogs: logs.head, ...(logs.base ? { baseLogs: logs.base } : {}), sourceRoot: logs.sourceRoot });
  return newAiFindings(scanned, files, config, reviews, reach);
}

/** The change's two ends as commit ids; a base not in the clone says how to fetch it. */
async function changeRange(git: CheckContext['git'], options: CheckOptions): Promise<{ base: string; head: string }> {
  const head = await git.resolveCommit(options.head ?? 'HEAD');
  try {
    return { base: await git.resolveCommit(options.base), head };
  } catch (error) {
    if (error instanceof GitError) {
      throw new GitError(
        'BAD_REVISION',
        `base ${options.base} is not in this clone, so the change cannot be measured (a shallow checkout? fetch the base: actions/checkout with fetch-depth: 0, or git fetch origin ${options.base.replace(/^origin\//, '')})`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** The change's commits, newest first; a shallow clone cut inside the change is refused (the cut commit would seem to add whole files). */
async function changeCommits(git: CheckContext['git'], base: string, head: string): Promise<CommitRecord[]> {
  const inRange = await git.listCommits(`${base}..${head}`);
  const boundary = new Set(await git.shallowBoundary());
  const cut = inRange.find((sha) => boundary.has(sha));
  if (cut !== undefined)
    throw new GitError(
      'SHALLOW_REPOSITORY',
      `the history between the base ${base.slice(0, 12)} and ${head.slice(0, 12)} is cut at ${cut.slice(0, 12)} (a shallow clone), so who wrote the change cannot be told: fetch it whole (actions/checkout with fetch-depth: 0, or git fetch --unshallow)`,
    );
  const commits: CommitRecord[] = [];
  for await (const c of git.logCommits(inRange)) commits.push(c);
  return commits;
}

/** The AI-written hunks under the rules, and the gate's own configuration whoever changed it and however (a deletion too). */
function changeHunks(
  attribution: ChangeAttribution,
  rules: RiskRule[],
  source: string,
  escalate: readonly Severity[],
  head: string,
  shas: string[],
): RiskyHunk[] {
  const compiled = compileRules(rules, source);
  const byId = new Map<string, RiskRule>(rules.map((r) => [r.id, r]));
  const hunks: RiskyHunk[] = [];
  for (const file of attribution.files) hunks.push(...riskyHunks(file, compiled, byId, escalate));
  const anyAuthor = compiled.filter((c) => c.rule.anyAuthor === true);
  for (const path of attribution.changed) {
    const all = attribution.files.find((f) => f.path === path)?.added ?? [];
    for (const m of classify(anyAuthor, { path, lines: all.length > 0 ? all : [{ line: 0, text: '' }] })) {
      if (hunks.some((h) => h.path === path && h.rule === m.rule)) continue;
      const hunk = hunkOf(path, all.length > 0 ? all : [{ line: 0, text: '', sha: head, agents: [], models: [] }], m, byId.get(m.rule), escalate);
      hunk.commits = all.length > 0 ? hunk.commits : shas;
      if (all.length === 0) hunk.because = `the file matches ${m.matched} (lines removed)`;
      hunks.push(hunk);
    }
  }
  return hunks;
}

/** Each hunk's reviewers (when the policy names who may review its path) and the valid reviews that cover it; each requirement must be met. */
function applyReviews(hunks: RiskyHunk[], reviews: readonly Review[], requirements: ReturnType<typeof requiredReviewers>, reach: ReviewReach): void {
  const named = (review: Review, r: (typeof requirements)[number]): boolean => review.names.some((n) => r.reviewers.has(n));
  for (const hunk of hunks) {
    const applying = requirements.filter((r) => r.include.some((g) => globMatches(g, hunk.path)) && !r.exclude.some((g) => globMatches(g, hunk.path)));
    if (applying.length > 0) hunk.reviewers = [...new Set(applying.flatMap((r) => r.names))];
    const valid = coveringReviews({ commits: hunk.commits, path: hunk.path }, reviews, reach);
    const met = applying.every((r) => valid.some((v) => named(v, r)));
    hunk.reviewedBy = met ? [...new Set(valid.filter((v) => applying.length === 0 || applying.some((r) => named(v, r))).map((v) => v.reviewer))] : [];
  }
}

/**
 * A review that covers no hunk because its reviewer wrote the work it would
 * cover says so in the report (`rejected`), instead of reading as an approval
 * that silently does not count. Which hunks it covers is unchanged.
 */
function ownWorkSaid(reviews: readonly Review[], hunks: readonly RiskyHunk[], reach: ReviewReach): Review[] {
  return reviews.map((r) => {
    if (r.rejected !== undefined || hunks.some((h) => h.reviewedBy.includes(r.reviewer))) return r;
    const own = hunks.flatMap((h) => h.commits).find((sha) => reach.reaches(r, sha) && wrote(reach.author(sha), r));
    return own === undefined ? r : { ...r, rejected: `by an author of the work it covers (wrote ${own.slice(0, 12)}): another person must review it` };
  });
}

/** The forge to read approvals from (the base's policy, else the caller's), and its reader or why it is not consulted. */
function forgeOf(options: CheckOptions, policy: CheckPolicy): { source?: ForgeApprovals; notConsulted?: string } {
  const forge = policy.review?.forge ?? options.forge;
  if (forge === undefined) return {};
  if (!options.forgeFor) return { notConsulted: `${forge} approvals not consulted: no pull request to read them from` };
  const made = options.forgeFor(forge);
  return 'notConsulted' in made ? { notConsulted: made.notConsulted } : { source: made };
}

/** The base's `deps:` thresholds and suppressions as audit settings (never its registry hosts). */
function depsSettings(d: DepsConfig | undefined): Partial<DepsSettings> {
  if (!d) return {};
  return {
    ...(d.failOn ? { failOn: d.failOn } : {}),
    ...(d.newPackageDays !== undefined ? { newPackageDays: d.newPackageDays } : {}),
    ...(d.minMonthlyDownloads !== undefined ? { minMonthlyDownloads: d.minMonthlyDownloads } : {}),
    ...(d.privateScopes ? { privateScopes: d.privateScopes } : {}),
    ...(d.suppressions ? { suppressions: d.suppressions } : {}),
    ...(d.requireSignals ? { requireSignals: d.requireSignals } : {}),
    ...(d.skip ? { skip: d.skip } : {}),
    ...(d.exclude ? { exclude: d.exclude } : {}),
  };
}

/** The reasons, the policy layer's outcome, and the decision the content calls for. */
function judge(
  hunks: readonly RiskyHunk[],
  secrets: readonly SecretFinding[],
  dependencies: { failing: IntroducedDependency[]; unknown: IntroducedDependency[] },
  failOn: string,
  allowUnknown: boolean,
  unread: readonly { path: string; reason: string }[],
  reviewsUnread: readonly string[] = [],
  unrecorded: { count: number; reason: string; unread: readonly string[]; source: string } = { count: 0, reason: '', unread: [], source: '' },
  scanner?: FindingsVerdict,
): { reasons: string[]; couldNotDecide: string | null; outcome: Outcome; decision: GateDecision; waiting: number } {
  const { failing, unknown } = dependencies;
  const reasons: string[] = [];
  const scanned = scannerCounts(scanner);
  reasons.push(...scanned.reasons);
  if (failing.length > 0)
    reasons.push(
      `${failing.length} introduced dependenc${failing.length === 1 ? 'y' : 'ies'} flagged at ${failOn} or above: ${failing.map((x) => `${x.ecosystem}:${x.name} (${x.verdict})`).join(', ')}`,
    );
  // A changed file nobody could read is never clean; --allow-unknown accepts unchecked names, not unread files.
  const waiting = hunks.filter((h) => h.escalated && h.reviewedBy.length === 0);
  // Approvals nobody could read matter only to work that waits for one: it might have been approved.
  const reviewsUnknown = waiting.length > 0 ? reviewsUnread : [];
  const undecided = [
    ...reviewsUnknown.map((u) => `${u}: whether the waiting work is approved is not known`),
    unread.length > 0 ? `${unread.map((u) => `${u.path} (${u.reason})`).join(', ')} could not be read whole: a change nobody could read is not clean` : '',
    unknown.length > 0 && !allowUnknown
      ? `${unknown.length} introduced name${unknown.length === 1 ? '' : 's'} could not be looked up (${unknown.map((x) => `${x.ecosystem}:${x.name}`).join(', ')}): a name nobody checked is not clean`
      : '',
    unrecorded.unread.length > 0
      ? `the notes of ${unrecorded.unread.length} AI commit${unrecorded.unread.length === 1 ? '' : 's'} where ${unrecorded.source} requires line records could not be read whole (${unrecorded.unread.map((c) => c.slice(0, 12)).join(', ')}): whether they hold the records is not known`
      : '',
    ...scanned.undecided,
  ].filter((x) => x !== '');
  const couldNotDecide = undecided.length > 0 ? undecided.join('; ') : null;
  if (secrets.length > 0)
    reasons.push(`${secrets.length} secret${secrets.length === 1 ? '' : 's'} in the added lines (${[...new Set(secrets.map((s) => s.path))].join(', ')})`);
  if (waiting.length > 0)
    reasons.push(
      `${waiting.length} AI-written hunk${waiting.length === 1 ? '' : 's'} under ${[...new Set(waiting.map((h) => h.rule))].join(', ')} without a human review`,
    );
  // AI work without the records the base requires waits for a person, as unreviewed risky work does.
  if (unrecorded.count > 0) reasons.push(unrecorded.reason);
  const outcome = decide({
    failing: secrets.length + failing.length + scanned.failing,
    undecided: unread.length + reviewsUnknown.length + (allowUnknown ? 0 : unknown.length) + unrecorded.unread.length + scanned.undecided.length,
    waiting: waiting.length + unrecorded.count + scanned.waiting,
  });
  const decision: GateDecision = outcome === 'fail' ? 'fail' : waiting.length + unrecorded.count + scanned.waiting > 0 ? 'needs-review' : 'pass';
  return { reasons, couldNotDecide, outcome, decision, waiting: waiting.length + scanned.waiting };
}

/** What the scanner's new findings in AI-written lines add to the decision: failures, work waiting for a review, runs that did not complete. */
function scannerCounts(scanner: FindingsVerdict | undefined): { failing: number; waiting: number; undecided: string[]; reasons: string[] } {
  if (!scanner) return { failing: 0, waiting: 0, undecided: [], reasons: [] };
  const failing = scanner.findings.filter((f) => f.action === 'fail');
  const waiting = scanner.findings.filter((f) => f.action === 'escalate' && f.reviewedBy.length === 0);
  const said = (list: typeof failing): string => [...new Set(list.map((f) => `${f.tool} ${f.ruleId} at ${f.path}:${f.startLine}`))].join(', ');
  const reasons = [
    failing.length > 0
      ? `${failing.length} new scanner finding${failing.length === 1 ? '' : 's'} at ${scanner.fail ?? ''} or above in AI-written lines (${said(failing)})`
      : '',
    waiting.length > 0
      ? `${waiting.length} new scanner finding${waiting.length === 1 ? '' : 's'} at ${scanner.escalate} or above in AI-written lines without a human review (${said(waiting)})`
      : '',
  ].filter((r) => r !== '');
  const undecided = scanner.incomplete.map((r) => `${r}: the scanner did not complete its run, so a finding may be missing`);
  return { failing: failing.length, waiting: waiting.length, undecided, reasons };
}

/** Added lines, those an agent wrote, and by which agent (`a+b` when several claim a line). */
function changeTotals(files: readonly ChangedFile[]): { lines: number; aiLines: number; aiShare: number; byAgent: Record<string, number> } {
  const lines = files.reduce((n, f) => n + f.added.length, 0);
  const byAgent: Record<string, number> = {};
  let aiLines = 0;
  for (const f of files) {
    for (const l of f.added) {
      if (l.agents.length === 0) continue;
      aiLines++;
      const key = sharedKey(l.agents);
      byAgent[key] = (byAgent[key] ?? 0) + 1;
    }
  }
  return { lines, aiLines, aiShare: lines === 0 ? 0 : Math.round((aiLines / lines) * 1e6) / 1e6, byAgent };
}

/** What a dashboard counts: findings by severity and by rule (hunks at their tier, secrets critical, flagged dependencies critical or high). */
function findingMetrics(
  hunks: readonly RiskyHunk[],
  secrets: readonly SecretFinding[],
  failing: readonly IntroducedDependency[],
  waiting: number,
  scanner?: FindingsVerdict,
): CheckReport['metrics'] {
  const findingsBySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  const findingsByRule: Record<string, number> = {};
  const count = (rule: string, tier: Severity): void => {
    findingsBySeverity[tier]++;
    findingsByRule[rule] = (findingsByRule[rule] ?? 0) + 1;
  };
  for (const h of hunks) count(`risk/${h.rule}`, h.tier);
  for (const x of secrets) count(`secret/${x.rule.replace('@secretlint/secretlint-rule-', '')}`, 'critical');
  for (const x of failing) count(`dependency/${x.verdict}`, x.verdict === 'hallucinated' || x.verdict === 'malicious' ? 'critical' : 'high');
  for (const x of scanner?.findings ?? []) if (x.severity !== null && x.action !== 'report') count(`scanner/${x.ruleId}`, x.severity);
  return { escalations: hunks.filter((h) => h.escalated).length, waiting, findingsBySeverity, findingsByRule };
}

/** Runs of consecutive AI-written added lines, each classified; one entry per rule that covers a run. */
function riskyHunks(file: ChangedFile, compiled: ReturnType<typeof compileRules>, rules: Map<string, RiskRule>, escalate: readonly Severity[]): RiskyHunk[] {
  const out: RiskyHunk[] = [];
  const ai = file.added.filter((l) => l.agents.length > 0);
  let run: typeof ai = [];
  const flush = (): void => {
    if (run.length === 0) return;
    for (const m of classify(compiled, { path: file.path, lines: run })) out.push(hunkOf(file.path, run, m, rules.get(m.rule), escalate));
    run = [];
  };
  for (const line of ai) {
    const last = run.at(-1);
    if (last && line.line !== last.line + 1) flush();
    run.push(line);
  }
  flush();
  return out;
}

function hunkOf(path: string, run: ChangedFile['added'], m: RuleMatch, rule: RiskRule | undefined, escalate: readonly Severity[]): RiskyHunk {
  return {
    path,
    startLine: run[0]?.line ?? m.line,
    endLine: run.at(-1)?.line ?? m.line,
    agents: [...new Set(run.flatMap((l) => l.agents))].sort(compareStrings),
    commits: [...new Set(run.map((l) => l.sha))],
    rule: m.rule,
    tier: m.tier,
    title: rule?.title ?? m.rule,
    rationale: rule?.rationale ?? '',
    because: m.reason === 'path' ? `the file matches ${m.matched}` : `line ${m.line} matches ${m.matched}`,
    codeguard: rule?.controls.codeguard ?? [],
    escalated: escalate.includes(m.tier),
    reviewedBy: [],
  };
}

function withoutAllow(deps: CheckOptions['deps']): Omit<NonNullable<CheckOptions['deps']>, 'allowUnknown'> {
  return {
    ...(deps?.registries ? { registries: deps.registries } : {}),
    ...(deps?.offline !== undefined ? { offline: deps.offline } : {}),
    ...(deps?.cacheDir !== undefined ? { cacheDir: deps.cacheDir } : {}),
  };
}

/** The audit's failing and unknown names, each placed at the line that names it, and whether an agent wrote that line. */
function introducedFindings(audit: DepsReport, aiLines: ReadonlySet<string>): { failing: IntroducedDependency[]; unknown: IntroducedDependency[] } {
  const place = (dep: DepsReport['dependencies'][number]): IntroducedDependency => {
    const source = dep.sources[0];
    const file = source?.file ?? '';
    const line = source?.line ?? 0;
    return {
      ecosystem: dep.ecosystem,
      name: dep.name,
      verdict: dep.verdict,
      file,
      line,
      ai: dep.sources.some((s) => aiLines.has(`${s.file}\0${s.line}`)),
      findings: dep.findings.filter((f) => f.suppressed === undefined).map((f) => `${f.severity} ${f.id}: ${f.message}`),
    };
  };
  const failing = audit.dependencies.filter(
    (d) => d.verdict !== 'unknown' && d.findings.some((f) => f.suppressed === undefined && atOrAbove(f.severity, audit.failOn)),
  );
  const unknown = audit.dependencies.filter((d) => d.verdict === 'unknown' && d.local === undefined && d.skipped !== true);
  return { failing: failing.map(place), unknown: unknown.map(place) };
}
