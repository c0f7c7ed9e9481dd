import type { ScanReport } from '../authorship/types.js';
import { scanHistory } from '../authorship/scan.js';
import { blameTree } from '../blame/blame.js';
import type { BlameReport } from '../blame/types.js';
import { openContext, type ContextOptions } from '../context/context.js';
import { envelope, type Envelope } from '../schemas.js';
import { buildSampleRepository } from './run.js';

/** The demo's whole result: where the sample was built, its scan and its blame (schemas/demo-report.schema.json). */
export interface DemoReport extends Envelope<'demoReport'> {
  repository: string;
  scan: ScanReport;
  blame: BlameReport;
}

/** Builds the sample repository (in `dir`, or a temporary directory), then scans and blames it, offline. */
export async function runDemo(options: { dir?: string } & Omit<ContextOptions, 'repo' | 'git'> = {}): Promise<DemoReport> {
  const { dir, ...contextOptions } = options;
  const repository = await buildSampleRepository(dir);
  const context = await openContext({ ...contextOptions, repo: repository });
  const [scan, blame] = [await scanHistory({ context }), await blameTree({ context })];
  return { ...envelope('demoReport'), repository, scan, blame };
}
