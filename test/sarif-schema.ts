import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// CommonJS packages: ajv-draft-04's class is its `default` export; ajv-formats adds uri, date-time and the rest.
const { default: Ajv04 } = require('ajv-draft-04') as typeof import('ajv-draft-04');
const addFormats = require('ajv-formats') as (ajv: InstanceType<typeof Ajv04>) => unknown;

const ajv = new Ajv04({ allErrors: false, strict: false, unicodeRegExp: false });
addFormats(ajv);

/** The official SARIF 2.1.0 schema (fixtures/sarif/README.md), on ajv's draft-04 build (one of its patterns is not valid in unicode mode). */
export const validateSarif = ajv.compile(JSON.parse(readFileSync(new URL('../fixtures/sarif/sarif-2.1.0-rtm.5.json', import.meta.url), 'utf8')) as object);
