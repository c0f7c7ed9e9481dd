import { execFileSync } from 'node:child_process';
import { buildBlameRepo } from '../../fixtures/blame-repo.js';
import { packument } from '../../fixtures/registry-server.js';
import { commitAt } from '../../fixtures/repos.js';
import { fixedClock } from '../../src/kernel/clock.js';
import { auditRepository, type DepsReport } from '../../src/deps/audit.js';
import { importHistory } from '../../src/git/fast-import.js';
import { ctx, tempDir } from '../helpers.js';
import { NOW, npmConfigDir, registry, settingsFor } from '../deps/helpers.js';

/** The registry the BOM tests audit against: express is real, anything else is not there. */
export const bomRegistry = (): ReturnType<typeof registry> => registry({ npm: { express: packument('express') }, downloads: { express: 90_000_000 } });

/**
 * The BOM tests' repository: fixtures/blame-repo.ts (authorship known by
 * construction), then an AI commit bringing in a real package and a
 * hallucinated one, a CI checkout's remote with a token, and its audit.
 */
export async function bomFixture(server: Awaited<ReturnType<typeof registry>>): Promise<{ repo: string; shas: string[]; deps: DepsReport }> {
  const repo = await tempDir();
  const built = await buildBlameRepo(repo);
  const added = await importHistory(repo, [
    commitAt(8, 'Serve it\n\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>\n', {
      parentShas: [built.shas.at(-1) ?? ''],
      files: { 'package.json': `${JSON.stringify({ name: 'svc', dependencies: { 'express': '5.1.0', 'in-toto-attestation': '^1.0.0' } }, null, 2)}\n` },
    }),
  ]);
  execFileSync('git', ['reset', '--quiet', '--hard', 'main'], { cwd: repo });
  // A CI checkout's remote, token and all: the BOM must name the repository without it.
  execFileSync('git', ['remote', 'add', 'origin', 'https://x-access-token:ghs_SECRET@github.com/example/blame-fixture.git'], { cwd: repo });
  const { dir, env } = await npmConfigDir(server);
  const deps = await auditRepository({
    context: await ctx(repo, { clock: fixedClock(NOW), env: { vars: env } }),
    cacheDir: await tempDir('aiprov-cache-'),
    npmrcDir: dir,
    settings: settingsFor(server),
  });
  return { repo, shas: [...built.shas, ...added], deps };
}
