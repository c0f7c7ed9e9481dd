import type { CheckPolicy } from '../gate/check.js';
import { DEFAULT_CONFIG_FILE, parseConfig } from './load.js';

/** What the base revision's configuration says, read from git. */
export interface BasePolicyReader {
  /** The gate's policy from `.aiprov.yml` at the base revision `sha` (the defaults when there is none): checkChange's `policyAt`. */
  policyAt(sha: string): Promise<CheckPolicy>;
  /** Once the policy is read: whether the base's `output.stepSummary` lets the CI's job summary be written (default yes). */
  readonly stepSummary: boolean;
}

/**
 * The gate's policy comes from the base revision's `.aiprov.yml`, read from
 * git, never the checkout's: a pull request cannot loosen the gate it is
 * judged by. A config at the base that does not parse is an error naming it
 * (could not decide), never the defaults.
 */
export function basePolicyReader(git: { readFile(rev: string, file: string): Promise<string | undefined> }): BasePolicyReader {
  const reader = {
    stepSummary: true,
    async policyAt(sha: string): Promise<CheckPolicy> {
      const source = `${DEFAULT_CONFIG_FILE} at the base ${sha.slice(0, 12)}`;
      const text = await git.readFile(sha, DEFAULT_CONFIG_FILE);
      if (text === undefined) return { source: `the defaults (no ${DEFAULT_CONFIG_FILE} at the base ${sha.slice(0, 12)})` };
      const config = parseConfig(text, source);
      reader.stepSummary = config.output?.stepSummary !== false;
      const maxHunks = config.output?.comment?.maxHunks;
      return {
        ...(config.signatures ? { signatures: config.signatures } : {}),
        ...(maxHunks !== undefined ? { output: { commentMaxHunks: maxHunks } } : {}),
        ...(config.risk ? { risk: config.risk } : {}),
        ...(config.review ? { review: config.review } : {}),
        ...(config.records ? { records: config.records } : {}),
        ...(config.deps ? { deps: config.deps } : {}),
        ...(config.findings ? { findings: config.findings } : {}),
        source,
      };
    },
  };
  return reader;
}
