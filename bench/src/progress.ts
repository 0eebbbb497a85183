// The progress display writes to stderr, so that stdout stays free for a caller that parses
// it. On a terminal it redraws one status line in place. Elsewhere (CI logs, pipes) it prints
// a line when a job starts and ends, and at most every 10 s in between.

import type { ProgressMessage } from './protocol.js';

const NON_TTY_INTERVAL_MS = 10_000;

/** Shows which job of the plan runs, how far it is, and the rate and time so far. */
export class Progress {
  private readonly tty: boolean;
  private readonly started = Date.now();
  private jobIndex = 0;
  private label = '';
  private jobStarted = 0;
  private lastPrinted = 0;
  private statusShown = false;

  constructor(
    private totalJobs: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(stream.isTTY) && process.env.CI === undefined;
  }

  /** Adds jobs to the plan, such as profiles decided after a target was missed. */
  addJobs(count: number): void {
    this.totalJobs += count;
  }

  /** Prints a line above the status line, such as a phase heading or a result. */
  log(text: string): void {
    this.clearStatus();
    this.stream.write(`${text}\n`);
  }

  startJob(label: string): void {
    this.jobIndex++;
    this.label = label;
    this.jobStarted = Date.now();
    this.lastPrinted = this.jobStarted;
    if (!this.tty) this.log(`${this.prefix()} ${label}: started`);
    else this.draw(`${this.prefix()} ${label}`);
  }

  update({ done, total, detail, unit }: Omit<ProgressMessage, 'kind'>): void {
    const seconds = (Date.now() - this.jobStarted) / 1000;
    const rate = seconds > 0 && unit === 'events' ? ` ${formatInteger(done / seconds)} events/s` : '';
    const share = total > 0 ? ` (${Math.floor((100 * done) / total)} %)` : '';
    const text = `${this.prefix()} ${this.label}${detail ? ` ${detail}` : ''}: ${formatInteger(done)}/${formatInteger(total)}${share}${rate}`;
    if (this.tty) {
      this.draw(`${text}  ${formatDuration(Date.now() - this.started)} elapsed`);
    } else if (Date.now() - this.lastPrinted >= NON_TTY_INTERVAL_MS) {
      this.lastPrinted = Date.now();
      this.log(text);
    }
  }

  /** Ends the current job with a one-line outcome. */
  finishJob(outcome: string): void {
    const seconds = ((Date.now() - this.jobStarted) / 1000).toFixed(1);
    this.log(`${this.prefix()} ${this.label}: ${outcome} (${seconds} s)`);
  }

  /** Clears the status line before the program prints its last lines. */
  close(): void {
    this.clearStatus();
  }

  private prefix(): string {
    return `[${this.jobIndex}/${this.totalJobs}]`;
  }

  private draw(text: string): void {
    const width = this.stream.columns ?? 120;
    this.stream.write(`\r\x1b[K${text.slice(0, width - 1)}`);
    this.statusShown = true;
  }

  private clearStatus(): void {
    if (this.tty && this.statusShown) this.stream.write('\r\x1b[K');
    this.statusShown = false;
  }
}

/** Formats a number with thousands separators and no fraction, such as `38,120`. */
export function formatInteger(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Formats milliseconds as `1m05s` or `12.3s`. */
export function formatDuration(milliseconds: number): string {
  const seconds = milliseconds / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
}
