import { bomProblems } from '../bom/validate.js';
import { IN_TOTO_PAYLOAD_TYPE } from '../attest/dsse.js';
import { PREDICATE_TYPES, STATEMENT_TYPE, VERIFIED_TYPES, type Statement } from '../attest/statement.js';
import { SCHEMA_FILES, validateAgainst, type SchemaName } from '../kernel/schemas.js';
import { CheckList, CHECK_ORDER, type Check } from './checks.js';
import { BUILT_IN_POLICY, policyViolations, sourceRefsOf, type ContentPolicy } from './content-policy.js';
import { verifySignature, type Trust } from './signature.js';

export interface AttestationVerifyOptions {
  /** The bundle as parsed JSON (untrusted). */
  bundle: unknown;
  trust: Trust;
  /** The predicate type asked for, in full. */
  predicateType: string;
  /** What the statement must be about: a commit, or an artifact's SHA-256. */
  subject: { gitCommit: string } | { sha256: string };
  /** Freshness: the signed time may be at most this old (milliseconds). */
  maxAgeMs?: number;
  /** The content policy; its check is skipped only when there is none. */
  policy?: ContentPolicy;
  now: Date;
}

export interface AttestationVerification {
  /** Every check passed. */
  verified: boolean;
  /** Signature, trust, statement and freshness passed; only the content policy failed (a PolicyError, not a VerificationError). */
  policyOnly: boolean;
  checks: Check[];
  /** The statement, parsed from exactly the verified bytes, once the signature verified. */
  statement?: Statement;
  /** When it was signed, as proven (latest verified timestamp), or as the statement says for a key-signed bundle. */
  signedAt?: Date;
  signer?: string;
  /** How many rules of the content policy were evaluated on the predicate (0: the policy had none for its type). */
  policyRules?: number;
}

/** Strict UTF-8: a payload that is not is refused, not decoded with replacement characters. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

const PREDICATE_SCHEMAS: Record<string, SchemaName> = {
  [PREDICATE_TYPES.authorship]: 'authorshipPredicate',
  [PREDICATE_TYPES.deps]: 'dependencyAudit',
  [PREDICATE_TYPES.review]: 'reviewPredicate',
};

/**
 * The schema a statement's predicate is checked against. A VSA is of one of
 * two kinds under one type: of a source revision (the Source track's, by
 * aiprov or slsa-framework/source-tool: its subject names the branch in
 * `sourceRefs` or `source_refs`), or of a verification run (`verify
 * --vsa-output`: aiprov's own levels, no `SLSA_` name); one claiming a
 * Source level without naming its branch fails the second.
 */
function schemaFor(statement: Statement): SchemaName | undefined {
  if (statement.predicateType !== VERIFIED_TYPES['source-vsa']) return PREDICATE_SCHEMAS[statement.predicateType];
  return statement.subject.some((s) => sourceRefsOf(s).length > 0) ? 'sourceVsaPredicate' : 'vsaPredicate';
}

/**
 * Verifies an attestation bundle, every check by name: bundle, signature,
 * identity (signature.ts), then payloadType, the statement parsed from
 * exactly the verified bytes, predicateType exactly, a subject with the
 * digest asked for, the predicate against its schema (the BOM against
 * CycloneDX's own for its spec version), freshness, and the content policy.
 * Fails closed: any error is a failed check, never a pass and never a crash.
 */
export async function verifyAttestation(options: AttestationVerifyOptions): Promise<AttestationVerification> {
  const checks = new CheckList(CHECK_ORDER);
  const result = (extra: Partial<AttestationVerification> = {}): AttestationVerification => {
    const failed = checks.checks.filter((c) => c.result === 'failed');
    return { verified: checks.passed, policyOnly: failed.length === 1 && failed[0]?.name === 'policy', checks: checks.checks, ...extra };
  };
  const outcome = verifySignature(options.bundle, options.trust, checks);
  if (checks.checks.some((c) => c.result === 'failed')) return result();
  const signer = outcome.signer;
  const statement = readStatement(outcome.envelope, checks);
  if (!statement) return result(outcome.envelope ? {} : { ...(signer ? { signer } : {}) });
  const found = { statement, ...(signer ? { signer } : {}) };
  if (!checkAbout(statement, options, checks) || !(await checkPredicate(statement, checks))) return result(found);
  const fresh = checkFreshness(outcome.signedAt, statement, options, checks);
  const withTime = { ...found, ...(fresh.signedAt ? { signedAt: fresh.signedAt } : {}) };
  if (!fresh.ok) return result(withTime);
  // No policy given is the built-in one, never none: a hallucinated package fails a dependency audit's verification by default.
  const policy = options.policy ?? BUILT_IN_POLICY;
  const { applied, violations, rules } = policyViolations(policy, statement.predicateType, statement.predicate, statement.subject);
  const named = (text: string): string => (options.policy ? text : `the built-in policy: ${text}`);
  if (violations.length > 0) checks.fail('policy', named(violations.join('; ')));
  else if (applied.length > 0) checks.pass('policy', named(applied.join('; ')));
  else checks.pass('policy', `${options.policy ? 'the policy' : 'the built-in policy'} has no rule for this predicate type`);
  return result({ ...withTime, policyRules: rules });
}

/** The `payloadType` and `statement` checks: an in-toto Statement v1, parsed from exactly the verified bytes. */
function readStatement(envelope: { payloadType: string; payload: Buffer } | undefined, checks: CheckList): Statement | undefined {
  if (!envelope) {
    checks.fail('payloadType', 'the bundle signs an artifact (a message signature), not an in-toto statement');
    return undefined;
  }
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    checks.fail('payloadType', `is ${JSON.stringify(envelope.payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}`);
    return undefined;
  }
  checks.pass('payloadType', IN_TOTO_PAYLOAD_TYPE);
  let statement: Statement;
  try {
    statement = JSON.parse(UTF8.decode(envelope.payload)) as Statement;
  } catch {
    checks.fail('statement', 'the signed payload is not UTF-8 JSON');
    return undefined;
  }
  // The schema pins `_type` to Statement v1 and requires a digest on every subject.
  const problem = validateAgainst('statement', statement);
  if (problem !== null) {
    checks.fail('statement', `is not an in-toto ${STATEMENT_TYPE}: ${problem}`);
    return undefined;
  }
  checks.pass('statement', `in-toto Statement v1 with ${statement.subject.length} subject${statement.subject.length === 1 ? '' : 's'}`);
  return statement;
}

/** The `predicateType` and `subject` checks: exactly the type asked for, about the commit or artifact asked for. */
function checkAbout(statement: Statement, options: AttestationVerifyOptions, checks: CheckList): boolean {
  if (statement.predicateType !== options.predicateType) {
    checks.fail('predicateType', `is ${statement.predicateType}, not ${options.predicateType}`);
    return false;
  }
  checks.pass('predicateType', statement.predicateType);
  const [field, digest] = 'gitCommit' in options.subject ? (['gitCommit', options.subject.gitCommit] as const) : (['sha256', options.subject.sha256] as const);
  if (!statement.subject.some((s) => s.digest[field] === digest)) {
    const named = statement.subject
      .map((s) =>
        Object.entries(s.digest)
          .map(([k, v]) => `${k}:${v.slice(0, 12)}`)
          .join(','),
      )
      .join('; ');
    checks.fail('subject', `no subject with ${field} ${digest} (the statement is about ${named})`);
    return false;
  }
  checks.pass('subject', `${field} ${digest}`);
  return true;
}

/** The `predicate` check: valid against its schema (the BOM against CycloneDX's own for its spec version). */
async function checkPredicate(statement: Statement, checks: CheckList): Promise<boolean> {
  const invalid = await predicateProblem(statement);
  if (invalid !== null) {
    checks.fail('predicate', invalid);
    return false;
  }
  const schema = schemaFor(statement);
  checks.pass(
    'predicate',
    schema
      ? `valid against schemas/${SCHEMA_FILES[schema]}`
      : statement.predicateType === PREDICATE_TYPES.bom
        ? `valid CycloneDX ${String((statement.predicate as { specVersion?: unknown }).specVersion)}`
        : 'no schema aiprov knows for this predicate type',
  );
  return true;
}

/** The `freshness` check: the latest proven time (log entry, timestamp); a key-signed bundle has none, so the statement's own time is used and said so. */
function checkFreshness(proofs: readonly Date[], statement: Statement, options: AttestationVerifyOptions, checks: CheckList): { ok: boolean; signedAt?: Date } {
  const proven = proofs.length > 0 ? new Date(Math.max(...proofs.map((d) => d.getTime()))) : undefined;
  const signedAt = proven ?? statedTime(statement);
  const at = signedAt ? { signedAt } : {};
  if (options.maxAgeMs === undefined) {
    checks.pass('freshness', signedAt ? `signed ${signedAt.toISOString()}${proven ? '' : ' (as the statement says)'}; no --max-age` : 'no --max-age');
    return { ok: true, ...at };
  }
  if (!signedAt) {
    checks.fail('freshness', 'the bundle proves no signing time (no log entry, no timestamp) and the statement states none');
    return { ok: false };
  }
  const age = options.now.getTime() - signedAt.getTime();
  const source = proven ? 'verified timestamp' : 'time stated in the signed statement (key-signed: no log or timestamp)';
  if (age > options.maxAgeMs) {
    checks.fail('freshness', `signed ${signedAt.toISOString()} (${source}), older than the ${formatDuration(options.maxAgeMs)} allowed`);
    return { ok: false, ...at };
  }
  if (age < -5 * 60_000) {
    checks.fail('freshness', `signed ${signedAt.toISOString()} (${source}), in the future`);
    return { ok: false, ...at };
  }
  checks.pass('freshness', `signed ${signedAt.toISOString()} (${source}), within ${formatDuration(options.maxAgeMs)}`);
  return { ok: true, ...at };
}

/** What is wrong with the predicate, against its schema (null: nothing). */
async function predicateProblem(statement: Statement): Promise<string | null> {
  if (statement.predicateType === PREDICATE_TYPES.bom) {
    const bom = statement.predicate as { bomFormat?: unknown; specVersion?: unknown } | null;
    if (bom?.bomFormat !== 'CycloneDX') return 'is not a CycloneDX BOM (bomFormat)';
    const spec = bom.specVersion;
    if (spec !== '1.5' && spec !== '1.6' && spec !== '1.7') return `CycloneDX specVersion ${JSON.stringify(spec)} is not one aiprov validates (1.5, 1.6, 1.7)`;
    const problems = await bomProblems(JSON.stringify(bom), spec);
    return problems.length > 0 ? `does not validate against CycloneDX ${spec}: ${problems.slice(0, 3).join('; ')}` : null;
  }
  const schema = schemaFor(statement);
  if (!schema) return null;
  const invalid = validateAgainst(schema, statement.predicate);
  return invalid === null ? null : `does not match schemas/${SCHEMA_FILES[schema]}: ${invalid}`;
}

/** The time a statement says it was made (aiprov's predicates each carry one). */
function statedTime(statement: Statement): Date | undefined {
  const p = statement.predicate as Record<string, unknown> | null;
  const value =
    statement.predicateType === PREDICATE_TYPES.authorship
      ? p?.attestedAt
      : statement.predicateType === PREDICATE_TYPES.deps
        ? p?.checkedAt
        : statement.predicateType === PREDICATE_TYPES.review
          ? p?.reviewedAt
          : statement.predicateType === PREDICATE_TYPES.bom
            ? (p?.metadata as { timestamp?: unknown } | undefined)?.timestamp
            : statement.predicateType === VERIFIED_TYPES['source-vsa']
              ? p?.timeVerified
              : undefined;
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t);
}

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** `90d`, `12h`, `30m`, `45s`, or combinations (`1d12h`): a duration in milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  const ms = UNITS.reduce((sum, [, unit], i) => sum + Number(m[i + 1] ?? 0) * unit, 0);
  return ms > 0 ? ms : undefined;
}

export function formatDuration(ms: number): string {
  let rest = ms;
  const parts: string[] = [];
  for (const [name, unit] of UNITS) {
    const n = Math.floor(rest / unit);
    if (n > 0) {
      parts.push(`${n}${name}`);
      rest -= n * unit;
    }
  }
  return parts.join('') || '0s';
}
