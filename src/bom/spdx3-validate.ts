import { draft2020Validator } from '../kernel/schemas.js';

/**
 * SPDX's published SPDX 3.0.1 JSON Schema (data/spdx-3.0.1/, with where it
 * came from), a JSON Schema 2020-12 document: an SPDX 3 document aiprov
 * writes is checked against it before it is written, as a CycloneDX BOM is
 * against CycloneDX's. Loaded on first use.
 */
const validator = draft2020Validator(new URL('../../data/spdx-3.0.1/spdx-json-schema.json', import.meta.url));

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
