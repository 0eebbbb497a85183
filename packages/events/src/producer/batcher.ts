import { EventsError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DeliveryReport, OutgoingRecord, Transport } from '../transport/types.js';
import { isRetriable, jitteredBackoff, sleep, withTimeout } from '../retry.js';

/** Settings of the publish path's batching, buffering and retries. */
export interface BatchingOptions {
  /** Time a record waits for others to join its batch, in milliseconds. Default 5. */
  lingerMs?: number;
  /** Maximum records in one send; a full batch is sent without waiting. Default 1000. */
  maxBatchSize?: number;
  /** Maximum records buffered but not yet acknowledged; `publish` waits when it is reached. Default 100000. */
  maxBufferedRecords?: number;
  /** Time `publish` waits for buffer space before it fails, in milliseconds (Java's max.block.ms). Default 60000. */
  maxBlockMs?: number;
  /** Time from `publish` to acknowledgement within which failed sends are retried, in milliseconds. Default 120000, as the Java client's delivery.timeout.ms. */
  deliveryTimeoutMs?: number;
}

interface Pending {
  record: OutgoingRecord;
  deadline: number;
  resolve: (report: DeliveryReport) => void;
  reject: (error: unknown) => void;
}

const DEFAULTS = {
  lingerMs: 5,
  maxBatchSize: 1000,
  maxBufferedRecords: 100_000,
  maxBlockMs: 60_000,
  deliveryTimeoutMs: 120_000,
} satisfies Required<BatchingOptions>;

/**
 * Gathers records from concurrent `publish` calls into batches and sends them one batch at a
 * time. One send in flight keeps every key's records in publish order and keeps kafkajs's
 * idempotent producer from seeing concurrent sends, which can fail with out-of-order
 * sequence errors. Each record's promise settles with its own acknowledgement or error.
 */
export class RecordBatcher {
  private readonly options: Required<BatchingOptions>;
  private queue: Pending[] = [];
  private buffered = 0;
  private sending = false;
  private timer: NodeJS.Timeout | undefined;
  private spaceWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly transport: Transport,
    private readonly logger: Logger,
    options: BatchingOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...stripUndefined(options) };
  }

  /** Buffers records and resolves with their delivery reports, in the same order. */
  async enqueue(records: OutgoingRecord[]): Promise<DeliveryReport[]> {
    await this.reserve(records.length);
    const deadline = Date.now() + this.options.deliveryTimeoutMs;
    const promises = records.map((record) => this.push(record, deadline));
    this.schedule();
    return Promise.all(promises);
  }

  /** Buffers one record and resolves with its delivery report; waits only when the buffer is full. */
  enqueueOne(record: OutgoingRecord): Promise<DeliveryReport> {
    if (this.buffered + 1 <= this.options.maxBufferedRecords) {
      // Room now: no await before the record joins the queue, so call order is queue order.
      this.buffered += 1;
      const delivery = this.push(record, Date.now() + this.options.deliveryTimeoutMs);
      this.schedule();
      return delivery;
    }
    return this.enqueue([record]).then((reports) => reports[0] as DeliveryReport);
  }

  private push(record: OutgoingRecord, deadline: number): Promise<DeliveryReport> {
    return new Promise<DeliveryReport>((resolve, reject) => {
      this.queue.push({ record, deadline, resolve, reject });
    });
  }

  /** Sends everything buffered and resolves when nothing is left in flight. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    void this.drain();
    if (this.queue.length === 0 && !this.sending) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Records buffered and not yet acknowledged. */
  get size(): number {
    return this.buffered;
  }

  private async reserve(count: number): Promise<void> {
    if (count > this.options.maxBufferedRecords) {
      throw new EventsError(
        'PUBLISH_FAILED',
        `Cannot buffer ${count} records at once: maxBufferedRecords is ${this.options.maxBufferedRecords}. Publish in smaller batches.`,
      );
    }
    const started = Date.now();
    while (this.buffered + count > this.options.maxBufferedRecords) {
      const remaining = this.options.maxBlockMs - (Date.now() - started);
      if (remaining <= 0 || !(await this.waitForSpace(remaining))) {
        throw new EventsError(
          'BUFFER_FULL',
          `The publish buffer stayed full (${this.buffered} records) for ${this.options.maxBlockMs} ms, usually because ` +
            'the broker is unreachable or slower than the publish rate. Nothing was sent for this call; retry later.',
          {},
          true,
        );
      }
    }
    this.buffered += count;
  }

  private waitForSpace(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.spaceWaiters = this.spaceWaiters.filter((waiter) => waiter !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.spaceWaiters.push(wake);
    });
  }

  private release(count: number): void {
    this.buffered -= count;
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const wake of waiters) wake();
  }

  private schedule(): void {
    if (this.sending) return;
    if (this.queue.length >= this.options.maxBatchSize) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.drain();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.drain();
      }, this.options.lingerMs);
    }
  }

  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatchSize);
        await this.sendWithRetries(batch);
        this.release(batch.length);
      }
    } finally {
      this.sending = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async sendWithRetries(batch: Pending[]): Promise<void> {
    const deadline = Math.min(...batch.map((pending) => pending.deadline));
    for (let attempt = 1; ; attempt++) {
      try {
        const reports = await withDeadline(this.transport.send(batch.map((pending) => pending.record)), deadline);
        batch.forEach((pending, index) => pending.resolve(reports[index] as DeliveryReport));
        return;
      } catch (error) {
        const remaining = deadline - Date.now();
        if (!isRetriable(error) || remaining <= 0) {
          const failure = publishFailure(error, isRetriable(error), this.options.deliveryTimeoutMs);
          this.logger.error({ records: batch.length, attempt, code: failure.code, error: describeError(error) }, 'publish failed');
          for (const pending of batch) pending.reject(failure);
          return;
        }
        const delayMs = Math.min(remaining, jitteredBackoff(attempt, 100, 5_000));
        this.logger.warn({ records: batch.length, attempt, delayMs, error: describeError(error) }, 'retrying publish');
        await sleep(delayMs);
      }
    }
  }
}

function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  return withTimeout(
    promise,
    deadline - Date.now(),
    () => new EventsError('DELIVERY_TIMEOUT', 'The send did not complete before the delivery timeout.', {}, true),
  );
}

// A retriable error that outlived the delivery timeout becomes DELIVERY_TIMEOUT; any other
// error is final as it is.
function publishFailure(error: unknown, retriable: boolean, deliveryTimeoutMs: number): EventsError {
  const reason = (error as Error)?.message ?? String(error);
  if (retriable) {
    return new EventsError(
      'DELIVERY_TIMEOUT',
      `The event was not acknowledged within the delivery timeout of ${deliveryTimeoutMs} ms (last error: ${reason}). ` +
        'It may or may not have been written; publish it again if it must arrive.',
      { cause: error },
      true,
    );
  }
  if (error instanceof EventsError) return error;
  return new EventsError('PUBLISH_FAILED', `The broker rejected the event: ${reason}.`, { cause: error });
}

function describeError(error: unknown): Record<string, unknown> {
  const { name, message, code, type } = (error ?? {}) as { name?: string; message?: string; code?: string; type?: string };
  return { name, message, code: code ?? type };
}

function stripUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
