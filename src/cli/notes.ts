import type { Command } from 'commander';
import { remoteSync } from '../git/remote.js';
import { notesSyncReport } from '../render/notes-render.js';
import { notesCommitter } from '../sync/config.js';
import { fetchNotes, mergeFetchedNotes, pushNotes, type NotesSyncResult } from '../sync/sync.js';
import type { Context } from '../context/context.js';
import { contextFor, print, readGlobals, type RawGlobals, type Register } from './globals.js';

const STEPS = {
  fetch: {
    description: "fetch the remote's aiprov notes (and git-ai's) into refs/notes/remotes/REMOTE/ and merge them into the local refs, as a union of records",
    run: fetchNotes,
  },
  merge: {
    description: 'merge what a plain git fetch brought into refs/notes/remotes/REMOTE/ (the refspec hooks install adds) into the local refs; no network',
    run: mergeFetchedNotes,
  },
  push: {
    description: "push aiprov's notes refs without force; when the remote moved, merge its notes and push again (bounded)",
    run: pushNotes,
  },
} as const;

export const registerNotes: Register = (program, exit, io) => {
  const notes = program.command('notes').description("move aiprov's notes refs to and from a remote without losing a record");
  for (const [name, step] of Object.entries(STEPS) as [keyof typeof STEPS, (typeof STEPS)[keyof typeof STEPS]][]) {
    notes
      .command(name)
      .description(step.description)
      .argument('[remote]', 'a configured remote', 'origin')
      .action(async (remote: string, _flags: object, command: Command) => {
        const options = readGlobals(command.optsWithGlobals<RawGlobals>(), 'notesSync', `notes ${name}`, io);
        const context = await contextFor(options);
        const result: NotesSyncResult = await step.run({ context: { sync: syncFor(context) }, remote });
        await print(options, 'notesSync', notesSyncReport(result));
        exit(0);
      });
  }
};

/** git's side of the sync, committing notes as the config's `notes.committer` says. */
export function syncFor(context: Context): ReturnType<typeof remoteSync> {
  return remoteSync(context.git.root, context.env.vars, undefined, notesCommitter(context.config.notes));
}
