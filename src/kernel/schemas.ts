import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { VERSION } from './version.js';

/**
 * Every document kind the project defines, in one place: the URI a document
 * of that kind carries in its `schema` field (the predicate type, for those
 * that become attestations) and the JSON Schema file in `schemas/` it is
 * validated against. Reports get their envelope from `envelope` below.
 */
export const DOCUMENT_KINDS = {
  // A predicate's URI is not in it but in its statement's `predicateType`; a statement's is its `_type`.
  authorshipPredicate: { uri: 'https://aiprov.dev/ai-authorship/v1', file: 'ai-authorship.schema.json', carriedIn: 'predicateType' },
  reviewPredicate: { uri: 'https://aiprov.dev/review/v1', file: 'review.schema.json', carriedIn: 'predicateType' },
  statement: { uri: 'https://in-toto.io/Statement/v1', file: 'in-toto-statement.schema.json', carriedIn: '_type' },
  authorshipNote: { uri: 'https://aiprov.dev/authorship-note/v1', file: 'authorship-note.schema.json' },
  blameReport: { uri: 'https://aiprov.dev/blame-report/v1', file: 'blame-report.schema.json' },
  checkReport: { uri: 'https://aiprov.dev/check-report/v1', file: 'check-report.schema.json' },
  collectReport: { uri: 'https://aiprov.dev/collect-report/v1', file: 'collect-report.schema.json' },
  config: { uri: null, file: 'config.schema.json' },
  dashboard: { uri: 'https://aiprov.dev/dashboard/v1', file: 'dashboard.schema.json' },
  demoReport: { uri: 'https://aiprov.dev/demo-report/v1', file: 'demo-report.schema.json' },
  dependencyAudit: { uri: 'https://aiprov.dev/dependency-audit/v1', file: 'dependency-audit.schema.json' },
  findingsReport: { uri: 'https://aiprov.dev/findings-report/v1', file: 'findings-report.schema.json' },
  hooksResult: { uri: 'https://aiprov.dev/hooks-result/v1', file: 'hooks-result.schema.json' },
  notesSync: { uri: 'https://aiprov.dev/notes-sync/v1', file: 'notes-sync.schema.json' },
  orgReport: { uri: 'https://aiprov.dev/org-report/v1', file: 'org-report.schema.json' },
  recordResult: { uri: 'https://aiprov.dev/record-result/v1', file: 'record-result.schema.json' },
  scanReport: { uri: 'https://aiprov.dev/scan-report/v1', file: 'scan-report.schema.json' },
  verifyPolicy: { uri: null, file: 'verify-policy.schema.json' },
  verifyReport: { uri: 'https://aiprov.dev/verify-report/v1', file: 'verify-report.schema.json' },
  vsaPredicate: { uri: 'https://slsa.dev/verification_summary/v1', file: 'slsa-vsa.schema.json', carriedIn: 'predicateType' },
  // The same predicate type, of a source revision by any verifier (aiprov's or slsa-framework/source-tool's): what `verify --type source-vsa` checks.
  sourceVsaPredicate: { uri: 'https://slsa.dev/verification_summary/v1', file: 'slsa-source-vsa.schema.json', carriedIn: 'predicateType' },
} as const;

export type SchemaName = keyof typeof DOCUMENT_KINDS;
/** The kinds a command prints: each has a URI, an envelope, and renderers (report/renderers.ts). */
export const REPORT_KINDS = [
  'blameReport',
  'checkReport',
  'collectReport',
  'dashboard',
  'demoReport',
  'dependencyAudit',
  'findingsReport',
  'hooksResult',
  'notesSync',
  'orgReport',
  'recordResult',
  'scanReport',
  'verifyReport',
] as const satisfies readonly SchemaName[];
export type ReportKind = (typeof REPORT_KINDS)[number];
export type KindUri<K extends SchemaName> = (typeof DOCUMENT_KINDS)[K]['uri'];

export const SCHEMA_FILES = Object.fromEntries(Object.entries(DOCUMENT_KINDS).map(([name, kind]) => [name, kind.file])) as {
  [K in SchemaName]: (typeof DOCUMENT_KINDS)[K]['file'];
};

/** The fields every report starts with: which kind it is, and which aiprov wrote it. */
export interface Envelope<K extends ReportKind> {
  schema: KindUri<K>;
  tool: { name: 'aiprov'; version: string };
}

export function envelope<K extends ReportKind>(kind: K): Envelope<K> {
  return { schema: DOCUMENT_KINDS[kind].uri, tool: { name: 'aiprov', version: VERSION } };
}

// Both src/kernel/ (tests) and dist/kernel/ (the built package) sit two levels below schemas/.
const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));
// ajv is loaded on first use: most commands never validate anything, and it costs 40 ms to load.
const require = createRequire(import.meta.url);

let ajv: Ajv | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

export function schemaPath(name: SchemaName): string {
  return SCHEMA_DIR + SCHEMA_FILES[name];
}

function instance(): Ajv {
  if (!ajv) {
    const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
    const addFormats = require('ajv-formats') as (ajv: Ajv) => Ajv;
    ajv = new AjvClass({ allErrors: false, strict: false });
    addFormats(ajv);
    for (const file of Object.values(SCHEMA_FILES)) {
      ajv.addSchema(JSON.parse(readFileSync(SCHEMA_DIR + file, 'utf8')) as object, file);
    }
  }
  return ajv;
}

/** Validates `value` against one of our schemas; returns null or a one-line description of the first error. */
export function validateAgainst(name: SchemaName, value: unknown): string | null {
  let validate = compiled.get(name);
  if (!validate) {
    validate = instance().getSchema(SCHEMA_FILES[name]);
    if (!validate) throw new Error(`schema ${SCHEMA_FILES[name]} did not compile`);
    compiled.set(name, validate);
  }
  if (validate(value)) return null;
  return describeError(pickError(validate.errors ?? []));
}

/**
 * The error worth showing: when a branch of `oneOf`/`anyOf` failed, ajv lists
 * the branch's complaint first ("must have required property 'identity'"),
 * which misleads; the combinator's own error says what is really wrong.
 */
function pickError(errors: ErrorObject[]): ErrorObject | undefined {
  const first = errors[0];
  if (!first) return undefined;
  const combinator = errors.find(
    (e) =>
      (e.keyword === 'oneOf' || e.keyword === 'anyOf') &&
      first.instancePath.startsWith(e.instancePath) &&
      first.schemaPath.startsWith(e.schemaPath.replace(/\/(oneOf|anyOf)$/, '')),
  );
  return combinator ?? first;
}

function describeError(error: ErrorObject | undefined): string {
  if (!error) return 'does not match its schema';
  const where = error.instancePath === '' ? 'top level' : error.instancePath;
  const extra =
    error.keyword === 'additionalProperties'
      ? ` '${String((error.params as { additionalProperty?: string }).additionalProperty)}'`
      : error.keyword === 'enum'
        ? ` (${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')})`
        : '';
  return `${where}: ${error.message ?? 'is invalid'}${extra}`;
}

/**
 * A validator of a published JSON Schema 2020-12 document shipped in `data/`
 * (SPDX's, Agent Trace's: other projects' formats, not ours), with the
 * standard formats; compiled on first use.
 */
export function draft2020Validator(file: URL): () => ValidateFunction {
  let validate: ValidateFunction | undefined;
  return () => {
    if (!validate) {
      const Ajv2020 = (require('ajv/dist/2020') as { default: new (options: object) => Ajv }).default;
      const addFormats = require('ajv-formats') as (ajv: Ajv) => Ajv;
      // allErrors: the first error of a schema of alternatives (anyOf over every class) rarely says what is wrong.
      const ajv2020 = new Ajv2020({ allErrors: true, strict: false });
      addFormats(ajv2020);
      validate = ajv2020.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
    }
    return validate;
  };
}
