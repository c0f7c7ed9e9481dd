import { appendFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { renderCheckMarkdown } from '../render/check-markdown.js';
import { basePolicyReader } from '../config/base-policy.js';
import { ForgeError, UsageError } from '../kernel/errors.js';
import { approvalsFor, readForgeRun, unreadableApprovals, type ForgeRun } from '../ci/forge-run.js';
import type { ForgeApprovals } from '../gate/forge-reviews.js';
import { readTrustedRoot } from '../verify/trusted-root.js';
import { checkChange } from '../gate/check.js';
import { readSarifFile, type SarifInput } from '../findings/sarif.js';
import { CHECKS_REF, checkRecord, recordCheck } from '../gate/history.js';
import { FORMATS, rendererFor, type Format } from '../render/renderers.js';
import { collect, contextFor, print, readGlobals, type RawGlobals, type Register } from './globals.js';
import { exitCodeFor } from './exit.js';
import { resolvePath, type CliIo } from './io.js';

/**
 * `aiprov check`: the gate on a change. The policy is the `.aiprov.yml` of
 * the base revision, read from git, never the checkout's: a pull request
 * cannot loosen the gate it is judged by (`--config` is refused here).
 */
export const registerCheck: Register = (program, exit, io) => {
  program
    .command('check')
    .description('the review gate on a change (base..head): AI-written hunks under risk rules need a human review; secrets fail')
    .option('--base <rev>', 'the revision the change goes into (default: origin/$GITHUB_BASE_REF in a GitHub pull request)')
    .option('--head <rev>', "the change's last commit", 'HEAD')
    .option('--offline', 'look introduced dependency names up in the cache only')
    .option('--allow-unknown', 'accept introduced names no registry answered for (otherwise: exit 2, could not decide)')
    .option('--cache-dir <dir>', 'registry cache directory (default: the user cache)')
    .option('--no-record', `do not add the decision to ${CHECKS_REF} on the head commit`)
    .option('--forge <forge>', "read the pull request's approvals from github or gitlab when the base's review.forge names none")
    .option('--pull-request <n>', "the pull (merge) request whose approvals count (default: the CI run's)", positiveInteger)
    .option('--forge-api <url>', 'the forge API (default: GITHUB_API_URL / CI_SERVER_URL, else github.com / gitlab.com)')
    .option('--trusted-root <file>', 'keyless review signers chain to this Sigstore trusted_root.json (default: the public-good root)')
    .option(
      '--sarif <file>',
      "a code scanner's SARIF log of the head: its new findings in AI-written lines fall under findings.new-in-ai-lines (repeatable)",
      collect,
    )
    .option('--base-sarif <file>', "the same scanner's log of the base, so that findings the base had are not new (repeatable)", collect)
    .option('--source-root <dir>', "the directory the scanner ran in, which the logs' absolute file URIs are under (default: the repository root)")
    .option(
      '--save <format=file>',
      'also write the report in FORMAT to FILE, whatever --format says (repeatable: --save json=check.json --save markdown=check.md)',
      collect,
    )
    .action(async (flags: CheckFlags, command: Command) => {
      const raw = command.optsWithGlobals<RawGlobals>();
      if (raw.config !== undefined)
        throw new UsageError("check reads the policy from the base revision's .aiprov.yml, not from a file given (a change must not choose its own gate)", {
          field: 'config',
        });
      const options = readGlobals(raw, 'checkReport', 'check', io);
      const saves = (flags.save ?? []).map((value) => savedCopy(value, io));
      const githubBase = io.env.GITHUB_BASE_REF;
      const base = flags.base ?? (githubBase !== undefined && githubBase !== '' ? `origin/${githubBase}` : undefined);
      if (base === undefined)
        throw new UsageError('give the revision the change goes into (--base origin/main); in a GitHub pull request it is taken from GITHUB_BASE_REF');
      const context = await contextFor(options, false);
      const basePolicy = basePolicyReader(context.git);
      const deps = {
        ...(flags.offline === true ? { offline: true } : {}),
        ...(flags.allowUnknown === true ? { allowUnknown: true } : {}),
        ...(flags.cacheDir !== undefined ? { cacheDir: resolvePath(io, flags.cacheDir) } : {}),
      };
      if (flags.forge !== undefined && flags.forge !== 'github' && flags.forge !== 'gitlab')
        throw new UsageError(`--forge ${flags.forge}: expected github or gitlab`);
      const run = await readForgeRun(io.env).catch(() => undefined);
      const findings = await scannerLogs(flags, io, context.git.root);
      const report = await checkChange({
        context,
        base,
        head: flags.head,
        policyAt: (sha) => basePolicy.policyAt(sha),
        deps,
        forgeFor: (forge) => forgeReader(forge, flags, run, io),
        ...(flags.forge === 'github' || flags.forge === 'gitlab' ? { forge: flags.forge } : {}),
        ...(flags.trustedRoot !== undefined ? { trustedRoot: (await readTrustedRoot(resolvePath(io, flags.trustedRoot))).root } : {}),
        ...(findings ? { findings } : {}),
      });
      await print(options, 'checkReport', report);
      for (const save of saves) await print({ ...options, ...save }, 'checkReport', report);
      if (flags.record) await recordCheck(context.git, checkRecord(report, context.clock.now()));
      // In GitHub Actions, the job summary gets the markdown whatever --format says (appended: other steps write there too).
      const summary = io.env.GITHUB_STEP_SUMMARY;
      if (summary !== undefined && summary !== '' && basePolicy.stepSummary) await appendFile(resolvePath(io, summary), renderCheckMarkdown(report));
      // A change that fails, fails; one that holds names nobody could check is undecided, even when it also waits for a review.
      exit(exitCodeFor(report.outcome), `could not decide: ${report.couldNotDecide ?? 'see the report'}`);
    });
};

interface CheckFlags {
  base?: string;
  head: string;
  offline?: boolean;
  allowUnknown?: boolean;
  cacheDir?: string;
  record: boolean;
  save?: string[];
  forge?: string;
  pullRequest?: number;
  forgeApi?: string;
  trustedRoot?: string;
  sarif?: string[];
  baseSarif?: string[];
  sourceRoot?: string;
}

/** The scanner logs `--sarif` and `--base-sarif` name, each read whole or refused by name before anything is judged. */
async function scannerLogs(flags: CheckFlags, io: CliIo, root: string): Promise<{ head: SarifInput[]; base?: SarifInput[]; sourceRoot: string } | undefined> {
  if (!flags.sarif || flags.sarif.length === 0) {
    if (flags.baseSarif) throw new UsageError('--base-sarif needs --sarif: the log of the head is what is judged');
    return undefined;
  }
  const read = async (files: string[]): Promise<SarifInput[]> => Promise.all(files.map((f) => readSarifFile(resolvePath(io, f), f)));
  return {
    head: await read(flags.sarif),
    ...(flags.baseSarif ? { base: await read(flags.baseSarif) } : {}),
    sourceRoot: flags.sourceRoot !== undefined ? resolvePath(io, flags.sourceRoot) : root,
  };
}

/** The pull request's approvals on `forge`: the one named, else the CI run's; none known is said, not a failure. */
export function forgeReader(
  forge: 'github' | 'gitlab',
  flags: Pick<CheckFlags, 'pullRequest' | 'forgeApi'>,
  run: ForgeRun | undefined,
  io: CliIo,
): ForgeApprovals | { notConsulted: string } {
  const number = flags.pullRequest ?? (run?.forge === forge ? run.change?.number : undefined);
  // A push in CI: the forge says which pull request brought the pushed commit in.
  const pushed = run?.forge === forge ? run.push?.after : undefined;
  const change = number !== undefined ? { number } : pushed !== undefined && pushed !== '' ? { commit: pushed } : undefined;
  if (change === undefined)
    return { notConsulted: `${forge} approvals not consulted: no ${forge === 'github' ? 'pull' : 'merge'} request is known here (give --pull-request N)` };
  try {
    return approvalsFor(forge, change, io.env, flags.forgeApi !== undefined ? { apiUrl: flags.forgeApi } : {});
  } catch (error) {
    if (error instanceof ForgeError)
      return unreadableApprovals(
        forge,
        `${forge === 'github' ? 'GitHub' : 'GitLab'} ${'number' in change ? `#${change.number}` : change.commit.slice(0, 12)}`,
        error,
      );
    throw error;
  }
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^[1-9][0-9]*$/.test(value) || !Number.isSafeInteger(n)) throw new UsageError(`--pull-request ${value}: expected a pull request number`);
  return n;
}

/** `--save FORMAT=FILE`: a copy of the report in another format (CI wants the markdown for a comment and the JSON for its outputs). */
function savedCopy(value: string, io: CliIo): { format: Format; output: string } {
  const at = value.indexOf('=');
  const format = value.slice(0, at);
  const file = value.slice(at + 1);
  if (at < 1 || file === '') throw new UsageError(`--save ${value}: expected FORMAT=FILE (json=check.json)`);
  if (file === '-') throw new UsageError(`--save ${value}: give a file (standard output gets --format's report)`);
  if (!(FORMATS as readonly string[]).includes(format) || !rendererFor('checkReport', format as Format))
    throw new UsageError(`--save ${value}: check writes ${FORMATS.filter((f) => rendererFor('checkReport', f)).join(', ')}, not ${format}`);
  return { format: format as Format, output: resolvePath(io, file) };
}
