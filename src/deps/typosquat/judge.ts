import { canonicalName } from '../names.js';
import type { PackageInfo } from '../registry/types.js';
import type { Ecosystem } from '../types.js';
import { KNOWN_CONFUSIONS } from './confusions.js';
import { shippedIndex, type TyposquatMatch } from './index.js';
import { shippedPopularity, type Popularity } from './popularity.js';

export interface TyposquatJudgement {
  /** The popular name it is probably a typo of. */
  target: string;
  /** How the two differ, in words. */
  how: string;
  /** `high`: a typosquat; `medium`: it looks like one, but the registry says it is an established package (`established` says how). */
  severity: 'high' | 'medium';
  established?: string;
}

/**
 * A name with at least this share of its target's monthly downloads (and at
 * least MIN_DOWNLOADS) is a package in its own right, not a typo of the
 * target: typosquats live on mistakes, one or two in ten thousand of the real
 * one's downloads (`crossenv` had 10,500 a month against cross-env's 60
 * million, 1.8 in ten thousand; `expres` 41,000 against express's 300
 * million, 1.4; `mongose` 3,300 against mongoose's 18 million, 1.8).
 */
export const ESTABLISHED_SHARE = 0.0002;
export const MIN_DOWNLOADS = 1_000;
/**
 * Scope confusion is also how packages moved into their organisation's scope
 * (`babel-plugin-transform-typescript` before `@babel/…`, `jest-globals`):
 * the old name keeps a smaller share, so a tenth of the share clears it.
 */
export const ESTABLISHED_SHARE_SCOPE_MOVE = ESTABLISHED_SHARE / 10;
/** Registry evidence of an established package, when no downloads are known: years, versions, a repository. */
const ESTABLISHED_AGE_DAYS = 3 * 365;
const ESTABLISHED_VERSIONS = 20;

export interface JudgeInput {
  ecosystem: Ecosystem;
  name: string;
  /** What the registry said of the name, when it answered. */
  info?: PackageInfo;
  now: Date;
  /** Measurement only (scripts/typosquat-precision.mjs): judge on structure alone, without clearing established names. */
  structureOnly?: boolean;
}

/**
 * Whether `name` is a typosquat: a known confusion, or one slip away from a
 * protected name (typosquat/index.ts) and not established itself, by the
 * shipped popularity data (offline, so the check holds when the registry
 * cannot answer) or by the registry's downloads. Registry evidence without
 * downloads (age, versions, a repository) lowers the finding to medium rather
 * than clearing it: a patient attacker can age a package.
 */
export function judgeTyposquat(input: JudgeInput): TyposquatJudgement | undefined {
  const { ecosystem, name, info } = input;
  const confusion = KNOWN_CONFUSIONS.find((c) => c.ecosystem === ecosystem && canonicalName(ecosystem, c.name) === canonicalName(ecosystem, name));
  if (confusion) return { target: confusion.meant, how: confusion.why, severity: 'high' };
  const match = shippedIndex(ecosystem)?.check(name);
  if (!match) return undefined;
  const popularity = shippedPopularity(ecosystem);
  if (popularity && input.structureOnly !== true && establishedBy(popularity, name, match, info?.monthlyDownloads)) return undefined;
  const evidence = info ? registryEvidence(info, input.now) : undefined;
  return evidence ? { ...match, severity: 'medium', established: evidence } : { ...match, severity: 'high' };
}

/** Established by popularity: PyPI's top 15,000 are; on npm, enough downloads against the target's. */
export function establishedBy(popularity: Popularity, name: string, match: TyposquatMatch, registryDownloads?: number): boolean {
  if (popularity.ecosystem === 'pypi') return popularity.rank(name) !== undefined;
  const downloads = registryDownloads ?? popularity.downloads(name);
  const targetDownloads = popularity.downloads(match.target);
  if (downloads === undefined || targetDownloads === undefined) return false;
  const share = match.rule === 'scope' ? ESTABLISHED_SHARE_SCOPE_MOVE : ESTABLISHED_SHARE;
  return downloads >= MIN_DOWNLOADS && downloads >= share * targetDownloads;
}

function registryEvidence(info: PackageInfo, now: Date): string | undefined {
  if (info.securityHolding || info.unpublished || info.created === undefined || !info.repository) return undefined;
  const ageDays = (now.getTime() - Date.parse(info.created)) / 86_400_000;
  if (!(ageDays >= ESTABLISHED_AGE_DAYS && info.versionCount >= ESTABLISHED_VERSIONS)) return undefined;
  return `first published ${info.created.slice(0, 10)}, ${info.versionCount} versions, source ${info.repository}`;
}
