import { exceedsDepth, JSON_DEPTH_LIMIT } from '../kernel/json-depth.js';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { DepsReport } from '../deps/audit.js';
import { BomError } from '../kernel/errors.js';
import { BUNDLE_CAP, describeBytes, readRegularFile } from '../kernel/files.js';
import { validateAgainst } from '../kernel/schemas.js';
import { compareStrings } from '../kernel/sorted.js';
import type { AttestationRef } from './build.js';

/** Reports and bundles are small; a file larger than this is not one. */
const INPUT_CAP = 256 * 1024 * 1024;

/** A dependency audit report written earlier in the pipeline (`aiprov deps audit --format json`), checked against its schema. */
export async function readDepsReport(file: string): Promise<DepsReport> {
  const value = await readJsonReport(file, 'dependency report');
  const problem = validateAgainst('dependencyAudit', value);
  if (problem !== null) throw new BomError('BOM_INPUT_INVALID', `dependency report ${file} is not an aiprov dependency audit: ${problem}`);
  return value as DepsReport;
}

/** A JSON report an earlier step of the pipeline wrote (`what` names it in errors): read whole under the cap, parsed, depth-checked; its content is checked by whoever uses it. */
export async function readJsonReport(file: string, what: string): Promise<unknown> {
  const read = await readRegularFile(file, INPUT_CAP);
  if (!read.ok) throw new BomError('BOM_INPUT_INVALID', `${what} ${file}: ${read.problem}`);
  let value: unknown;
  try {
    value = JSON.parse(read.bytes.toString('utf8'));
  } catch {
    throw new BomError('BOM_INPUT_INVALID', `${what} ${file} is not JSON (${describeBytes(read.bytes.length)})`);
  }
  if (exceedsDepth(value)) throw new BomError('BOM_INPUT_INVALID', `${what} ${file} nests deeper than ${JSON_DEPTH_LIMIT} levels: not an aiprov report`);
  return value;
}

/** An SBOM to merge into: a CycloneDX JSON document (checked further by `sbomSpec` and the schema). */
export async function readSbom(file: string): Promise<Record<string, unknown>> {
  const read = await readRegularFile(file, INPUT_CAP);
  if (!read.ok) throw new BomError('BOM_INPUT_INVALID', `SBOM ${file}: ${read.problem}`);
  try {
    const value: unknown = JSON.parse(read.bytes.toString('utf8'));
    if (exceedsDepth(value))
      throw new BomError('BOM_INPUT_INVALID', `SBOM ${file} nests deeper than ${JSON_DEPTH_LIMIT} levels: refused (CycloneDX documents nest a few dozen)`);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (error) {
    if (error instanceof BomError) throw error;
    // Otherwise said below.
  }
  throw new BomError('BOM_INPUT_INVALID', `SBOM ${file} is not a CycloneDX JSON document (aiprov merges into JSON, not XML)`);
}

/**
 * The attestation bundles in `dir` (its regular files, not its
 * subdirectories), each with its SHA-256, in name order; `dir` is named as
 * given, so the BOM's references are relative where the path was.
 */
export async function readAttestations(dir: string): Promise<AttestationRef[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort(compareStrings);
  } catch (error) {
    throw new BomError('BOM_INPUT_INVALID', `attestations directory ${dir} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (names.length === 0) throw new BomError('BOM_INPUT_INVALID', `attestations directory ${dir} holds no files`);
  const refs: AttestationRef[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const read = await readRegularFile(file, BUNDLE_CAP);
    if (!read.ok) throw new BomError('BOM_INPUT_INVALID', `attestation ${file}: ${read.problem}`);
    // A path as a URI reference: spaces and the like percent-encoded, slashes kept.
    refs.push({ url: encodeURI(file.split(path.sep).join('/')), sha256: createHash('sha256').update(read.bytes).digest('hex') });
  }
  return refs;
}
