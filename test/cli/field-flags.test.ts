/**
 * Library errors name the option at fault by its library name (`field`); the
 * CLI shows the running command's flag for it (cli/main.ts, flagFor). Every
 * field any library function or command raises must map to a flag: of the
 * command that raises it, and for a library field, of at least one command.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandTree, flagFor } from '../../src/cli/main.js';
import { UsageError } from '../../src/kernel/errors.js';
import { sourceFiles } from '../import-graph.js';
import { runCli } from './run-cli.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
// Not a placeholder: a template's `${x}`, git's peel syntax (`^{tree}`), or a URL template's path segment (`/{name}`).
const FIELD = /field: '([A-Za-z]+)'|(?<![$^/])\{([a-z][A-Za-z]+)\}/g;

/** The fields named in a file's UsageErrors (`field: 'x'`, and `{x}` placeholders in their problems). */
function fieldsIn(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const m of text.matchAll(FIELD)) found.add(m[1] ?? m[2] ?? '');
  // Fields passed by a variable (blame's globs: field: 'include' | 'exclude').
  for (const m of text.matchAll(/field: '([A-Za-z]+)' \| '([A-Za-z]+)'/g)) {
    found.add(m[1] ?? '');
    found.add(m[2] ?? '');
  }
  found.delete('');
  return found;
}

/** Every runnable command (leaves), with its full name. */
function leaves(command: Command, prefix = ''): [string, Command][] {
  const name = prefix === '' ? '' : prefix;
  if (command.commands.length === 0) return [[name, command]];
  return command.commands.flatMap((c) => leaves(c, `${name}${name === '' ? '' : ' '}${c.name()}`));
}

describe('every UsageError field maps to a flag', () => {
  it('for each command: the fields its own CLI file raises are flags of that command', async () => {
    const tree = await commandTree();
    const commands = leaves(tree);
    expect(commands.map(([name]) => name)).toContain('deps check');
    for (const [name, command] of commands) {
      const file = path.join(SRC, 'cli', `${name.split(' ')[0] ?? ''}.ts`);
      for (const field of fieldsIn(file)) expect(flagFor(command, field), `${name}: ${field}`).toMatch(/^--[a-z-]+$/);
    }
  });

  it('every field a library function raises is a flag of some command, so no library name reaches a user', async () => {
    const commands = leaves(await commandTree());
    // errors.ts defines the mechanism (its comments show a placeholder); everything else raises errors.
    const library = sourceFiles(SRC).filter((f) => !f.includes(`${path.sep}cli${path.sep}`) && !f.endsWith(path.join('kernel', 'errors.ts')));
    const unmapped: string[] = [];
    for (const file of library) {
      for (const field of fieldsIn(file)) {
        if (!commands.some(([, command]) => flagFor(command, field) !== undefined)) unmapped.push(`${path.relative(SRC, file)}: ${field}`);
      }
    }
    expect(unmapped).toEqual([]);
  });

  it('a message that names its flags itself is not prefixed with one (verify without a bundle source, or with two)', async () => {
    expect(await runCli(['verify', '--type', 'authorship', '--key', 'k.pub'])).toMatchObject({
      code: 2,
      stderr: 'aiprov: no bundle to verify: give --bundle FILE, --from-notes or --image REF\n',
    });
    expect(await runCli(['verify', '--type', 'authorship', '--bundle', 'b.json', '--from-notes'])).toMatchObject({
      code: 2,
      stderr: 'aiprov: give one of --bundle files, --from-notes and --image\n',
    });
  });

  it("placeholders name other flags in the command's terms; the library's own message keeps the field names", async () => {
    const error = new UsageError('is required, unless {fromAgentTrace} names the agent', { field: 'agent' });
    expect(error.message).toBe('agent is required, unless fromAgentTrace names the agent');
    const record = await runCli(['record', '--repo', SRC]);
    expect(record).toMatchObject({ code: 2, stderr: 'aiprov: --agent is required, unless --from-agent-trace names the agent\n' });
  });
});
