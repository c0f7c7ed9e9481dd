import type { Log, Result, Run } from 'sarif';
import { SarifError } from '../kernel/errors.js';
import { readRegularFile } from '../kernel/files.js';
import { exceedsDepth } from '../kernel/json-depth.js';
import type { Severity } from '../policy/severity.js';

/**
 * A scanner's SARIF 2.1.0 log, read whole or refused by name. Only the fields aiprov reads are checked (the log is
 * handed back enriched, so everything else is kept as it was): a field of the wrong type is an error naming the file
 * and the field's path (`runs[0].results[3].locations[0].physicalLocation.region.startLine`), never a guess.
 */
export interface SarifInput {
  /** Where it came from, as the user named it. */
  name: string;
  log: Log;
}

/** A SARIF log can be big (a monorepo's CodeQL run): 256 MiB, read once. */
export const SARIF_CAP = 256 * 1024 * 1024;

/** A SARIF log from a file, refused by name when it cannot be read whole. */
export async function readSarifFile(file: string, name = file): Promise<SarifInput> {
  const read = await readRegularFile(file, SARIF_CAP);
  if (!read.ok) throw new SarifError('SARIF_INVALID', `${name}: ${read.problem}`);
  // Some Windows tools start their UTF-8 with a byte order mark, which JSON does not allow.
  return parseSarif(read.bytes.toString('utf8').replace(/^\uFEFF/, ''), name);
}

export function parseSarif(text: string, name: string): SarifInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SarifError('SARIF_INVALID', `${name}: not JSON (${(error as Error).message})`);
  }
  if (exceedsDepth(value)) throw new SarifError('SARIF_INVALID', `${name}: nested too deep to be a SARIF log`);
  const log = object(value, name, 'the log');
  if (log.version !== '2.1.0') throw new SarifError('SARIF_INVALID', `${name}: SARIF version ${JSON.stringify(log.version ?? null)}; aiprov reads 2.1.0`);
  const runs = array(log.runs, name, 'runs');
  runs.forEach((run, i) => {
    checkRun(run, name, `runs[${i}]`);
  });
  return { name, log: log as unknown as Log };
}

function checkRun(value: unknown, name: string, at: string): void {
  const run = object(value, name, at);
  const driver = object(object(run.tool, name, `${at}.tool`).driver, name, `${at}.tool.driver`);
  if (typeof driver.name !== 'string') fail(name, `${at}.tool.driver.name`, 'is not a string');
  optionalArray(run.artifacts, name, `${at}.artifacts`)?.forEach((a, i) => {
    checkArtifactLocation(object(a, name, `${at}.artifacts[${i}]`).location, name, `${at}.artifacts[${i}].location`);
  });
  const bases = run.originalUriBaseIds === undefined ? undefined : object(run.originalUriBaseIds, name, `${at}.originalUriBaseIds`);
  for (const [id, base] of Object.entries(bases ?? {})) checkArtifactLocation(base, name, `${at}.originalUriBaseIds.${id}`);
  optionalArray(run.versionControlProvenance, name, `${at}.versionControlProvenance`)?.forEach((v, i) => {
    const vcs = object(v, name, `${at}.versionControlProvenance[${i}]`);
    if (vcs.revisionId !== undefined && typeof vcs.revisionId !== 'string') fail(name, `${at}.versionControlProvenance[${i}].revisionId`, 'is not a string');
  });
  // Results may be absent (the tool did not run, SARIF §3.14.23) or null; an array otherwise.
  if (run.results !== null)
    optionalArray(run.results, name, `${at}.results`)?.forEach((r, i) => {
      checkResult(r, name, `${at}.results[${i}]`);
    });
}

function checkResult(value: unknown, name: string, at: string): void {
  const result = object(value, name, at);
  if (result.ruleId !== undefined && typeof result.ruleId !== 'string') fail(name, `${at}.ruleId`, 'is not a string');
  optionalArray(result.locations, name, `${at}.locations`)?.forEach((l, i) => {
    const location = object(l, name, `${at}.locations[${i}]`);
    if (location.physicalLocation === undefined) return;
    const physical = object(location.physicalLocation, name, `${at}.locations[${i}].physicalLocation`);
    checkArtifactLocation(physical.artifactLocation, name, `${at}.locations[${i}].physicalLocation.artifactLocation`);
    if (physical.region === undefined) return;
    const region = object(physical.region, name, `${at}.locations[${i}].physicalLocation.region`);
    for (const field of ['startLine', 'endLine'] as const) {
      const n = region[field];
      if (n !== undefined && !(Number.isSafeInteger(n) && (n as number) >= 1))
        fail(name, `${at}.locations[${i}].physicalLocation.region.${field}`, 'is not a positive integer');
    }
  });
}

function checkArtifactLocation(value: unknown, name: string, at: string): void {
  if (value === undefined) return;
  const location = object(value, name, at);
  if (location.uri !== undefined && typeof location.uri !== 'string') fail(name, `${at}.uri`, 'is not a string');
  if (location.uriBaseId !== undefined && typeof location.uriBaseId !== 'string') fail(name, `${at}.uriBaseId`, 'is not a string');
  if (location.index !== undefined && !(Number.isSafeInteger(location.index) && (location.index as number) >= 0)) fail(name, `${at}.index`, 'is not an index');
}

function object(value: unknown, name: string, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(name, at, 'is not an object');
  return value as Record<string, unknown>;
}

function array(value: unknown, name: string, at: string): unknown[] {
  if (!Array.isArray(value)) fail(name, at, 'is not an array');
  return value as unknown[];
}

function optionalArray(value: unknown, name: string, at: string): unknown[] | undefined {
  return value === undefined ? undefined : array(value, name, at);
}

function fail(name: string, at: string, problem: string): never {
  throw new SarifError('SARIF_INVALID', `${name}: ${at} ${problem}`);
}

/** Whether a result is a finding to count: a failure (SARIF's default kind), not suppressed, not gone from the baseline. */
export function whyNotCounted(result: Result): 'suppressed' | 'not-a-failure' | 'absent' | undefined {
  if (result.kind !== undefined && result.kind !== 'fail') return 'not-a-failure';
  if (result.baselineState === 'absent') return 'absent';
  // A suppression counts unless it was rejected or is still under review (SARIF §3.35.3).
  if ((result.suppressions ?? []).some((s) => s.status === undefined || s.status === 'accepted')) return 'suppressed';
  return undefined;
}

/** The level of a result: its own, else its rule's default configuration, else `warning` (SARIF §3.27.10). */
export function levelOf(result: Result, run: Run): NonNullable<Result['level']> {
  if (result.level) return result.level;
  const rule = ruleOf(result, run);
  return rule?.defaultConfiguration?.level ?? 'warning';
}

/** GitHub's `security-severity` (a CVSS-like score, on the result's rule) as a tier, when the scanner gives one. */
export function securitySeverityOf(result: Result, run: Run): 'critical' | 'high' | 'medium' | 'low' | undefined {
  const raw = (result.properties?.['security-severity'] ?? ruleOf(result, run)?.properties?.['security-severity']) as unknown;
  const score = typeof raw === 'string' ? Number(raw) : typeof raw === 'number' ? raw : NaN;
  if (!Number.isFinite(score)) return undefined;
  return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
}

function ruleOf(result: Result, run: Run) {
  const rules = run.tool.driver.rules ?? [];
  const index = result.ruleIndex ?? result.rule?.index;
  if (index !== undefined && index >= 0 && rules[index]) return rules[index];
  const id = result.ruleId ?? result.rule?.id;
  return id === undefined ? undefined : rules.find((r) => r.id === id);
}

/**
 * A result's severity on the policy's scale, for thresholds: its rule's `security-severity` tier when the scanner
 * gives one, else its level (error high, warning medium, note low); undefined for level `none`.
 */
export function severityOf(result: Result, run: Run): Severity | undefined {
  const security = securitySeverityOf(result, run);
  if (security) return security;
  const level = levelOf(result, run);
  return level === 'error' ? 'high' : level === 'warning' ? 'medium' : level === 'note' ? 'low' : undefined;
}

/** The rule id of a result (§3.27.5: `ruleId`, else `rule.id`, else the rule at `ruleIndex`). */
export function ruleIdOf(result: Result, run: Run): string {
  return result.ruleId ?? result.rule?.id ?? ruleOf(result, run)?.id ?? '(no rule)';
}
