import type { KeyObject } from 'node:crypto';
import type { AnalyserFactory } from '../authorship/analyse.js';
import { openScan } from '../authorship/scan.js';
import type { CommitReport, ScanReport, ScanSummary } from '../authorship/types.js';
import type { BlameReport } from '../blame/types.js';
import { validateAgainst } from '../kernel/schemas.js';
import { VERSION } from '../kernel/version.js';
import { blameTree } from '../blame/blame.js';
import { BomError } from '../kernel/errors.js';
import { checkDepsReport, generateBom, type BomContext } from '../bom/bom.js';
import { bomProblems, SPEC_VERSIONS, type SpecVersion } from '../bom/validate.js';
import type { DepsReport } from '../deps/audit.js';
import { UsageError } from '../kernel/errors.js';
import { signKeyless, signWithKey, type KeylessOptions, type SerializedBundle } from './sign.js';
import { authorshipPredicate, PREDICATE_TYPES, statement, subjects, type ArtifactDigest, type PredicateName } from './statement.js';

export interface AttestContext extends BomContext {
  analyser: AnalyserFactory;
}

export interface AttestOptions {
  context: AttestContext;
  /** The commit attested (default HEAD). */
  commit?: string;
  predicates: readonly PredicateName[];
  artifacts?: readonly ArtifactDigest[];
  /** For `deps` (and the BOM's dependencies): an audit of the same commit. */
  deps?: DepsReport;
  /** For `bom`: an AI-BOM already made of the same commit (`aiprov bom`), signed as it is instead of made again. */
  bom?: { document: Record<string, unknown>; file: string };
  /**
   * For `authorship`: a scan and a blame already made of the same commit by
   * the same aiprov (`aiprov scan --format json`, `aiprov blame
   * --contributors --format json`), used as they are instead of made again;
   * `file` names each in errors. Each is checked to be of this commit, of its
   * whole history or whole tree, with the options attest would use.
   */
  given?: { scan?: { report: ScanReport; file: string }; blame?: { report: BlameReport; file: string } };
  /** How to sign: a local key, or keyless through Sigstore. */
  signer: { privateKey: KeyObject } | { keyless: KeylessOptions };
}

export interface Attestation {
  predicate: PredicateName;
  predicateType: string;
  commit: string;
  bundle: SerializedBundle;
}

/**
 * Signed statements about a commit, one per predicate asked for, with a
 * local key. Every statement is built from what aiprov finds now at that
 * commit; nothing is signed that was not built here.
 */
export async function attestCommit(options: AttestOptions): Promise<Attestation[]> {
  const { git } = options.context;
  const commit = await git.resolveCommit(options.commit ?? 'HEAD');
  if (options.predicates.length === 0) throw new UsageError('names no predicate to attest', { field: 'predicates' });
  if (options.predicates.includes('review'))
    throw new UsageError('review attestations are made by the reviewer (the gate), not by attest', { field: 'predicates', value: 'review' });
  if (options.predicates.includes('deps') && !options.deps)
    throw new UsageError('needs a dependency audit of the commit: give {deps}', { field: 'predicates', value: 'deps' });
  if (options.deps) checkDepsReport(options.deps, git.root, commit);
  const subject = subjects(commit, options.artifacts ?? []);
  const out: Attestation[] = [];
  for (const name of [...new Set(options.predicates)]) {
    let predicate: unknown;
    if (name === 'authorship') {
      const { scanSummary, commitReport } = options.given?.scan ? givenScan(options.given.scan, commit) : await scanOf(options.context, commit);
      // By agent and model together too: an inventory built from verified attestations alone (collect --verified-only) needs both.
      const blame = options.given?.blame
        ? await givenBlame(options.context.git, options.given.blame, commit)
        : await blameTree({ context: options.context, rev: commit, contributors: true });
      predicate = authorshipPredicate({ commit, attestedAt: options.context.clock.now(), range: commit, scanSummary, commitReport, blame });
    } else if (name === 'deps') {
      predicate = options.deps;
    } else if (options.bom) {
      predicate = await givenBom(options.bom, commit);
    } else {
      // Not reproducible: the BOM's timestamp is when it was attested (freshness for key-signed bundles).
      predicate = (await generateBom({ context: options.context, rev: commit, reproducible: false, ...(options.deps ? { deps: options.deps } : {}) })).bom;
    }
    const signed = statement(subject, PREDICATE_TYPES[name], predicate);
    const bundle = 'privateKey' in options.signer ? await signWithKey(signed, options.signer.privateKey) : await signKeyless(signed, options.signer.keyless);
    out.push({ predicate: name, predicateType: PREDICATE_TYPES[name], commit, bundle });
  }
  return out;
}

/** The commit's own report, and the summary of the history it closes. */
async function scanOf(context: AttestContext, commit: string): Promise<{ scanSummary: ScanSummary; commitReport: CommitReport | null }> {
  const session = await openScan({ context, range: commit });
  let own: CommitReport | null = null;
  for await (const c of session.commits()) if (c.sha === commit) own = c;
  return { scanSummary: session.summary.result(), commitReport: own };
}

/** A scan given: by this aiprov, valid, of the whole history of this very commit (not a range, not --all). */
function givenScan(given: { report: ScanReport; file: string }, commit: string): { scanSummary: ScanSummary; commitReport: CommitReport | null } {
  const r = given.report;
  const problem = validateAgainst('scanReport', r);
  if (problem !== null) throw new BomError('BOM_INPUT_INVALID', `scan report ${given.file} is not a scan report: ${problem}`);
  if (r.tool.version !== VERSION)
    throw new BomError('BOM_INPUT_MISMATCH', `scan report ${given.file} was made by aiprov ${r.tool.version}, not ${VERSION}: make it again with this one`);
  const ofCommit = !r.range.all && ((r.range.spec === 'HEAD' && r.repository.head === commit) || r.range.spec === commit);
  if (!ofCommit)
    throw new BomError(
      'BOM_INPUT_MISMATCH',
      `scan report ${given.file} is of ${r.range.all ? '--all' : r.range.spec}${r.range.spec === 'HEAD' ? ` at ${(r.repository.head ?? '(none)').slice(0, 12)}` : ''}, not of the whole history of ${commit.slice(0, 12)}: make it with aiprov scan ${commit.slice(0, 12)} --format json`,
    );
  return { scanSummary: r.summary, commitReport: r.commits.find((c) => c.sha === commit) ?? null };
}

/** A blame given: by this aiprov, valid, of this commit's whole tree, with the options attest uses (copies detected, binary and generated files left out, agents by model). */
async function givenBlame(git: AttestContext['git'], given: { report: BlameReport; file: string }, commit: string): Promise<BlameReport> {
  const r = given.report;
  const problem = validateAgainst('blameReport', r);
  if (problem !== null) throw new BomError('BOM_INPUT_INVALID', `blame report ${given.file} is not a blame report: ${problem}`);
  const remake = `make it with aiprov blame --rev ${commit.slice(0, 12)} --contributors --format json`;
  if (r.tool.version !== VERSION)
    throw new BomError('BOM_INPUT_MISMATCH', `blame report ${given.file} was made by aiprov ${r.tool.version}, not ${VERSION}: ${remake}`);
  if (r.rev !== commit)
    throw new BomError('BOM_INPUT_MISMATCH', `blame report ${given.file} is of ${r.rev.slice(0, 12)}, not ${commit.slice(0, 12)}: ${remake}`);
  const s = r.selection;
  const whole = s !== undefined && s.paths.length === 0 && s.include.length === 0 && s.exclude.length === 0 && !s.includeAll;
  if (r.since !== null || r.detection !== 'copies' || !whole || !s.contributors)
    throw new BomError('BOM_INPUT_MISMATCH', `blame report ${given.file} is not of the whole tree with the default options and --contributors: ${remake}`);
  // Every path of the tree is either counted or left out by name: a report cut short (edited, or of other paths) is refused.
  const listed = new Set([...r.files.map((f) => f.path), ...r.excluded.map((e) => e.path)]);
  const tree = await git.listTree(commit);
  const missing = tree.find((e) => !listed.has(e.path));
  if (missing !== undefined || listed.size !== tree.length)
    throw new BomError(
      'BOM_INPUT_MISMATCH',
      `blame report ${given.file} does not account for every file of ${commit.slice(0, 12)}'s tree${missing ? ` (${missing.path})` : ''}: ${remake}`,
    );
  return r;
}

/**
 * A BOM given to be signed: valid CycloneDX of a version aiprov writes, and
 * aiprov's BOM of this very commit (its `aiprov:commit`), or refused: a
 * signature would otherwise vouch for another state of the code.
 */
async function givenBom(bom: { document: Record<string, unknown>; file: string }, commit: string): Promise<Record<string, unknown>> {
  const spec = typeof bom.document.specVersion === 'string' ? bom.document.specVersion : '';
  if (!(SPEC_VERSIONS as readonly string[]).includes(spec))
    throw new BomError('BOM_INPUT_INVALID', `BOM ${bom.file}: CycloneDX ${spec || '(no specVersion)'}; aiprov signs ${SPEC_VERSIONS.join(' or ')}`);
  const problems = await bomProblems(JSON.stringify(bom.document), spec as SpecVersion);
  if (problems.length > 0) throw new BomError('BOM_INPUT_INVALID', `BOM ${bom.file} is not valid CycloneDX ${spec}: ${problems[0] ?? ''}`);
  const component = (bom.document.metadata as { component?: { properties?: { name?: unknown; value?: unknown }[] } } | undefined)?.component;
  const described = component?.properties?.find((p) => p.name === 'aiprov:commit')?.value;
  if (described !== commit)
    throw new BomError(
      'BOM_INPUT_MISMATCH',
      `BOM ${bom.file} ${typeof described === 'string' ? `describes commit ${described.slice(0, 12)}` : 'names no commit (aiprov:commit)'}, not the attested ${commit.slice(0, 12)}: make it with aiprov bom --rev ${commit.slice(0, 12)}`,
    );
  return bom.document;
}

/** The file a bundle is written to: named after its commit and predicate. */
export function bundleFileName(a: Pick<Attestation, 'commit' | 'predicate'>): string {
  return `${a.commit.slice(0, 12)}.${a.predicate}.sigstore.json`;
}
