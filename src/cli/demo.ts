import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { openContext } from '../context/context.js';
import { collectDashboard } from '../dashboard/collect.js';
import { runDemo } from '../demo/demo.js';
import { demoImage } from '../demo/image.js';
import { startLocalRegistry } from '../oci/registry-process.js';
import { renderDashboardHtml } from '../render/dashboard-page.js';
import { notice, print, readGlobals, writeWhole, type RawGlobals, type Register } from './globals.js';
import { environmentOf, resolvePath } from './io.js';

export const registerDemo: Register = (program, exit, io) => {
  program
    .command('demo')
    .description(
      'build a sample repository with commits from several agents, people and bots, then run the whole pipeline on it offline and write its dashboard',
    )
    .option('--dir <dir>', 'build the sample here (a new or empty directory) instead of ./aiprov-demo')
    .action(async (opts: { dir?: string }, command: Command) => {
      const options = readGlobals(command.optsWithGlobals<RawGlobals>(), 'demoReport', 'demo', io);
      // Everything under ./aiprov-demo/ by default (a previous demo there is replaced; anything else is left alone), or under --dir.
      const dir = resolvePath(io, opts.dir ?? 'aiprov-demo');
      const configOption = options.config !== undefined ? { config: options.config } : {};
      const report = await runDemo({ dir, replacePrevious: opts.dir === undefined, ...configOption });
      notice(options, `sample repository built in ${report.repository}`);
      // Scan and blame go to one place: stdout, or --output as one document.
      await print(options, 'demoReport', report);
      // The dashboard of what was just done: the same page `aiprov report --html` makes, with the demo's audit and AI-BOM.
      const context = await openContext({ repo: report.repository, env: environmentOf(io), ...configOption });
      const data = await collectDashboard({
        context,
        now: context.clock.now(),
        deps: { report: report.deps, file: "the demo's dependency audit" },
        bom: { sbom: JSON.parse(await readFile(report.bom.file, 'utf8')) as Record<string, unknown>, file: path.basename(report.bom.file) },
      });
      const page = report.dashboard;
      await writeWhole(io, page, renderDashboardHtml(data));
      notice(options, `dashboard written to ${page}: open it in a browser (aiprov report --html makes it for any repository)`);
      // The image part needs a registry: Debian's docker-registry, started here on 127.0.0.1 and stopped after.
      const binary = io.env.AIPROV_DOCKER_REGISTRY ?? '/usr/bin/docker-registry';
      if (existsSync(binary)) {
        const registry = await startLocalRegistry(binary, path.join(report.repository, '.git', 'aiprov-demo-registry'));
        try {
          const image = await demoImage({ context, registryHost: registry.host });
          notice(
            options,
            `image ${image.image}@${image.digest}: authorship attested, attached (${image.via === 'referrers-api' ? 'referrers API' : `referrers tag ${image.digest.replace(':', '-')}`}) and read back from the registry: ${image.verified ? `verified, ${image.checks} checks passed` : 'NOT verified'}`,
          );
        } finally {
          await registry.stop();
        }
      } else {
        notice(
          options,
          `image attestations not shown: ${binary} is not installed (apt-get install docker-registry); against any registry: npx aiprov attest --image REGISTRY/APP:TAG --key KEY, then npx aiprov verify --image REGISTRY/APP:TAG --key PUB --type authorship`,
        );
      }
      exit(0);
    });
};
