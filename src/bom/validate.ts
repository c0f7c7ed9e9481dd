import { createRequire } from 'node:module';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { BomError } from '../kernel/errors.js';

/** The CycloneDX versions aiprov writes, each validated against its official schema here. */
export type SpecVersion = '1.6' | '1.7';
export const SPEC_VERSIONS: readonly SpecVersion[] = ['1.6', '1.7'];

const VERSIONS: Record<SpecVersion | '1.5', CDX.Spec.Version> = {
  '1.5': CDX.Spec.Version.v1dot5,
  '1.6': CDX.Spec.Version.v1dot6,
  '1.7': CDX.Spec.Version.v1dot7,
};

const require = createRequire(import.meta.url);
const IDN_EMAIL = require.resolve('ajv-formats-draft2019/formats/idn-email.js');
const idnEmail = require(IDN_EMAIL) as (value: string) => boolean;
const emailChecked = new Map<string, boolean>();

/**
 * The schema's test of `idn-email` (the format plugin the library's
 * validator uses), remembered by address. It parses with a full RFC 5321
 * grammar, about a tenth of a millisecond an address; a BOM lists thousands
 * of commits by a few dozen people, and validating it would cost seconds.
 */
export function isEmail(value: string): boolean {
  let ok = emailChecked.get(value);
  if (ok === undefined) {
    ok = idnEmail(value);
    if (emailChecked.size < 100_000) emailChecked.set(value, ok);
  }
  return ok;
}

// The plugin installs its tests from its `formats` table when a validator is made (on first validation): the
// remembering one is put in that table. Same answers, once per address (a test checks that a bad address still fails).
(require('ajv-formats-draft2019/formats') as Record<string, unknown>)['idn-email'] = isEmail;

interface SchemaError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * Problems of a CycloneDX document against the official (strict) JSON schema
 * of its spec version, one line each: where (a JSON path), which rule, what.
 * Empty when valid.
 */
export async function bomProblems(text: string, spec: SpecVersion | '1.5'): Promise<string[]> {
  const errors: unknown = await new CDX.Validation.JsonStrictValidator(VERSIONS[spec]).validate(text);
  if (errors === null) return [];
  const list = Array.isArray(errors) ? (errors as SchemaError[]) : [errors as SchemaError];
  return [...new Set(list.filter((e) => !echoes(e, list)).map(describe))];
}

/** Keywords whose failure above a deeper error only says that no alternative fitted (CycloneDX 1.6 allows an old and a new shape in places). */
const ALTERNATIVES = new Set(['oneOf', 'anyOf', 'type', 'if', 'then', 'else']);

/** An error of an alternative at a path that has a more precise error below it: an echo of that one. */
function echoes(error: SchemaError, all: SchemaError[]): boolean {
  if (!ALTERNATIVES.has(error.keyword ?? '')) return false;
  const at = `${error.instancePath ?? ''}/`;
  return all.some((other) => (other.instancePath ?? '').startsWith(at));
}

function describe(error: SchemaError): string {
  const where = `$${(error.instancePath ?? '')
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('')}`;
  const params = error.params ?? {};
  const detail =
    'additionalProperty' in params
      ? ` '${String(params.additionalProperty)}'`
      : 'allowedValues' in params
        ? ` (one of ${(params.allowedValues as unknown[]).map(String).join(', ')})`
        : 'format' in params
          ? ` (${String(params.format)})`
          : 'missingProperty' in params
            ? ` '${String(params.missingProperty)}'`
            : '';
  return `${where}: ${error.message ?? 'invalid'}${detail} [${error.keyword ?? 'schema'}]`;
}

/** Throws BOM_INVALID, with every problem, unless the document is valid: an invalid BOM is never written. */
export async function assertValidBom(text: string, spec: SpecVersion, what = 'the AI-BOM'): Promise<void> {
  const problems = await bomProblems(text, spec);
  if (problems.length === 0) return;
  throw new BomError('BOM_INVALID', `${what} does not validate against CycloneDX ${spec} (nothing was written): ${problems.join('; ')}`);
}
