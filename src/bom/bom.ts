import type { BlameCache } from '../blame/groups-cache.js';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { addCitations } from './citations.js';
import type { AnalyserFactory } from '../authorship/analyse.js';
import { openScan } from '../authorship/scan.js';
import type { ScanWarning } from '../authorship/types.js';
import { blameTree } from '../blame/blame.js';
import type { Clock } from '../kernel/clock.js';
import type { DepsReport } from '../deps/audit.js';
import { BomError, UsageError } from '../kernel/errors.js';
import { contentUuid } from '../kernel/uuid.js';
import type { HistoryReader, NotesReader, RepositoryConfig, TreeReader } from '../git/types.js';
import { buildBom, type AttestationRef, type BomRepository } from './build.js';
import { buildSpdx3, type Spdx3Input } from './spdx3.js';
import { spdx3Problems } from './spdx3-validate.js';
import { SPEC_VERSIONS, type SpecVersion } from './validate.js';
import { ProvenanceTally } from './facts.js';
import { mergedSpec, mergeInto, sbomSpec } from './merge.js';
import { assertValidBom, bomProblems } from './validate.js';

export interface BomContext {
  git: HistoryReader & TreeReader & NotesReader & Pick<RepositoryConfig, 'configValues'>;
  analyser: AnalyserFactory;
  clock: Clock;
}

export interface BomOptions {
  context: BomContext;
  /** The revision described (default HEAD). */
  rev?: string;
  /** Count only what came after this revision: commits of `since..rev`, lines introduced after it. */
  since?: string;
  spec?: SpecVersion;
  /** A dependency audit of the same repository at `rev` (run now, or read from a file). */
  deps?: DepsReport;
  attestations?: AttestationRef[];
  /** An existing CycloneDX SBOM (parsed JSON) to enrich instead of writing a document of our own; `file` names it in errors. */
  merge?: { sbom: Record<string, unknown>; file: string };
  /** No timestamp, a serial number derived from the content: the same state and options give the same bytes. */
  reproducible?: boolean;
  /** CycloneDX (the default) or SPDX 3.0.1 JSON-LD with the AI profile. */
  format?: 'cyclonedx' | 'spdx3';
  /** Per model: how many files (occurrences) and commits (pedigree) are listed. */
  caps?: { files?: number; commits?: number };
  /** `git blame`'s answers kept between runs (blame/groups-cache.ts); none: every file blamed afresh. */
  cache?: BlameCache;
  jobs?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface BomResult {
  /** The CycloneDX version, or SPDX's. */
  spec: SpecVersion | 'SPDX-3.0.1';
  /** The document, valid against the official schema of `spec`. */
  bom: Record<string, unknown>;
  /** Its bytes as written. */
  text: string;
  summary: string;
  warnings: ScanWarning[];
}

export const DEFAULT_CAPS = { files: 1000, commits: 1000 };

/**
 * `aiprov bom`: the CycloneDX AI-BOM of a revision. The history of the range
 * is read once (a streamed scan, aggregated as it goes) and the tree blamed
 * once, side by side; the document is validated before it is returned.
 */
export async function generateBom(options: BomOptions): Promise<BomResult> {
  const { git } = options.context;
  const asked = options.spec ?? '1.6';
  if (!SPEC_VERSIONS.includes(asked))
    throw new UsageError(`is not a CycloneDX version aiprov writes (${SPEC_VERSIONS.join(', ')})`, { field: 'spec', value: asked });
  const caps = { ...DEFAULT_CAPS, ...options.caps };
  for (const [name, value] of Object.entries(caps)) {
    if (!Number.isInteger(value) || value < 0)
      throw new UsageError('must be a whole number, 0 or more', { field: name === 'files' ? 'filesCap' : 'commitsCap', value: String(value) });
  }
  if (options.format === 'spdx3' && options.merge) throw new UsageError('enriches a CycloneDX SBOM; the SPDX 3 document is written whole', { field: 'merge' });
  // The SBOM to enrich is checked first: a wrong file should not cost a blame of the whole tree.
  let spec = asked;
  if (options.merge) {
    const theirs = sbomSpec(options.merge.sbom, options.merge.file);
    const problems = await bomProblems(JSON.stringify(options.merge.sbom), theirs as SpecVersion | '1.5');
    if (problems.length > 0)
      throw new BomError('BOM_INPUT_INVALID', `SBOM ${options.merge.file} does not validate against CycloneDX ${theirs}: ${problems.join('; ')}`);
    spec = mergedSpec(theirs, asked);
  }
  const revSpec = options.rev ?? 'HEAD';
  const rev = await git.resolveCommit(revSpec);
  const since = options.since === undefined ? null : await git.resolveCommit(options.since);
  if (options.deps) checkDepsReport(options.deps, git.root, rev);

  const watched = new Set((options.deps?.dependencies ?? []).flatMap((d) => (d.introducedBy?.ai === true ? [d.introducedBy.sha] : [])));
  const tally = new ProvenanceTally(caps, watched);
  const scanning = (async () => {
    const session = await openScan({ context: options.context, range: since === null ? rev : `${since}..${rev}` });
    for await (const commit of session.commits()) tally.addCommit(commit);
    return session.warnings;
  })();
  const [scanWarnings, blame, repository] = await Promise.all([
    scanning,
    blameTree({
      context: options.context,
      rev,
      ...(since !== null ? { since } : {}),
      contributors: true,
      ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.cache ? { cache: options.cache } : {}),
    }),
    describeRepository(options.context.git, rev, revSpec, since, options.since ?? null),
  ]);
  const provenance = tally.result(blame);
  const input = {
    spec,
    repository,
    provenance,
    ...(options.deps ? { deps: options.deps } : {}),
    ...(options.attestations ? { attestations: options.attestations } : {}),
    timestamp: options.reproducible === true ? null : options.context.clock.now(),
  };
  if (options.format === 'spdx3') return spdx3Bom(input, [...scanWarnings, ...blame.warnings]);
  const built = buildBom(input);
  const body = options.merge ? mergeInto(options.merge.sbom, built, spec, options.merge.file) : built;
  const kept = typeof body.serialNumber === 'string' ? body.serialNumber : undefined;
  const linked = linkAffects(withSerial(body, kept ?? (options.reproducible === true ? contentSerial(body) : `urn:uuid:${randomUUID()}`)));
  // 1.7 can say which evidence each model and each AI-introduced dependency rests on; 1.6 stays as it was.
  const bom =
    spec === '1.7'
      ? addCitations(linked, {
          models: provenance.models,
          ...(options.deps ? { auditedAt: options.deps.checkedAt } : {}),
          // A reproducible BOM has no time of its own: its citations carry the commit's, as its annotation does.
          timestamp: (input.timestamp ?? new Date(repository.commitTime)).toISOString(),
        })
      : linked;
  const text = `${JSON.stringify(bom, null, 2)}\n`;
  await assertValidBom(text, spec);
  const annotations = bom.annotations as { text: string }[];
  return { spec, bom, text, summary: annotations.at(-1)?.text ?? '', warnings: dedupe([...scanWarnings, ...blame.warnings]) };
}

/**
 * The same facts as SPDX 3.0.1 (spdx3.ts), checked against SPDX's published
 * schema before it is returned. Its namespace is a fresh UUID, or, for a
 * reproducible document, one derived from its content.
 */
function spdx3Bom(input: Omit<Spdx3Input, 'namespace'>, warnings: ScanWarning[]): BomResult {
  const base = `https://aiprov.dev/spdx/${encodeURIComponent(input.repository.name)}/${input.repository.commit}`;
  const namespace = input.timestamp === null ? `${base}/${contentUuid(JSON.stringify(buildSpdx3({ ...input, namespace: base })))}` : `${base}/${randomUUID()}`;
  const document = buildSpdx3({ ...input, namespace });
  const problems = spdx3Problems(document);
  if (problems.length > 0)
    throw new BomError('BOM_INVALID', `the SPDX 3.0.1 document does not validate against SPDX's schema (a bug in aiprov): ${problems.join('; ')}`);
  const p = input.provenance;
  const summary = `SPDX 3.0.1: ${p.models.length} model${p.models.length === 1 ? '' : 's'}, ${p.agents.length} agent${p.agents.length === 1 ? '' : 's'}, ${p.aiLines} of ${p.lines} lines AI-written`;
  return { spec: 'SPDX-3.0.1', bom: document, text: `${JSON.stringify(document, null, 2)}\n`, summary, warnings: dedupe(warnings) };
}

/** A dependency report reused from the same pipeline must be of this repository at this commit: else the BOM would describe two states at once. */
export function checkDepsReport(report: DepsReport, root: string, rev: string): void {
  if (report.repository === null) throw new BomError('BOM_INPUT_MISMATCH', 'the dependency report is of names given on the command line, not of a repository');
  if (path.resolve(report.repository.root) !== path.resolve(root)) {
    throw new BomError('BOM_INPUT_MISMATCH', `the dependency report is of ${report.repository.root}, not of ${root}`);
  }
  if (report.repository.head !== rev) {
    throw new BomError('BOM_INPUT_MISMATCH', `the dependency report is of commit ${report.repository.head ?? '(none)'}, not of ${rev}: audit the same commit`);
  }
}

/** The serial number of a reproducible BOM: an RFC 4122 UUID (version 5 layout) from the SHA-256 of the content. */
export function contentSerial(body: Record<string, unknown>): string {
  const content = Object.fromEntries(Object.entries(body).filter(([key]) => key !== 'serialNumber'));
  return `urn:uuid:${contentUuid(JSON.stringify(content))}`;
}

/**
 * Each vulnerability's `affects` as a BOM-Link to the component in this very
 * document (`urn:cdx:<serial>/<version>#<bom-ref>`): GUAC reads an affected
 * package only in that form, the purl after the `#`, and refuses the whole
 * document otherwise. Done after the serial number is fixed (a reproducible
 * one is derived from the plain references).
 */
function linkAffects(bom: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(bom.vulnerabilities)) return bom;
  const prefix = `urn:cdx:${String(bom.serialNumber).slice('urn:uuid:'.length)}/${String(bom.version)}#`;
  for (const v of bom.vulnerabilities as { source?: { name?: string }; affects?: { ref: string }[] }[]) {
    // Only aiprov's own: a merged SBOM's vulnerabilities stay as they were written.
    if (v.source?.name !== 'aiprov') continue;
    for (const affect of v.affects ?? []) if (!affect.ref.startsWith('urn:cdx:')) affect.ref = `${prefix}${affect.ref}`;
  }
  return bom;
}

/** The serial number goes where the spec lists it: after specVersion. */
function withSerial(body: Record<string, unknown>, serialNumber: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    // The library's normalised form holds the key, unset; a merged SBOM's own is put back in its place.
    if (key === 'serialNumber') continue;
    out[key] = value;
    if (key === 'specVersion') out.serialNumber = serialNumber;
  }
  return out;
}

async function describeRepository(
  git: BomContext['git'],
  rev: string,
  revSpec: string,
  since: string | null,
  sinceSpec: string | null,
): Promise<BomRepository> {
  const [urls, times] = await Promise.all([git.configValues('remote.origin.url'), git.commitTimes([rev])]);
  const vcsUrl = urls[0] === undefined ? null : publicUrl(urls[0]);
  const fromUrl = vcsUrl === null ? undefined : /([^/:]+?)(?:\.git)?\/?$/.exec(vcsUrl)?.[1];
  const seconds = times.get(rev) ?? 0;
  return { name: fromUrl ?? path.basename(git.root), vcsUrl, commit: rev, revSpec, since, sinceSpec, commitTime: new Date(seconds * 1000).toISOString() };
}

/**
 * A remote URL as it may be published: credentials a CI checkout writes into
 * it (`https://x-access-token:…@github.com/…`) are removed; scp-like
 * addresses (`git@host:org/repo`) are written as ssh URLs.
 */
export function publicUrl(raw: string): string | null {
  const scp = /^([^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(raw);
  const scheme = /^[a-z][a-z0-9+.-]*$/i.test(raw.split(':')[0] ?? '');
  try {
    const url = new URL(scp && !scheme ? `ssh://${scp[2] ?? ''}/${scp[3] ?? ''}` : raw);
    url.username = '';
    url.password = '';
    return url.protocol === 'file:' ? null : url.toString();
  } catch {
    return null;
  }
}

function dedupe(warnings: ScanWarning[]): ScanWarning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = `${w.code}\u0000${w.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
