/** Progress of a long command on stderr: one line redrawn on a terminal, a few plain lines elsewhere. */
import type { Output } from './commands.js';

/** `[##########··········]  512/1024  50%` */
export function progressBar(done: number, total: number, width = 30): string {
  const share = total === 0 ? 1 : done / total;
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'·'.repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total} ${Math.round(share * 100)}%`;
}

export interface Progress {
  /** Shows a line: redrawn in place on a terminal, printed on its own line elsewhere. */
  show(line: string): void;
  /** Shows a bar; off a terminal with `endsOnly`, only at 0 and at the end (a log needs no hundred lines). */
  bar(done: number, total: number): void;
  /** Ends the redrawn line, if one was drawn. */
  end(): void;
}

export function progress(output: Output, tty: boolean, options: { endsOnly?: boolean } = {}): Progress {
  let last: string | null = null;
  let drawn = false;
  const show = (line: string) => {
    if (tty) {
      process.stderr.write(`\r${line}`);
      drawn = true;
    } else if (line !== last) output.err(line);
    last = line;
  };
  return {
    show,
    bar(done, total) {
      if (tty || !options.endsOnly || done === 0 || done === total) show(progressBar(done, total));
    },
    end() {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}

/** An error the command reports before it does anything: its code and message, exit code 1. */
export function fail(output: Output, code: string, message: string): number {
  output.err(`${code}: ${message}`);
  return 1;
}
