import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AiprovError,
  ConfigError,
  GitError,
  HooksError,
  ManifestError,
  NotesError,
  OutputError,
  PolicyError,
  UsageError,
  VerificationError,
  isAiprovError,
} from '../src/kernel/errors.js';
import { fileSink } from '../src/render/output.js';
import { tempDir } from './helpers.js';

describe('the error taxonomy', () => {
  it('gives each area its own class, codes and exit code', () => {
    const cases: [AiprovError, string, string, number][] = [
      [new UsageError('is required', { field: 'agent' }), 'UsageError', 'BAD_ARGUMENT', 2],
      [new UsageError('no such file', { field: 'promptFile', value: '/x', code: 'BAD_PATH' }), 'UsageError', 'BAD_PATH', 2],
      [new GitError('BAD_REVISION', "unknown revision 'x'"), 'GitError', 'BAD_REVISION', 2],
      [new ConfigError('CONFIG_INVALID', 'f: bad'), 'ConfigError', 'CONFIG_INVALID', 2],
      [new NotesError('NOTE_UNREADABLE', 'note'), 'NotesError', 'NOTE_UNREADABLE', 2],
      [new ManifestError('package.json', 'is not valid JSON'), 'ManifestError', 'MANIFEST_INVALID', 2],
      [new HooksError('HOOK_CONFLICT', 'hook'), 'HooksError', 'HOOK_CONFLICT', 2],
      [new OutputError('cannot write x'), 'OutputError', 'OUTPUT_FAILED', 2],
      // Evidence that does not verify, and policy that rejects verified evidence, fail the gate (1) ...
      [new VerificationError('SUBJECT_MISMATCH', 'subject'), 'VerificationError', 'SUBJECT_MISMATCH', 1],
      [new PolicyError('POLICY_FAILED', 'policy'), 'PolicyError', 'POLICY_FAILED', 1],
      // ... while a policy or trust root that cannot be used means the gate could not decide (2).
      [new PolicyError('TRUST_MATERIAL_MISSING', 'no key'), 'PolicyError', 'TRUST_MATERIAL_MISSING', 2],
    ];
    for (const [error, name, code, exitCode] of cases) {
      expect(isAiprovError(error)).toBe(true);
      expect(error).toBeInstanceOf(Error);
      expect({ name: error.name, code: error.code, exitCode: error.exitCode }).toEqual({ name, code, exitCode });
    }
  });

  it('names the field in library terms, and lets the CLI name its flag instead', () => {
    const error = new UsageError('no such file', { field: 'promptFile', value: '/x', code: 'BAD_PATH' });
    expect(error.message).toBe('promptFile /x: no such file');
    expect(error.messageFor((field) => (field === 'promptFile' ? '--prompt-file' : undefined))).toBe('--prompt-file /x: no such file');
    expect(error.messageFor(() => undefined)).toBe('promptFile /x: no such file');
    const required = new UsageError('is required', { field: 'agent' });
    expect(required.messageFor(() => '--agent')).toBe('--agent is required');
    expect(new UsageError('plain').messageFor(() => '--never')).toBe('plain');
  });

  it('an output that cannot be written is OUTPUT_FAILED naming the file, and leaves nothing behind', async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'missing-dir', 'report.json');
    await expect(
      Promise.resolve().then(async () => {
        const sink = fileSink(target);
        await sink.write('x');
        await sink.commit();
      }),
    ).rejects.toMatchObject({ code: 'OUTPUT_FAILED', name: 'OutputError', message: expect.stringContaining(target) as unknown });
  });
});
