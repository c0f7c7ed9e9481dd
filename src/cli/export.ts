import { lstat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { AGENT_TRACE_FILE } from '../authorship/line-records.js';
import { exportAttribution, type ExportFormat } from '../export/export.js';
import type { TraceRecord } from '../export/agent-trace.js';
import { UsageError } from '../kernel/errors.js';
import { readRegularFile } from '../kernel/files.js';
import { contextFor, notice, readGlobals, writeWhole, type GlobalOptions, type RawGlobals, type Register } from './globals.js';
import { resolvePath } from './io.js';
import { sinceRevision } from './since.js';

/** The largest traces file read to add to it. */
const TRACES_CAP = 512 * 1024 * 1024;

interface ExportFlags {
  rev: string;
  since?: string;
  notesRef?: string;
}

export const registerExport: Register = (program, exit, io) => {
  program
    .command('export')
    .description(
      "write the line attribution aiprov established in other tools' formats: --format agent-trace (Agent Trace records, .agent-trace/traces.jsonl) or git-ai (authorship/3.0.0 notes in refs/notes/ai)",
    )
    .option('--rev <rev>', 'the revision whose history is exported', 'HEAD')
    .option('--since <rev|date>', 'only the commits after this revision')
    .option('--notes-ref <ref>', 'git-ai: the notes ref written (default: refs/notes/ai)')
    .action(async (flags: ExportFlags, command: Command) => {
      const raw = command.optsWithGlobals<RawGlobals>();
      const format = exportFormat(raw.format);
      if (flags.notesRef !== undefined && format !== 'git-ai') throw new UsageError('--notes-ref applies to --format git-ai');
      if (raw.output !== undefined && format === 'git-ai') throw new UsageError('--format git-ai writes notes (--notes-ref), not a file');
      const options = readGlobals({ ...raw, format: 'table' }, null, 'export', io);
      const context = await contextFor(options);
      const since = flags.since === undefined ? undefined : await sinceRevision(context.git, flags.since, flags.rev);
      // Where the records go is checked before anything is read.
      const output = format === 'agent-trace' ? (raw.output ?? (await inRepository(context.git.root))) : undefined;
      const result = await exportAttribution({
        context,
        format,
        rev: flags.rev,
        ...(since !== undefined ? { since } : {}),
        ...(flags.notesRef !== undefined ? { notesRef: flags.notesRef } : {}),
      });
      for (const warning of result.warnings) notice(options, `warning: ${warning.message}`);
      if (result.records && output !== undefined) await writeRecords(options, output, result.records);
      if (result.notes) {
        const { ref, written, kept } = result.notes;
        notice(
          options,
          `${written} git-ai note${written === 1 ? '' : 's'} added to ${ref}${
            kept.length > 0
              ? `; ${kept.length} commit${kept.length === 1 ? '' : 's'} already had one there, left as ${kept.length === 1 ? 'it was' : 'they were'} (${kept
                  .slice(0, 3)
                  .map((s) => s.slice(0, 12))
                  .join(', ')}${kept.length > 3 ? ', …' : ''})`
              : ''
          }`,
        );
      }
      exit(0);
    });
};

/**
 * The default file, `.agent-trace/traces.jsonl` in the repository: never
 * through a symbolic link the repository holds (it is untrusted input: a link
 * would have aiprov read and write outside it). A file named with --output is
 * the user's, followed as a shell redirection is.
 */
async function inRepository(root: string): Promise<string> {
  const dir = path.join(root, path.dirname(AGENT_TRACE_FILE));
  const file = path.join(root, AGENT_TRACE_FILE);
  for (const [p, directory] of [
    [dir, true],
    [file, false],
  ] as const) {
    const info = await lstat(p).catch(() => undefined);
    if (info && (info.isSymbolicLink() || info.isDirectory() !== directory))
      throw new UsageError(
        `${path.relative(root, p)} in the repository is ${info.isSymbolicLink() ? 'a symbolic link' : directory ? 'not a directory' : 'not a regular file'}: not written through; give --output FILE`,
        { code: 'BAD_PATH' },
      );
  }
  return file;
}

function exportFormat(format: string | undefined): ExportFormat {
  if (format === 'agent-trace' || format === 'git-ai') return format;
  throw new UsageError(`export writes --format agent-trace or git-ai${format === undefined ? ': say which' : `, not ${format}`}`);
}

/**
 * The records as JSON lines: to stdout (`-`), or to the file, whose records
 * stay as they are, in front, with only those of ids it does not have added
 * (exporting again adds nothing). Written whole, atomically.
 */
async function writeRecords(options: GlobalOptions, output: string, records: readonly TraceRecord[]): Promise<void> {
  const lines = (list: readonly TraceRecord[]): string => list.map((r) => `${JSON.stringify(r)}\n`).join('');
  if (output === '-') return writeWhole(options.io, undefined, lines(records));
  const file = resolvePath(options.io, output);
  const read = await readRegularFile(file, TRACES_CAP);
  if (!read.ok && read.code !== 'ENOENT') throw new UsageError(read.problem, { field: 'output', value: output });
  const existing = read.ok ? read.bytes.toString('utf8') : '';
  const ids = new Set(
    existing.split('\n').flatMap((line) => {
      try {
        const id = (JSON.parse(line) as { id?: unknown }).id;
        return typeof id === 'string' ? [id] : [];
      } catch {
        return [];
      }
    }),
  );
  const added = records.filter((r) => !ids.has(r.id));
  await mkdir(path.dirname(file), { recursive: true });
  const kept = existing === '' || existing.endsWith('\n') ? existing : `${existing}\n`;
  await writeWhole(options.io, file, kept + lines(added));
  notice(
    options,
    `${added.length} Agent Trace record${added.length === 1 ? '' : 's'} written to ${output}${records.length > added.length ? ` (${records.length - added.length} already there)` : ''}`,
  );
}
