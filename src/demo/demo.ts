import type { ScanReport } from '../authorship/types.js';
import { scanHistory } from '../authorship/scan.js';
import { blameTree } from '../blame/blame.js';
import type { BlameReport } from '../blame/types.js';
import { openContext, type ContextOptions } from '../context/context.js';
import { envelope, type Envelope } from '../schemas.js';
import { buildSampleRepository } from './run.js';
import { demoRegistry } from './registry.js';
import { auditRepository, type DepsReport } from '../deps/audit.js';
import { generateBom } from '../bom/bom.js';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The demo's whole result: where the sample was built, its scan, its blame and its dependency audit (schemas/demo-report.schema.json). */
export interface DemoReport extends Envelope<'demoReport'> {
  repository: string;
  scan: ScanReport;
  blame: BlameReport;
  deps: DepsReport;
  /** The CycloneDX AI-BOM of the sample, written next to its files. */
  bom: DemoBom;
}

export interface DemoBom {
  file: string;
  specVersion: string;
  serialNumber: string;
  summary: string;
  models: number;
  agents: number;
  libraries: number;
}

/** Where the demo writes the sample's AI-BOM, inside the sample (kept out of git status by .git/info/exclude). */
export const DEMO_BOM_FILE = 'aiprov-bom.cdx.json';

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
  const result = await generateBom({ context, deps, reproducible: true });
  const file = path.join(repository, DEMO_BOM_FILE);
  await writeFile(`${file}.tmp`, result.text);
  await rename(`${file}.tmp`, file);
  await appendFile(await context.git.gitPath('info/exclude'), `${DEMO_BOM_FILE}\n`);
  const components = result.bom.components as { type: string; 'bom-ref': string }[];
  const bom: DemoBom = {
    file, specVersion: result.spec, serialNumber: String(result.bom.serialNumber), summary: result.summary,
    models: components.filter((c) => c.type === 'machine-learning-model').length,
    agents: components.filter((c) => c['bom-ref'].startsWith('agent:')).length,
    libraries: components.filter((c) => c.type === 'library').length,
  };
  return { ...envelope('demoReport'), repository, scan, blame, deps, bom };
}
