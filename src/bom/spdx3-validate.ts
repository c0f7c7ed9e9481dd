import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

/**
 * SPDX's published SPDX 3.0.1 JSON Schema (data/spdx-3.0.1/, with where it
 * came from), a JSON Schema 2020-12 document: an SPDX 3 document aiprov
 * writes is checked against it before it is written, as a CycloneDX BOM is
 * against CycloneDX's. Loaded on first use.
 */
const SCHEMA = new URL('../../data/spdx-3.0.1/spdx-json-schema.json', import.meta.url);
const require = createRequire(import.meta.url);
let validate: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (validate) return validate;
  const Ajv2020 = (require('ajv/dist/2020') as { default: new (options: object) => { compile(schema: object): ValidateFunction } }).default;
  // strict off: the generated schema uses keywords (`$comment` in places, unevaluatedProperties with anyOf) Ajv's strict mode warns about.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
  return validate;
}

/** Problems with an SPDX 3.0.1 JSON-LD document, one line each (the path and the rule), the first few; empty when valid. */
export function spdx3Problems(document: unknown): string[] {
  const check = validator();
  if (check(document)) return [];
  const errors = check.errors ?? [];
  // anyOf/oneOf over every class multiply the errors: the deepest ones say what is wrong.
  const deepest = Math.max(...errors.map((e) => e.instancePath.split('/').length));
  return [
    ...new Set(errors.filter((e) => e.instancePath.split('/').length === deepest).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)),
  ].slice(0, 5);
}
