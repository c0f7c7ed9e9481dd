#!/usr/bin/env node
// sigstore-conformance's CLI protocol over aiprov's verifier (verify-bundle); see src/cli/conformance.ts.
const { conformanceMain } = await import('../dist/cli/conformance.js');
process.exitCode = await conformanceMain(process.argv.slice(2), (line) => {
  process.stderr.write(`${line}\n`);
});
