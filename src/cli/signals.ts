import { removePendingOutputs } from '../render/output.js';

let installed = false;

/**
 * For the real process only (bin/aiprov.js): SIGINT and SIGTERM remove the
 * temporary files of outputs not yet complete, then the process dies of the
 * same signal, as if aiprov had not been listening. A CLI run in process
 * (tests, an embedding program) leaves the host's signals alone.
 */
export function removeOutputsOnSignal(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const handler = (): void => {
      removePendingOutputs();
      process.off(signal, handler);
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}
