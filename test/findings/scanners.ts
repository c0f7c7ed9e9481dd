import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { ESLint } from 'eslint';
import security from 'eslint-plugin-security';
import { buildFindingsRepo, type FindingsRepo } from '../../fixtures/findings-repo.js';
import { tempDir } from '../helpers.js';

const require = createRequire(import.meta.url);
type SarifFormatter = (results: ESLint.LintResult[], data: { rulesMeta: Record<string, unknown>; cwd: string }) => string;

/** ESLint with eslint-plugin-security's recommended rules, its results written by Microsoft's SARIF formatter: a real scanner's log. */
export async function eslintSarif(dir: string, targets: string[]): Promise<string> {
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [{ plugins: { security }, rules: security.configs.recommended.rules, languageOptions: { sourceType: 'commonjs' } }],
  });
  const results = await eslint.lintFiles(targets);
  const format = require('@microsoft/eslint-formatter-sarif') as SarifFormatter;
  return format(results, { rulesMeta: eslint.getRulesMetaForResults(results), cwd: dir });
}

/** Debian's flawfinder (installed by the test set-up) on a directory, as SARIF. */
export function flawfinderSarif(dir: string, target: string): string {
  return execFileSync('flawfinder', ['--sarif', target], { cwd: dir, encoding: 'utf8' });
}

/** The findings fixture built, and both scanners' logs of its checkout (ESLint's over its JavaScript and the untracked scratch file). */
export async function scannedFixture(): Promise<{ repo: FindingsRepo; eslint: string; flawfinder: string }> {
  const repo = await buildFindingsRepo(await tempDir());
  return { repo, eslint: await eslintSarif(repo.dir, ['src', 'lib', 'scratch.js']), flawfinder: flawfinderSarif(repo.dir, 'native') };
}
