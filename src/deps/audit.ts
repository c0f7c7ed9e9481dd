import path from 'node:path';
import { lstat, realpath, stat } from 'node:fs/promises';
import { readRegularFile } from '../kernel/files.js';
import type { AnalyserFactory } from '../authorship/analyse.js';
import type { ScanWarning } from '../authorship/types.js';
import type { Clock } from '../kernel/clock.js';
import { mapPool } from '../kernel/concurrency.js';
import type { Environment } from '../kernel/environment.js';
import { UsageError } from '../kernel/errors.js';
import { globPattern } from '../kernel/glob.js';
import type { HistoryReader, NotesReader, TreeReader } from '../git/types.js';
import { envelope, type Envelope } from '../kernel/schemas.js';
import { capFor, collectDependencies, TEXT_CAP, type ReadResult } from './extract/collect.js';
import { commandDependencies } from './extract/commands.js';
import { findIntroductions, key } from './introduced.js';
import { canonicalName, isValidName } from './names.js';
import { RegistryBreaker } from './registry/breaker.js';
import { CachedRegistry } from './registry/cache.js';
import { DEFAULT_HTTP } from './registry/http.js';
import { NpmRegistry } from './registry/npm.js';
import { loadNpmConfig } from './registry/npmrc.js';
import { CratesRegistry, GoProxy, PypiRegistry } from './registry/others.js';
import type { Lookup, PackageRegistry } from './registry/types.js';
import { depsSettings, type DepsConfig, type DepsSettings } from './settings.js';
import { evaluate, evaluateInvalidName } from './signals.js';
import { judgeTyposquat } from './typosquat/judge.js';
import { shippedPopularity } from './typosquat/popularity.js';
import { decide, tally, type Outcome } from '../policy/decision.js';
import type { DependencyReport, Ecosystem, FoundDependency, Introduction, Severity, Verdict } from './types.js';
import { compareStrings } from '../kernel/sorted.js';
import type { ConfigTrust } from '../kernel/trust.js';

export interface DepsReport extends Envelope<'dependencyAudit'> {
  /** The repository audited; null for names given on the command line. */
  repository: { root: string; head: string | null } | null;
  checkedAt: string;
  failOn: Severity;
  dependencies: DependencyReport[];
  summary: DepsSummary;
  warnings: ScanWarning[];
  /** Set by whoever decides on the report: names that could not be checked were accepted (`--allow-unknown`). */
  allowUnknown?: boolean;
}

export interface DepsSummary {
  dependencies: number;
  byVerdict: Record<Verdict, number>;
  /** Unsuppressed findings by severity. */
  findings: Record<Severity, number>;
  suppressed: number;
  /** Names that could not be checked (registry unreachable, offline cache miss). */
  unknown: number;
  /** URLs, paths and VCS references: not registry packages, not looked up. */
  notLookedUp: number;
  /** Names of ecosystems left out with `deps.skip` / `--skip`. */
  skipped: number;
  /** Manifests, lockfiles and texts that could not be read whole (a warning names each): their names went unchecked. */
  unreadFiles: number;
  /** Unsuppressed findings at or above `failOn` on names the registry answered for (an unknown name is undecided, whatever the offline check hinted). */
  failing: number;
}

/** The part of a Context (context/context.ts) checking names needs: the `deps:` settings, the environment, the clock. */
export interface DepsContext extends ConfigTrust {
  config: { deps?: DepsConfig };
  env: Environment;
  clock: Clock;
}

/** ... and auditing a repository: the repository and the analyser that says who introduced each name. */
export interface AuditContext extends DepsContext {
  git: HistoryReader & TreeReader & NotesReader;
  analyser: AnalyserFactory;
}

interface CommonOptions {
  /** Overrides of the config's `deps:` settings. */
  settings?: Partial<DepsSettings>;
  offline?: boolean;
  cacheDir?: string;
  /** Registry clients to use instead of the real ones (tests, embedding). */
  registries?: Partial<Record<Ecosystem, PackageRegistry>>;
  /** Directory of the project `.npmrc` (default: the repository root, or the cwd for names). */
  npmrcDir?: string;
  /** Called as names are checked (`done` of `total`), for a progress display. */
  onProgress?: (done: number, total: number) => void;
}

export interface AuditOptions extends CommonOptions {
  context: AuditContext;
  /** Skip finding the commit that introduced each name. */
  history?: boolean;
}

/** `aiprov deps audit`: every dependency name in the repository, checked against its registry. */
export async function auditRepository(options: AuditOptions): Promise<DepsReport> {
  const { context } = options;
  const { git } = context;
  const settings = settingsOf(context, options.settings);
  const warnings: ScanWarning[] = [];
  const head = (await git.head()).sha;
  // A bare repository has no work tree: its dependencies are those of HEAD.
  const all = git.bare ? (head ? (await git.listTree(head)).filter((f) => f.kind === 'file').map((f) => f.path) : []) : await git.workTreeFiles();
  const files = excluded(all, settings, warnings);
  const { found, unread } = await collectDependencies(files, (wanted) =>
    git.bare && head ? git.readFiles(head, wanted) : readWorkTree(git.root, wanted, warnings),
  );
  for (const u of unread) warnings.push({ code: 'FILE_NOT_READ', message: `${u.file} ${u.reason}: its dependencies were not checked` });
  let introductions = new Map<string, Introduction>();
  if (options.history !== false && head !== null) {
    const wanted = new Map<string, { ecosystem: Ecosystem; name: string }[]>();
    for (const d of found) if (!d.local) wanted.set(d.source.file, [...(wanted.get(d.source.file) ?? []), d]);
    introductions = await findIntroductions(git, context.analyser, wanted, warnings);
    // In a shallow clone a name older than the boundary seems added by the boundary commit: who added it is not known.
    const boundary = new Set(await git.shallowBoundary());
    if (boundary.size > 0) {
      const cut = [...introductions].filter(([, intro]) => boundary.has(intro.sha));
      for (const [k] of cut) introductions.delete(k);
      warnings.push({
        code: 'SHALLOW',
        message: `shallow clone (history stops at ${[...boundary].map((s) => s.slice(0, 12)).join(', ')}): the commit that introduced ${cut.length === 1 ? '1 name' : `${cut.length} names`} is not known, so none is named; fetch the whole history (actions/checkout with fetch-depth: 0, or git fetch --unshallow) to know it`,
      });
    }
  }
  const reports = await checkFound(
    found,
    settings,
    context,
    { ...options, npmrcDir: options.npmrcDir ?? git.root },
    (d) => introductions.get(key(d.source.file, d.ecosystem, d.name)),
    warnings,
  );
  return buildReport({ root: git.root, head }, reports, settings, context.clock, warnings, unread.length);
}

export interface ChangeAuditOptions extends CommonOptions {
  context: AuditContext;
  base: string;
  head: string;
}

/**
 * The names a change introduces (`base..head`): dependencies the head's
 * changed manifests, lockfiles and install commands name that the same files
 * at the base did not, checked against their registries. Its cost is the
 * change's: only the files the range touched are read, at both ends.
 */
export async function auditChange(options: ChangeAuditOptions): Promise<DepsReport> {
  const { context } = options;
  const { git } = context;
  const settings = settingsOf(context, options.settings);
  const warnings: ScanWarning[] = [];
  const changed = excluded(await git.changedBetween(options.base, options.head), settings, warnings);
  // Only the changed files are read, but a changed requirements file may include one that did not change.
  const tracked = async (rev: string) => new Set((await git.listTree(rev)).filter((f) => f.kind === 'file').map((f) => f.path));
  const at = async (rev: string) =>
    collectDependencies(changed, async (wanted) => new Map<string, ReadResult>(await git.readFiles(rev, wanted)), await tracked(rev));
  const [now, before] = [await at(options.head), await at(options.base)];
  for (const u of now.unread) warnings.push({ code: 'FILE_NOT_READ', message: `${u.file} ${u.reason}: its dependencies were not checked` });
  const identity = (d: FoundDependency): string => `${d.ecosystem}\u0000${d.local ? `local:${d.local}` : canonicalName(d.ecosystem, d.name)}`;
  const known = new Set(before.found.map(identity));
  const introduced = now.found.filter((d) => !known.has(identity(d)));
  const reports = await checkFound(introduced, settings, context, { ...options, npmrcDir: options.npmrcDir ?? git.root }, () => undefined, warnings);
  return buildReport({ root: git.root, head: options.head }, reports, settings, context.clock, warnings, now.unread.length);
}

export interface NameCheckOptions extends CommonOptions {
  context: DepsContext;
  names: readonly string[];
  ecosystem: Ecosystem;
  /** A text file (a chat answer, a README) whose install commands name the packages. */
  fromText?: string;
}

/** `aiprov deps check NAME…`: names from anywhere. */
export async function checkNames(options: NameCheckOptions): Promise<DepsReport> {
  const { context, names } = options;
  const settings = settingsOf(context, options.settings);
  const found: FoundDependency[] = names.map((name, i) => {
    if (!isValidName(options.ecosystem, name)) throw new UsageError(`'${name}' is not a valid ${options.ecosystem} package name`);
    return { ecosystem: options.ecosystem, name, spec: '', source: { file: '<command line>', line: i + 1, kind: 'command' } };
  });
  if (options.fromText !== undefined) {
    const file = options.fromText;
    const full = path.resolve(context.env.cwd, file);
    const info = await stat(full).catch(() => {
      throw new UsageError('no such file or unreadable', { field: 'fromText', value: file, code: 'BAD_PATH' });
    });
    if (!info.isFile()) throw new UsageError('is not a regular file', { field: 'fromText', value: file, code: 'BAD_PATH' });
    if (info.size > TEXT_CAP)
      throw new UsageError(`is ${info.size} bytes, larger than the ${TEXT_CAP / 1024 / 1024} MiB read for a text`, {
        field: 'fromText',
        value: file,
        code: 'BAD_PATH',
      });
    // Read capped and without blocking, whatever the file became since it was looked at (a FIFO would wait for ever).
    const read = await readRegularFile(full, TEXT_CAP);
    if (!read.ok) throw new UsageError(read.problem, { field: 'fromText', value: file, code: 'BAD_PATH' });
    const text = read.bytes.toString('utf8');
    // Chat answers are prose: their commands are in code blocks, like Markdown.
    const asFile = /\.(?:sh|bash|ya?ml|ipynb)$/.test(file) || path.basename(file).startsWith('Dockerfile') ? file : `${file}.md`;
    found.push(...commandDependencies(asFile, text, file));
  }
  if (found.length === 0) throw new UsageError('no package names to check');
  const warnings: ScanWarning[] = [];
  const reports = await checkFound(found, settings, context, { ...options, npmrcDir: options.npmrcDir ?? context.env.cwd }, () => undefined, warnings);
  return buildReport(null, reports, settings, context.clock, warnings);
}

async function checkFound(
  found: FoundDependency[],
  settings: DepsSettings,
  context: DepsContext,
  options: CommonOptions & { npmrcDir: string },
  introducedBy: (d: FoundDependency) => Introduction | undefined,
  warnings: ScanWarning[],
): Promise<DependencyReport[]> {
  const { clock } = context;
  const groups = new Map<string, FoundDependency[]>();
  for (const d of found) {
    const k = `${d.ecosystem}\u0000${d.local ? `local:${d.local}` : canonicalName(d.ecosystem, d.name)}`;
    groups.set(k, [...(groups.get(k) ?? []), d]);
  }
  const { clients, breakers } = await registryClients(settings, context, options, warnings);
  const entries = [...groups.values()];
  let done = 0;
  const checked = (report: DependencyReport): DependencyReport => {
    options.onProgress?.(++done, entries.length);
    return report;
  };
  const reports = await mapPool(entries, settings.concurrency, async (deps): Promise<DependencyReport> => checked(await checkGroup(deps)));
  warnings.push(...registryWarnings(breakers, reports, settings));
  return reports;

  async function checkGroup(deps: FoundDependency[]): Promise<DependencyReport> {
    const first = deps[0] as FoundDependency;
    const intro = pickIntroduction(deps.map(introducedBy));
    const extras = [...new Set(deps.flatMap((d) => d.extras ?? []))].sort();
    const base = {
      ecosystem: first.ecosystem,
      name: first.name,
      spec: first.spec,
      ...(extras.length > 0 ? { extras } : {}),
      sources: deps.map((d) => d.source).sort((a, b) => compareStrings(a.file, b.file) || a.line - b.line),
      ...(intro ? { introducedBy: intro } : {}),
    };
    if (settings.skip.includes(first.ecosystem))
      return {
        ...base,
        verdict: 'unknown',
        findings: [],
        unknownSignals: [],
        skipped: true,
        error: `${first.ecosystem} is skipped (deps.skip or --skip): not looked up`,
      };
    if (first.local) {
      return {
        ...base,
        verdict: 'unknown',
        findings: [],
        unknownSignals: [],
        local: first.local,
        error: `not a registry package (${first.local}); not looked up`,
      };
    }
    // Never requested: the name would become part of a registry URL.
    if (!isValidName(first.ecosystem, first.name))
      return { ...base, ...evaluateInvalidName({ ecosystem: first.ecosystem, name: first.name, settings, now: clock.now() }) };
    const lookup: Lookup = await clients[first.ecosystem].lookup(first.name);
    const now = clock.now();
    const typo = judgeTyposquat({ ecosystem: first.ecosystem, name: first.name, ...(lookup.status === 'found' ? { info: lookup.info } : {}), now });
    const popularity = shippedPopularity(first.ecosystem);
    const evaluation = evaluate({
      ecosystem: first.ecosystem,
      name: first.name,
      lookup,
      typo,
      settings,
      now,
      shipped: { rank: popularity?.rank(first.name), downloads: popularity?.downloads(first.name) },
      versions: [...new Set(deps.map((d) => d.spec.replace(/^[=v]+/, '')))],
      extras,
    });
    return { ...base, ...evaluation };
  }
}

/** The AI introduction if there is one (the salient fact), else the first known. */
function pickIntroduction(intros: (Introduction | undefined)[]): Introduction | undefined {
  const known = intros.filter((i): i is Introduction => i !== undefined);
  return known.find((i) => i.ai) ?? known[0];
}

async function registryClients(
  settings: DepsSettings,
  context: DepsContext,
  options: CommonOptions & { npmrcDir: string },
  warnings: ScanWarning[],
): Promise<{ clients: Record<Ecosystem, PackageRegistry>; breakers: RegistryBreaker[] }> {
  const http = { ...DEFAULT_HTTP, timeoutMs: settings.timeoutMs, retries: settings.retries, sleep: (ms: number) => context.clock.sleep(ms) };
  const { config: npmConfig, warnings: npmrcWarnings } = await loadNpmConfig(options.npmrcDir, context.env, context.trustRepoConfig);
  for (const message of npmrcWarnings) warnings.push({ code: 'REPOSITORY_CONFIG_NOT_USED', message });
  const real: Record<Ecosystem, PackageRegistry> = {
    npm: options.registries?.npm ?? new NpmRegistry(npmConfig, http, settings.registries.npmDownloads, settings.privateScopes),
    pypi: options.registries?.pypi ?? new PypiRegistry(settings.registries.pypi, http),
    go: options.registries?.go ?? new GoProxy(settings.registries.go, http),
    cargo: options.registries?.cargo ?? new CratesRegistry(settings.registries.crates, http),
  };
  const { vars, home } = context.env;
  const cacheDir = options.cacheDir ?? path.join(vars.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'aiprov', 'registry');
  const { clock } = context;
  // The breaker sits behind the cache: a registry that is down still lets cached answers through.
  const breakers = {
    npm: new RegistryBreaker(real.npm),
    pypi: new RegistryBreaker(real.pypi),
    go: new RegistryBreaker(real.go),
    cargo: new RegistryBreaker(real.cargo),
  };
  const wrap = (client: PackageRegistry): PackageRegistry =>
    new CachedRegistry(client, cacheDir, settings.cacheTtlHours * 3_600_000, options.offline === true, clock);
  return {
    clients: { npm: wrap(breakers.npm), pypi: wrap(breakers.pypi), go: wrap(breakers.go), cargo: wrap(breakers.cargo) },
    breakers: Object.values(breakers),
  };
}

/** The `deps:` settings with the caller's overrides; `exclude` globs add up (the config's and `--exclude`'s). */
function settingsOf(context: DepsContext, overrides: Partial<DepsSettings> = {}): DepsSettings {
  const base = depsSettings(context.config.deps, context);
  return { ...base, ...overrides, exclude: [...base.exclude, ...(overrides.exclude ?? [])] };
}

/**
 * The files left after `deps.exclude` / `--exclude` (globs as for blame's
 * `--exclude`: a pattern without `/` matches the name in any directory). A
 * file left out is not read, so its names are neither findings nor unknown;
 * how many were left out is said. A requirements file still includes an
 * excluded one: what it names is what the manifest installs.
 */
function excluded(files: readonly string[], settings: DepsSettings, warnings: ScanWarning[]): string[] {
  if (settings.exclude.length === 0) return [...files];
  const patterns = settings.exclude.map((glob) => {
    try {
      return globPattern(glob);
    } catch {
      throw new UsageError(`deps.exclude: '${glob}' is not a glob aiprov can read`, { field: 'exclude', value: glob });
    }
  });
  const kept = files.filter((f) => !patterns.some((p) => p.test(f)));
  if (kept.length < files.length)
    warnings.push({
      code: 'EXCLUDED',
      message: `${files.length - kept.length} file${files.length - kept.length === 1 ? '' : 's'} left out by deps.exclude or --exclude (${settings.exclude.join(', ')})`,
    });
  return kept;
}

const REGISTRY_NAMES: Record<Ecosystem, string> = { npm: 'the npm registry', pypi: 'PyPI', go: 'the Go module proxy', cargo: 'crates.io' };

/** One line per registry that did not answer, and per ecosystem skipped: the per-name detail is in the report's dependencies. */
function registryWarnings(breakers: RegistryBreaker[], reports: DependencyReport[], settings: DepsSettings): ScanWarning[] {
  const warnings: ScanWarning[] = [];
  for (const breaker of breakers) {
    const down = breaker.unreachable();
    if (!down) continue;
    const names = `${down.names} name${down.names === 1 ? '' : 's'}`;
    warnings.push({
      code: 'REGISTRY_UNREACHABLE',
      message: `${REGISTRY_NAMES[breaker.ecosystem]} (${breaker.origin}) unreachable: ${names} not checked (${down.reason}); the JSON report lists them; --skip ${breaker.ecosystem} (or deps.skip) leaves ${breaker.ecosystem} out`,
    });
  }
  for (const ecosystem of settings.skip) {
    const n = reports.filter((d) => d.skipped === true && d.ecosystem === ecosystem).length;
    if (n > 0)
      warnings.push({ code: 'ECOSYSTEM_SKIPPED', message: `${ecosystem} skipped (deps.skip or --skip): ${n} name${n === 1 ? '' : 's'} not looked up` });
  }
  return warnings;
}

function buildReport(
  repository: DepsReport['repository'],
  dependencies: DependencyReport[],
  settings: DepsSettings,
  clock: Clock,
  warnings: ScanWarning[],
  unreadFiles = 0,
): DepsReport {
  dependencies.sort((a, b) => compareStrings(a.ecosystem, b.ecosystem) || compareStrings(a.name, b.name));
  const byVerdict: Record<Verdict, number> = { ok: 0, warn: 0, suspicious: 0, hallucinated: 0, malicious: 0, unknown: 0 };
  for (const d of dependencies) byVerdict[d.verdict]++;
  const { bySeverity: findings, suppressed } = tally(
    dependencies.flatMap((d) => d.findings),
    settings.failOn,
  );
  // A name the registry could not answer for is undecided, whatever the offline check hinted (auditDecision).
  const { failing } = tally(
    dependencies.filter((d) => d.verdict !== 'unknown').flatMap((d) => d.findings),
    settings.failOn,
  );
  const notLookedUp = dependencies.filter((d) => d.local !== undefined).length;
  const skipped = dependencies.filter((d) => d.skipped === true).length;
  return {
    ...envelope('dependencyAudit'),
    repository,
    checkedAt: clock.now().toISOString(),
    failOn: settings.failOn,
    dependencies,
    summary: {
      dependencies: dependencies.length,
      byVerdict,
      findings,
      suppressed,
      unknown: byVerdict.unknown - notLookedUp - skipped,
      notLookedUp,
      skipped,
      unreadFiles,
      failing,
    },
    warnings,
  };
}

/**
 * Text files of the work tree, read as git sees them: a symbolic link is a
 * link, and its target is never opened (a committed `requirements.txt ->
 * /etc/passwd` must not send local user names to a registry), nor is a file
 * whose real path leaves the repository through a linked directory. Each one
 * refused is a warning naming it. A file over its cap (extract/collect.ts) is
 * not read at all, and says so.
 */
async function readWorkTree(root: string, files: string[], warnings: ScanWarning[]): Promise<Map<string, ReadResult>> {
  const texts = new Map<string, ReadResult>();
  const realRoot = await realpath(root);
  await mapPool(files, 32, async (file) => {
    const full = path.join(root, file);
    const info = await lstat(full).catch(() => undefined);
    if (info?.isSymbolicLink()) {
      warnings.push({ code: 'SYMLINK_NOT_FOLLOWED', message: `${file} is a symbolic link: not followed, its target was not read` });
      return;
    }
    if (!info?.isFile()) return;
    if (info.size > capFor(file)) {
      texts.set(file, { unread: `is ${info.size} bytes, larger than the ${capFor(file) / 1024 / 1024} MiB read for such a file` });
      return;
    }
    const real = await realpath(full).catch(() => undefined);
    if (real === undefined || (real !== realRoot && !real.startsWith(realRoot + path.sep))) {
      warnings.push({ code: 'OUTSIDE_REPOSITORY', message: `${file} resolves outside the repository (${real ?? 'unresolvable'}): not read` });
      return;
    }
    // Read capped and without blocking, whatever the file became since it was looked at.
    const read = await readRegularFile(full, capFor(file));
    texts.set(file, read.ok ? read.bytes.toString('utf8') : { unread: read.problem });
  });
  return texts;
}

/** The policy layer's decision on a report: fail at the threshold; could not decide when names went unchecked (unless allowed). */
export function auditDecision(report: DepsReport, allowUnknown: boolean): Outcome {
  // Accepting what could not be checked does not accept what the offline check found on it (a typosquat while the registry was down).
  const offline = allowUnknown
    ? tally(
        report.dependencies.filter((d) => d.verdict === 'unknown' && d.skipped !== true).flatMap((d) => d.findings),
        report.failOn,
      ).failing
    : 0;
  return decide({ failing: report.summary.failing + offline, undecided: report.summary.unknown + report.summary.unreadFiles, allowUndecided: allowUnknown });
}
