#!/usr/bin/env node
// The bin only checks the runtime and hands over to the built CLI.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`aiprov: Node.js >= 22 is required (this is ${process.version}); run it through npx or npm so the project's Node 24 is used\n`);
  process.exit(2);
}
const { runProcess } = await import('../dist/cli/main.js');
process.exitCode = await runProcess(process.argv.slice(2));
