/** Peak resident set and heap of one worker process, in bytes. */
export interface MemoryPeaks {
  peakRss: number;
  peakHeapUsed: number;
  /** Heap in use after a forced garbage collection at the end, when `--expose-gc` is on. */
  finalHeapUsed: number;
  samples: number;
}

/**
 * Samples `process.memoryUsage()` on a timer and keeps the peaks. A timer cannot fire
 * inside a synchronous loop, so the sampler also runs whenever the scenario calls `sample`.
 */
export class MemorySampler {
  private peakRss = 0;
  private peakHeapUsed = 0;
  private count = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 100) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  sample(): void {
    const { rss, heapUsed } = process.memoryUsage();
    if (rss > this.peakRss) this.peakRss = rss;
    if (heapUsed > this.peakHeapUsed) this.peakHeapUsed = heapUsed;
    this.count++;
  }

  /** Stops sampling and returns the peaks. */
  stop(): MemoryPeaks {
    clearInterval(this.timer);
    this.sample();
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    return {
      peakRss: this.peakRss,
      peakHeapUsed: this.peakHeapUsed,
      finalHeapUsed: process.memoryUsage().heapUsed,
      samples: this.count,
    };
  }
}
