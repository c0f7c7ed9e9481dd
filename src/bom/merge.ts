import { PackageURL } from 'packageurl-js';
import { BomError } from '../kernel/errors.js';
import { compareStrings } from '../kernel/sorted.js';
import { REPOSITORY_REF } from './build.js';
import { SPEC_VERSIONS, type SpecVersion } from './validate.js';

type Json = Record<string, unknown>;
interface Component extends Json {
  'bom-ref'?: string;
  'purl'?: string;
  'components'?: Component[];
}
interface Dependency {
  ref: string;
  dependsOn?: string[];
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A field that should be a list, as one (an SBOM is input: a field may be missing or of another type). */
const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);

/** The spec version of an SBOM to merge into, checked to be one the AI-BOM's parts exist in (1.5 added machine-learning-model). */
export function sbomSpec(sbom: unknown, file: string): string {
  if (!isObject(sbom) || sbom.bomFormat !== 'CycloneDX')
    throw new BomError('BOM_INPUT_INVALID', `SBOM ${file} is not a CycloneDX JSON document (no "bomFormat": "CycloneDX")`);
  const spec = sbom.specVersion;
  if (typeof spec !== 'string' || !['1.5', ...SPEC_VERSIONS].includes(spec)) {
    throw new BomError(
      'BOM_INPUT_INVALID',
      `SBOM ${file} is CycloneDX ${String(spec)}; aiprov merges into 1.5, 1.6 and 1.7 (machine-learning-model components need 1.5); regenerate it with a newer spec version`,
    );
  }
  return spec;
}

/** The spec the merged document is written in: the one asked for, or the SBOM's own if that is newer. */
export function mergedSpec(sbomVersion: string, asked: SpecVersion): SpecVersion {
  return sbomVersion === '1.7' ? '1.7' : asked;
}

/**
 * The AI-BOM's content added to an existing CycloneDX SBOM, so that a team
 * publishes one document: the SBOM's components keep their bom-refs; the
 * dependencies an AI introduced are matched to its components by purl (the
 * SBOM's bom-ref is used, and the verdict added to that component); models,
 * agents and unmatched libraries are added; the project is the SBOM's own
 * `metadata.component`. As CycloneDX asks of a modified BOM, the serial
 * number is kept and the version goes up by one.
 */
export function mergeInto(sbom: Json, ours: Json, spec: SpecVersion, file: string): Json {
  const merged = structuredClone(sbom);
  merged.$schema = `http://cyclonedx.org/schema/bom-${spec}.schema.json`;
  merged.specVersion = spec;
  merged.version = (typeof sbom.version === 'number' ? sbom.version : 1) + 1;

  const theirComponents = Array.isArray(merged.components) ? (merged.components as Component[]) : [];
  const refs = new Set<string>();
  const walk = (list: Component[], visit: (c: Component) => void): void => {
    for (const c of list) {
      visit(c);
      if (Array.isArray(c.components)) walk(c.components, visit);
    }
  };
  walk(theirComponents, (c) => {
    if (typeof c['bom-ref'] === 'string') refs.add(c['bom-ref']);
  });

  const metadata = isObject(merged.metadata) ? merged.metadata : (merged.metadata = {});
  const ourMetadata = ours.metadata as { component: Component; tools: { components: Json[] }; timestamp?: string };
  // Our references to the repository become references to the SBOM's project.
  const rename = new Map<string, string>();
  let root = isObject(metadata.component) ? (metadata.component as Component) : undefined;
  if (!root) {
    root = structuredClone(ourMetadata.component);
    metadata.component = root;
  } else {
    if (typeof root['bom-ref'] !== 'string') root['bom-ref'] = REPOSITORY_REF;
    rename.set(REPOSITORY_REF, root['bom-ref']);
    root.externalReferences = [...list(root.externalReferences), ...list(ourMetadata.component.externalReferences)];
    root.properties = [...list(root.properties), ...list(ourMetadata.component.properties)];
  }
  refs.add(root['bom-ref'] as string);
  addTool(metadata, ourMetadata.tools.components[0] ?? {});
  if (ourMetadata.timestamp !== undefined) metadata.timestamp = ourMetadata.timestamp;

  // The SBOM's components by package identity, to match the libraries the audit found.
  const byPackage = new Map<string, Component[]>();
  walk(theirComponents, (c) => {
    const id = typeof c.purl === 'string' ? packageId(c.purl) : undefined;
    if (id) byPackage.set(id.key, [...(byPackage.get(id.key) ?? []), c]);
  });
  const added: Component[] = [];
  for (const component of list(ours.components) as Component[]) {
    const ref = component['bom-ref'] ?? '';
    const id = component.type === 'library' && typeof component.purl === 'string' ? packageId(component.purl) : undefined;
    const match = id ? (byPackage.get(id.key) ?? []).find((c) => id.version === undefined || packageId(c.purl ?? '')?.version === id.version) : undefined;
    if (match && typeof match['bom-ref'] === 'string') {
      rename.set(ref, match['bom-ref']);
      match.properties = [...list(match.properties), ...((component.properties as Json[] | undefined) ?? [])];
      continue;
    }
    if (refs.has(ref)) throw new BomError('BOM_INPUT_INVALID', `SBOM ${file} already has a component with bom-ref "${ref}", which the AI-BOM uses`);
    refs.add(ref);
    added.push(component);
  }
  const to = (ref: string): string => rename.get(ref) ?? ref;
  merged.components = [...theirComponents, ...added];

  const graph = new Map<string, Set<string>>();
  for (const d of [
    ...(Array.isArray(sbom.dependencies) ? (sbom.dependencies as Dependency[]) : []),
    ...((ours.dependencies as Dependency[] | undefined) ?? []),
  ]) {
    const set = graph.get(to(d.ref)) ?? new Set<string>();
    for (const on of d.dependsOn ?? []) set.add(to(on));
    graph.set(to(d.ref), set);
  }
  merged.dependencies = [...graph]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([ref, on]) => (on.size > 0 ? { ref, dependsOn: [...on].sort(compareStrings) } : { ref }));

  if (Array.isArray(ours.vulnerabilities)) {
    const mapped = (ours.vulnerabilities as Json[]).map((v) => ({
      ...v,
      affects: ((v.affects ?? []) as { ref: string }[]).map((a) => ({ ...a, ref: to(a.ref) })),
    }));
    merged.vulnerabilities = [...list(merged.vulnerabilities), ...mapped];
  }
  // cdxgen's ai-provenance properties say one thing per document: ours replace any the SBOM had.
  const ourProps = (ours.properties ?? []) as { name: string }[];
  const names = new Set(ourProps.map((p) => p.name));
  merged.properties = [...(Array.isArray(merged.properties) ? (merged.properties as { name: string }[]).filter((p) => !names.has(p.name)) : []), ...ourProps];
  const annotations = ((ours.annotations ?? []) as Json[]).map((a) => ({ ...a, subjects: ((a.subjects ?? []) as string[]).map(to) }));
  merged.annotations = [...list(merged.annotations), ...annotations];
  return merged;
}

/** aiprov as one of the document's tools, in whichever form (1.5+ object, or the legacy array) the SBOM uses. */
function addTool(metadata: Json, tool: Json): void {
  if (Array.isArray(metadata.tools)) {
    metadata.tools.push({ vendor: 'aiprov', name: tool.name, version: tool.version });
    return;
  }
  const tools = isObject(metadata.tools) ? metadata.tools : (metadata.tools = {});
  tools.components = [...list(tools.components), tool];
}

/** A package's identity in a purl (type, namespace, name), and its version. */
function packageId(purl: string): { key: string; version: string | undefined } | undefined {
  try {
    const p = PackageURL.fromString(purl);
    return { key: `${p.type}/${p.namespace ?? ''}/${p.name}`, version: p.version ?? undefined };
  } catch {
    return undefined;
  }
}
