/** Median and spread of repeated measurements of one figure. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Every repetition, in the order measured. */
  samples: number[];
}

/** Summarizes repeated measurements, and throws when there are none. */
export function summarize(samples: number[]): Summary {
  if (samples.length === 0) throw new Error('summarize needs at least one sample.');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, samples };
}

// Bucket i contains values in [BASE^i, BASE^(i+1)) microseconds, so every percentile is
// within 1 % of the true value, and memory stays the same whatever the count.
const BASE = 1.01;
const LOG_BASE = Math.log(BASE);
const BUCKETS = Math.ceil(Math.log(1e9) / LOG_BASE); // 1 µs to 1000 s

/**
 * Latency histogram in milliseconds with log-spaced buckets of 1 % width. Its fixed size
 * keeps the benchmark's own memory flat however many events a run records.
 */
export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS + 1);
  private total = 0;

  record(milliseconds: number): void {
    this.recordMany(milliseconds, 1);
  }

  /** Records `count` events that all took `milliseconds`, such as the events of one batch. */
  recordMany(milliseconds: number, count: number): void {
    const micros = Math.max(1, milliseconds * 1000);
    const index = Math.min(BUCKETS, Math.floor(Math.log(micros) / LOG_BASE));
    this.counts[index] = (this.counts[index] as number) + count;
    this.total += count;
  }

  get count(): number {
    return this.total;
  }

  /** Returns the value in milliseconds below which `quantile` (0 to 1) of the records fall. */
  percentile(quantile: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.ceil(quantile * this.total);
    let seen = 0;
    for (let index = 0; index < this.counts.length; index++) {
      seen += this.counts[index] as number;
      if (seen >= rank) return (BASE ** (index + 0.5)) / 1000;
    }
    return (BASE ** BUCKETS) / 1000;
  }
}
