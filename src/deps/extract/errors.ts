import { AiprovError } from '../../errors.js';

/** A manifest or lockfile that cannot be read: the audit cannot decide, so it stops with the file named. */
export class ManifestError extends AiprovError {
  constructor(readonly file: string, problem: string) {
    super('BAD_ARGUMENT', `${file} ${problem}`);
    this.name = 'ManifestError';
  }
}
