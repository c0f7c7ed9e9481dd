/**
 * Typed errors. Every error a user can cause or meet carries a code and a
 * one-line message that names the thing at fault; the CLI prints the message
 * and exits 2 ("could not decide"). Library code throws these, never prints.
 */
export type ErrorCode =
  | 'BAD_ARGUMENT'
  | 'NOT_A_REPOSITORY'
  | 'BAD_REVISION'
  | 'GIT_FAILED'
  | 'GIT_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'CONFIG_UNREADABLE'
  | 'OUTPUT_FAILED';

export class AiprovError extends Error {
  readonly code: ErrorCode;
  /** Exit code a CLI should use: 2 means "could not decide". */
  readonly exitCode = 2;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AiprovError';
    this.code = code;
  }
}

export class GitError extends AiprovError {
  constructor(code: 'NOT_A_REPOSITORY' | 'BAD_REVISION' | 'GIT_FAILED' | 'GIT_NOT_FOUND', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'GitError';
  }
}

export class ConfigError extends AiprovError {
  constructor(code: 'CONFIG_INVALID' | 'CONFIG_UNREADABLE', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ConfigError';
  }
}

export class UsageError extends AiprovError {
  constructor(message: string) {
    super('BAD_ARGUMENT', message);
    this.name = 'UsageError';
  }
}

export function isAiprovError(value: unknown): value is AiprovError {
  return value instanceof AiprovError;
}
