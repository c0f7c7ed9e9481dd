import { printable } from '../render/printable.js';

/** Where progress goes: stderr, or a stand-in in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Progress for people watching a long run: one line on stderr, rewritten in
 * place at most a few times a second, and cleared at the end. Silent with
 * --quiet and when stderr is not a terminal (CI logs get no carriage returns).
 */
export class Progress {
  private last = -Infinity;
  private shown = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    private readonly now: () => number = Date.now,
  ) {}

  static for(quiet: boolean, label: string, stream: ProgressStream): Progress | undefined {
    return quiet || stream.isTTY !== true ? undefined : new Progress(stream, label);
  }

  update(done: number, total: number): void {
    const at = this.now();
    if (done < total && at - this.last < 200) return;
    this.last = at;
    this.shown = true;
    this.stream.write(`\r\x1b[2Kaiprov: ${printable(this.label)} ${done.toLocaleString('en')} of ${total.toLocaleString('en')}`);
  }

  /** Clears the line, so that what follows starts clean. */
  done(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}

/** The library's `onProgress` option for a progress line, or none (not a terminal, or --quiet). */
export function progressOption(progress: Progress | undefined): { onProgress?: (done: number, total: number) => void } {
  return progress
    ? {
        onProgress: (done: number, total: number) => {
          progress.update(done, total);
        },
      }
    : {};
}
