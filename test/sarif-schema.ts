import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// A CommonJS package: its class is the `default` export.
const { default: Ajv04 } = createRequire(import.meta.url)('ajv-draft-04') as typeof import('ajv-draft-04');

/** The official SARIF 2.1.0 schema (fixtures/sarif/README.md), on ajv's draft-04 build (one of its patterns is not valid in unicode mode). */
export const validateSarif = new Ajv04({ allErrors: false, strict: false, unicodeRegExp: false }).compile(JSON.parse(readFileSync(new URL('../fixtures/sarif/sarif-2.1.0-rtm.5.json', import.meta.url), 'utf8')) as object);
