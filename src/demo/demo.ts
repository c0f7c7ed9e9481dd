import type { ScanReport } from '../authorship/types.js';
import { scanHistory } from '../authorship/scan.js';
import { blameTree } from '../blame/blame.js';
import type { BlameReport } from '../blame/types.js';
import { openContext, type ContextOptions } from '../context/context.js';
import { envelope, type Envelope } from '../schemas.js';
import { buildSampleRepository } from './run.js';
import { demoRegistry } from './registry.js';
import { auditRepository, type DepsReport } from '../deps/audit.js';
import path from 'node:path';

/** The demo's whole result: where the sample was built, its scan, its blame and its dependency audit (schemas/demo-report.schema.json). */
export interface DemoReport extends Envelope<'demoReport'> {
  repository: string;
  scan: ScanReport;
  blame: BlameReport;
  deps: DepsReport;
}

/**
 * Builds the sample repository (in `dir`, or a temporary directory), then
 * scans it, blames it and audits its dependencies, offline: the registry is
 * the demo's own (demo/registry.ts) and its cache lives in the sample's git
 * directory, so nothing is asked of the network or written to yours.
 */
export async function runDemo(options: { dir?: string } & Omit<ContextOptions, 'repo' | 'git'> = {}): Promise<DemoReport> {
  const { dir, ...contextOptions } = options;
  const repository = await buildSampleRepository(dir);
  const context = await openContext({ ...contextOptions, repo: repository });
  const [scan, blame] = [await scanHistory({ context }), await blameTree({ context })];
  const deps = await auditRepository({ context, registries: { npm: demoRegistry }, cacheDir: path.join(await context.git.gitPath('aiprov-demo-cache')), npmrcDir: repository });
  return { ...envelope('demoReport'), repository, scan, blame, deps };
}
