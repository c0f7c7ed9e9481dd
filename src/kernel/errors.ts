/**
 * The error taxonomy. Every error a user can cause or meet is one of these
 * classes, each with its own string-literal codes (as sigstore-js does), a
 * one-line message naming the thing at fault, and the exit code a CLI should
 * use. Library code throws them and never prints; only the CLI turns a
 * library field name (`promptFile`) into a flag (`--prompt-file`).
 *
 * Exit codes: 2 means "could not decide" (bad input, git failure, missing
 * trust material); 1 means the check ran and failed (verification or policy).
 */

export type UsageCode = 'BAD_ARGUMENT' | 'BAD_PATH';
export type GitCode = 'NOT_A_REPOSITORY' | 'BAD_REVISION' | 'GIT_FAILED' | 'GIT_NOT_FOUND' | 'SHALLOW_REPOSITORY' | 'DUBIOUS_OWNERSHIP';
export type ConfigCode = 'CONFIG_INVALID' | 'CONFIG_UNREADABLE' | 'CONFIG_UNTRUSTED';
export type NotesCode = 'NOTE_UNREADABLE' | 'NOTE_INVALID' | 'NOTES_PUSH_REFUSED';
export type ManifestCode = 'MANIFEST_INVALID' | 'MANIFEST_UNSAFE';
export type HooksCode = 'HOOK_CONFLICT' | 'HOOK_UNREADABLE' | 'HOOK_UNWRITABLE';
export type OutputCode = 'OUTPUT_FAILED';
/** A BOM that fails its schema (a bug: nothing is written), inputs that do not belong to the repository and commit, an SBOM to merge into that cannot be. */
export type BomCode = 'BOM_INVALID' | 'BOM_INPUT_MISMATCH' | 'BOM_INPUT_INVALID';
/** A signing key that cannot be made, read or decrypted (exit 2); the message names the file, never the secret. */
export type KeyCode = 'KEY_EXISTS' | 'KEY_UNREADABLE' | 'KEY_INVALID' | 'PASSPHRASE_MISSING' | 'SIGNING_FAILED' | 'IDENTITY_TOKEN_MISSING';
/** The evidence does not hold: bad signature, wrong subject or predicate type, untrusted identity (exit 1). */
export type VerificationCode =
  'SIGNATURE_INVALID' | 'SUBJECT_MISMATCH' | 'PREDICATE_TYPE_MISMATCH' | 'IDENTITY_UNTRUSTED' | 'BUNDLE_INVALID' | 'ATTESTATION_MISSING' | 'ATTESTATION_STALE';
/** What the evidence says fails the organisation's rules (exit 1), or the rules themselves are unusable (exit 2). */
export type PolicyCode = 'POLICY_FAILED' | 'POLICY_INVALID' | 'TRUST_MATERIAL_MISSING';

/** An image reference that is not one, or a container registry that cannot be used: unreachable, refusing credentials, answering garbage (exit 2). */
export type RegistryCode =
  'IMAGE_REFERENCE_INVALID' | 'IMAGE_NOT_FOUND' | 'REGISTRY_UNREACHABLE' | 'REGISTRY_AUTH_FAILED' | 'REGISTRY_REFUSED' | 'REGISTRY_BAD_ANSWER';

/** A forge's API (GitHub, GitLab) that cannot be used for a comment: no token, no pull request, a refusal or no answer (exit 2). */
export type ForgeCode = 'FORGE_CONTEXT_MISSING' | 'FORGE_AUTH_FAILED' | 'FORGE_REFUSED' | 'FORGE_UNREACHABLE';

/** The organisation's store (SQLite file or PostgreSQL): cannot be reached or opened, a statement failed, its schema is newer than this aiprov (exit 2). */
export type StoreCode = 'STORE_UNREACHABLE' | 'STORE_FAILED' | 'STORE_SCHEMA_NEWER' | 'STORE_INVALID';

/** A scanner's SARIF log that cannot be read whole, or whose revision is not the one asked about (exit 2). */
export type SarifCode = 'SARIF_INVALID' | 'SARIF_REVISION_MISMATCH';

export type ErrorCode =
  | UsageCode
  | GitCode
  | ConfigCode
  | NotesCode
  | ManifestCode
  | HooksCode
  | OutputCode
  | BomCode
  | KeyCode
  | VerificationCode
  | PolicyCode
  | RegistryCode
  | ForgeCode
  | StoreCode
  | SarifCode;

export interface ErrorOptions {
  cause?: unknown;
}

export class AiprovError<Code extends ErrorCode = ErrorCode> extends Error {
  readonly code: Code;
  /** Exit code a CLI should use: 2 "could not decide" unless the class says otherwise. */
  readonly exitCode: 1 | 2 = 2;

  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options);
    // The subclass's own name (GitError, NotesError, …), so that areas need no constructor of their own.
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * The caller gave something unusable. `field` names the option at fault as the
 * library calls it (`promptFile`), `value` what was given, `problem` what is
 * wrong; the message reads `promptFile /x: no such file`, and the CLI writes
 * the same with the flag (`--prompt-file /x: no such file`).
 */
export interface UsageErrorOptions extends ErrorOptions {
  code?: UsageCode;
  /** The option at fault, as the library names it (`promptFile`). */
  field?: string;
  /** What was given for it. */
  value?: string;
}

/**
 * The caller gave something unusable. With a field, the message reads
 * `promptFile /x: no such file`; the CLI writes the same with the flag
 * (`--prompt-file /x: no such file`) through `messageFor`.
 */
export class UsageError extends AiprovError<UsageCode> {
  readonly field: string | undefined;
  readonly value: string | undefined;
  readonly problem: string;

  /** `problem` may name other fields as `{field}`: the library's message shows their names, the CLI's their flags. */
  constructor(problem: string, options: UsageErrorOptions = {}) {
    const named = withFields(problem, (field) => field);
    super(options.code ?? 'BAD_ARGUMENT', options.field === undefined ? named : fieldMessage(options.field, options.value, named), options);
    this.field = options.field;
    this.value = options.value;
    this.problem = problem;
  }

  /** The message with the field named as the caller knows it (a CLI flag); unchanged when `label` does not know the field. */
  messageFor(label: (field: string) => string | undefined): string {
    const problem = withFields(this.problem, (field) => label(field) ?? field);
    if (this.field === undefined) return problem;
    return fieldMessage(label(this.field) ?? this.field, this.value, problem);
  }
}

/** `{field}` placeholders in a problem, each replaced by its label. */
function withFields(problem: string, label: (field: string) => string): string {
  return problem.replace(/\{([a-zA-Z]+)\}/g, (_all, field: string) => label(field));
}

function fieldMessage(field: string, value: string | undefined, problem: string): string {
  return value === undefined ? `${field} ${problem}` : `${field} ${value}: ${problem}`;
}

export class GitError extends AiprovError<GitCode> {}

export class ConfigError extends AiprovError<ConfigCode> {}

/** A note on a commit that cannot be read or would be written invalid; names the ref and the commit. */
export class NotesError extends AiprovError<NotesCode> {}

/** A manifest or lockfile that cannot be read: the audit cannot decide, so it stops with the file named. */
export class ManifestError extends AiprovError<ManifestCode> {
  constructor(
    readonly file: string,
    problem: string,
    code: ManifestCode = 'MANIFEST_INVALID',
  ) {
    super(code, `${file} ${problem}`);
  }
}

export class HooksError extends AiprovError<HooksCode> {}

export class OutputError extends AiprovError<OutputCode> {
  constructor(message: string, options?: ErrorOptions) {
    super('OUTPUT_FAILED', message, options);
  }
}

export class BomError extends AiprovError<BomCode> {}

export class KeyError extends AiprovError<KeyCode> {}

/** A container registry or image reference aiprov cannot use; the message names the registry, repository and digest or tag. */
export class RegistryError extends AiprovError<RegistryCode> {}

export class ForgeError extends AiprovError<ForgeCode> {}

export class StoreError extends AiprovError<StoreCode> {}

export class SarifError extends AiprovError<SarifCode> {}

/**
 * Evidence that does not verify (kept apart from PolicyError, as sigstore-js
 * does): the gate fails, exit 1.
 */
export class VerificationError extends AiprovError<VerificationCode> {
  override readonly exitCode = 1;
}

/** Verified evidence that the policy rejects (exit 1), or a policy or trust root that cannot be used (exit 2). */
export class PolicyError extends AiprovError<PolicyCode> {
  override readonly exitCode: 1 | 2;

  constructor(code: PolicyCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.exitCode = code === 'POLICY_FAILED' ? 1 : 2;
  }
}

export function isAiprovError(value: unknown): value is AiprovError {
  return value instanceof AiprovError;
}
