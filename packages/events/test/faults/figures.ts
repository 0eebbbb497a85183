import { appendFileSync } from 'node:fs';

import type { Logger } from '../../src/index.js';

/**
 * Appends one scenario's figures as a JSON line to the file named by `FAULT_TEST_REPORT`,
 * so a run can record them for docs/fault-tests.md. Does nothing when the variable is unset.
 */
export function reportFigures(scenario: string, figures: Record<string, unknown>): void {
  const file = process.env.FAULT_TEST_REPORT;
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ scenario, at: new Date().toISOString(), ...figures })}\n`);
}

/** A logger that prints nothing and counts its calls by level and message, for the figures. */
export class CountingLogger implements Logger {
  readonly counts = new Map<string, number>();
  /** The fields of the last few error calls, for failure messages. */
  readonly lastErrors: Record<string, unknown>[] = [];

  debug(): void {}

  info(): void {}

  warn(_fields: Record<string, unknown>, message: string): void {
    this.count(`warn: ${message}`);
  }

  error(fields: Record<string, unknown>, message: string): void {
    this.count(`error: ${message}`);
    this.lastErrors.push({ message, ...fields });
    if (this.lastErrors.length > 5) this.lastErrors.shift();
  }

  /** Returns the counts as a plain object, largest first. */
  summary(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort((a, b) => b[1] - a[1]));
  }

  private count(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}
