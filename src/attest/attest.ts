import type { KeyObject } from 'node:crypto';
import type { AnalyserFactory } from '../authorship/analyse.js';
import { openScan } from '../authorship/scan.js';
import type { CommitReport } from '../authorship/types.js';
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
      // The commit's own report, and the summary of the history it closes; the blame of its tree.
      const session = await openScan({ context: options.context, range: commit });
      let own: CommitReport | null = null;
      for await (const c of session.commits()) if (c.sha === commit) own = c;
      // By agent and model together too: an inventory built from verified attestations alone (collect --verified-only) needs both.
      const blame = await blameTree({ context: options.context, rev: commit, contributors: true });
      predicate = authorshipPredicate({
        commit,
        attestedAt: options.context.clock.now(),
        range: commit,
        scanSummary: session.summary.result(),
        commitReport: own,
        blame,
      });
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
