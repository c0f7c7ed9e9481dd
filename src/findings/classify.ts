import type { Result, Run } from 'sarif';
import type { BlamedFiles } from './blame-files.js';
import type { Located, Place } from './locate.js';
import { levelOf, securitySeverityOf, whyNotCounted } from './sarif.js';
import type { ApartFinding, AttributedFinding, FindingClass, ResultRef } from './types.js';

/** One result of one run, located: what classify needs of it. */
export interface LocatedResult {
  ref: ResultRef;
  result: Result;
  run: Run;
  located: Located;
}

/** A result as attributed, or the reason it is counted apart. */
export function classify(item: LocatedResult, blamed: BlamedFiles): AttributedFinding | ApartFinding {
  const { ref, result, run, located } = item;
  const notCounted = whyNotCounted(result);
  if (notCounted) return { ...ref, reason: notCounted, uri: 'place' in located ? located.place.path : (located.uri ?? null) };
  if ('apart' in located) return { ...ref, reason: located.apart, uri: located.uri ?? null };
  const { place } = located;
  if (blamed.binary.has(place.path)) return { ...ref, reason: 'binary', uri: place.path };
  const lines = linesOf(place, blamed);
  if (lines === undefined) return { ...ref, reason: 'beyond-end', uri: place.path };
  return {
    ...ref,
    level: levelOf(result, run),
    securitySeverity: securitySeverityOf(result, run) ?? null,
    path: place.path,
    startLine: place.startLine,
    endLine: place.endLine,
    ...lines,
    fingerprint: fingerprintOf(result),
  };
}

type Lines = Pick<AttributedFinding, 'class' | 'countedAs' | 'agent' | 'model' | 'contributor' | 'agents' | 'models' | 'commits' | 'lines' | 'confidence'>;

/** Who wrote each line of the region (up to the end of the file); undefined when its first line is past the end. */
function linesOf(place: Place, blamed: BlamedFiles): Lines | undefined {
  const first = blamed.index.at(place.path, place.startLine);
  if (first === undefined) return undefined;
  const agents = new Set<string>();
  const models = new Set<string>();
  const commits = new Set<string>();
  let ai = 0;
  let noAgent = 0;
  let inferred = false;
  for (let line = place.startLine; line <= place.endLine; line++) {
    const author = line === place.startLine ? first : blamed.index.at(place.path, line);
    if (author === undefined) break;
    commits.add(author.sha);
    if (author.agent === null) {
      noAgent++;
      continue;
    }
    ai++;
    for (const a of author.agents) agents.add(a);
    for (const m of author.models) models.add(m);
    if (author.confidence === 'inferred') inferred = true;
  }
  const kind: FindingClass = ai > 0 && noAgent > 0 ? 'mixed' : ai > 0 ? 'ai' : 'no-agent';
  return {
    class: kind,
    countedAs: first.agent === null ? 'no-agent' : 'ai',
    agent: first.agent,
    model: first.model,
    contributor: first.contributor,
    agents: [...agents].sort(),
    models: [...models].sort(),
    commits: [...commits].sort(),
    lines: { ai, noAgent },
    confidence: ai === 0 ? null : inferred ? 'inferred' : 'declared',
  };
}

/** The first of the result's partial fingerprints, else of its fingerprints, as `name=value`: what matches it across revisions. */
export function fingerprintOf(result: Result): string | null {
  for (const bag of [result.partialFingerprints, result.fingerprints]) {
    const entry = Object.entries(bag ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))[0];
    if (entry && typeof entry[1] === 'string') return `${entry[0]}=${entry[1]}`;
  }
  return null;
}
