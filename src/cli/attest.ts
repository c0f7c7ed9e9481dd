import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { attestCommit, bundleFileName } from '../attest/attest.js';
import { readPrivateKey, readPublicKey } from '../attest/keys.js';
import { predicateType, PREDICATE_TYPES, type PredicateName } from '../attest/statement.js';
import { verifyKeyBundle, type KeyVerification } from '../attest/verify-key.js';
import { readDepsReport } from '../bom/inputs.js';
import { KeyError, UsageError, VerificationError } from '../errors.js';
import { makeDirectory, readRegularFile } from '../files.js';
import { printable } from '../report/printable.js';
import { collect, contextFor, notice, readGlobals, writeWhole, type RawGlobals, type Register } from './globals.js';
import { readPassphrase } from './secret.js';

const BUNDLE_CAP = 16 * 1024 * 1024;
/** Artifacts are read whole to be hashed; one larger than this is refused, not truncated. */
const ARTIFACT_CAP = 8 * 1024 * 1024 * 1024;

/** The SHA-256 (hex) of a file named on the command line, as a subject digest. */
async function artifactDigest(file: string): Promise<string> {
  const read = await readRegularFile(file, ARTIFACT_CAP);
  if (!read.ok) throw new UsageError(read.problem, { field: 'artifact', value: file });
  return createHash('sha256').update(read.bytes).digest('hex');
}

export const registerAttest: Register = (program, exit) => {
  program
    .command('attest')
    .description('sign in-toto attestations about a commit with a local key (keyless Sigstore signing: coming)')
    .option('--commit <rev>', 'the commit attested', 'HEAD')
    .option('--predicate <names>', `comma-separated: ${Object.keys(PREDICATE_TYPES).filter((n) => n !== 'review').join(', ')}`, 'authorship')
    .option('--artifact <file>', 'also a subject: a built file, by its SHA-256 (repeatable)', collect)
    .option('--deps-report <file>', 'the dependency audit of the commit (needed for deps)')
    .option('--key <file>', 'the private key (aiprov keygen); its passphrase from AIPROV_PASSWORD')
    .option('--output-dir <dir>', 'where bundles are written, named after commit and predicate', '.')
    .action(async (flags: { commit: string; predicate: string; artifact?: string[]; depsReport?: string; key?: string; outputDir: string }, command: Command) => {
      const options = readGlobals({ ...command.optsWithGlobals<RawGlobals>(), format: undefined }, null, 'attest');
      if (flags.key === undefined) throw new UsageError('--key is required (keyless Sigstore signing is not available yet)');
      const names = flags.predicate.split(',').map((s) => s.trim()).filter((s) => s !== '');
      for (const n of names) if (!Object.hasOwn(PREDICATE_TYPES, n)) throw new UsageError(`--predicate ${n}: expected ${Object.keys(PREDICATE_TYPES).join(', ')}`);
      const artifacts = [];
      for (const file of flags.artifact ?? []) artifacts.push({ name: path.basename(file), sha256: await artifactDigest(file) });
      const privateKey = await readPrivateKey(flags.key, await readPassphrase(`the key ${flags.key}`, false));
      const deps = flags.depsReport !== undefined ? await readDepsReport(flags.depsReport) : undefined;
      const problem = await makeDirectory(flags.outputDir);
      if (problem !== undefined) throw new UsageError(problem, { field: 'outputDir', value: flags.outputDir, code: 'BAD_PATH' });
      const attestations = await attestCommit({ context: await contextFor(options), commit: flags.commit, predicates: names as PredicateName[], artifacts, privateKey, ...(deps ? { deps } : {}) });
      for (const a of attestations) {
        const file = path.join(flags.outputDir, bundleFileName(a));
        await writeWhole(file, `${JSON.stringify(a.bundle)}\n`);
        notice(options, `${a.predicateType} for ${a.commit.slice(0, 12)}: ${file}`);
      }
      exit(0);
    });
};

export const registerVerify: Register = (program, exit) => {
  program
    .command('verify')
    .description('verify attestations about a commit or an artifact: every check by name; exit 0 only when all pass')
    .option('--commit <rev>', 'the commit the attestation must be about', 'HEAD')
    .option('--artifact <file>', 'the artifact the attestation must be about (instead of a commit)')
    .option('--bundle <file>', 'a bundle to verify (repeatable: each must pass)', collect)
    .requiredOption('--type <predicate>', `predicate type: its URI, or ${Object.keys(PREDICATE_TYPES).join(', ')}`)
    .option('--key <file>', 'a trusted public key (repeatable)', collect)
    .action(async (flags: { commit: string; artifact?: string; bundle?: string[]; type: string; key?: string[] }, command: Command) => {
      const raw = command.optsWithGlobals<RawGlobals>();
      if (raw.format !== undefined && raw.format !== 'table' && raw.format !== 'json') throw new UsageError(`verify supports --format table or json, not ${raw.format}`);
      const format = raw.format ?? 'table';
      const options = readGlobals({ ...raw, format: undefined }, null, 'verify');
      const type = predicateType(flags.type);
      if (!flags.key || flags.key.length === 0) throw new KeyError('KEY_UNREADABLE', 'no trusted key: give --key PUB (keyless verification by certificate identity: coming)');
      if (!flags.bundle || flags.bundle.length === 0) throw new UsageError('no bundle to verify: give --bundle FILE (reading them from notes: coming)');
      const keys = await Promise.all(flags.key.map((k) => readPublicKey(k)));
      let subject: { gitCommit: string } | { sha256: string };
      if (flags.artifact !== undefined) {
        subject = { sha256: await artifactDigest(flags.artifact) };
      } else {
        subject = { gitCommit: await (await contextFor(options, false)).git.resolveCommit(flags.commit) };
      }
      const results: { bundle: string; verification: KeyVerification }[] = [];
      for (const file of flags.bundle) {
        const read = await readRegularFile(file, BUNDLE_CAP);
        if (!read.ok) throw new UsageError(read.problem, { field: 'bundle', value: file });
        let json: unknown;
        try { json = JSON.parse(read.bytes.toString('utf8')); } catch { json = undefined; }
        results.push({ bundle: file, verification: verifyKeyBundle({ bundle: json, keys, predicateType: type, subject }) });
      }
      const text = format === 'json'
        ? `${JSON.stringify({ predicateType: type, subject, verified: results.every((r) => r.verification.verified), bundles: results.map((r) => ({ bundle: r.bundle, verified: r.verification.verified, checks: r.verification.checks })) }, null, 2)}\n`
        : results.map((r) => `${printable(r.bundle)}: ${r.verification.verified ? 'VERIFIED' : 'FAILED'}\n${r.verification.checks.map((c) => `  ${c.result.padEnd(7)} ${c.name.padEnd(13)} ${printable(c.detail)}`).join('\n')}\n`).join('');
      await writeWhole(raw.output, text);
      const failed = results.filter((r) => !r.verification.verified);
      if (failed.length > 0) {
        // Verification failures are exit 1 (VerificationError), reported after the checks are shown.
        const first = failed[0]?.verification.checks.find((c) => c.result === 'failed');
        throw new VerificationError('SIGNATURE_INVALID', `${failed.length} of ${results.length} bundle${results.length === 1 ? '' : 's'} did not verify (${first ? `${first.name}: ${first.detail}` : 'failed'})`);
      }
      exit(0);
    });
};
