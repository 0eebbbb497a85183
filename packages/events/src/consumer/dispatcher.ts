import { EventsError } from '../errors.js';
import { readHeaders } from '../headers.js';
import type { Logger } from '../logger.js';
import { emit } from '../metrics.js';
import type { MetricsHooks } from '../metrics.js';
import { isRetriable, jitteredBackoff, sleep } from '../retry.js';
import { startHandleSpan } from '../tracing.js';
import type { TraceScope } from '../tracing.js';
import type { DecodedEvent, EventSerde } from '../serde/event-serde.js';
import type { IncomingRecord, OutgoingRecord } from '../transport/types.js';
import { deadLetterRecord } from './dead-letter.js';

/** How often a failing handler runs before its record goes to the dead-letter topic. */
export interface RetryPolicy {
  /** Runs of the handler in all, the first included. Default 5. */
  maxAttempts?: number;
  /** Upper bound of the first backoff, in milliseconds; it doubles per attempt. Default 200. */
  initialBackoffMs?: number;
  /** Upper bound of any backoff, in milliseconds. Default 10000. */
  maxBackoffMs?: number;
}

/** A handler as the dispatcher calls it: the decoded event and its metadata. */
export type RawHandler = (event: { type: string; key: string; payload: unknown; metadata: Record<string, unknown> }) => unknown;

/** Settings and collaborators of one subscription's dispatcher. */
export interface DispatcherOptions {
  groupId: string;
  handlers: Readonly<Record<string, RawHandler | undefined>>;
  unhandled: 'skip' | 'fail';
  retry: Required<RetryPolicy>;
  serde: EventSerde;
  deadLetter: (record: OutgoingRecord) => Promise<void>;
  logger: Logger;
  metrics?: MetricsHooks;
  /** Tells whether the subscription is closing, so backoffs end early and nothing is dead-lettered. */
  isClosing: () => boolean;
}

/** Thrown when a subscription closes during a handler's retries; the record is not committed. */
export class SubscriptionClosingError extends EventsError {
  override name = 'SubscriptionClosingError';

  constructor() {
    super('CLIENT_CLOSED', 'The subscription closed before the handler succeeded; the record will be delivered again.', {}, true);
  }
}

/**
 * Decodes one record, calls its handler, retries a failing handler with jittered
 * exponential backoff, and sends a record that cannot be decoded, has no handler under the
 * `fail` policy, or fails every attempt to the dead-letter topic. Once the record is done
 * with, the transport commits its offset and the partition moves on: at once when this
 * returns undefined (the writer schema was cached and the handler returned no promise), or
 * when the returned promise resolves.
 */
export function dispatch(record: IncomingRecord, options: DispatcherOptions): Promise<void> | undefined {
  let decoded: DecodedEvent | undefined;
  try {
    decoded = options.serde.decodeCached(record.value);
  } catch {
    // Final or not, the full path below decides what happens to the record.
  }
  return decoded ? handleDecoded(record, decoded, options) : decodeAndHandle(record, options);
}

async function decodeAndHandle(record: IncomingRecord, options: DispatcherOptions): Promise<void> {
  const decoded = await decodeOrDeadLetter(record, options);
  if (decoded) await handleDecoded(record, decoded, options);
}

function handleDecoded(record: IncomingRecord, decoded: DecodedEvent, options: DispatcherOptions): Promise<void> | undefined {
  const handler = options.handlers[decoded.type];
  if (!handler) {
    if (options.unhandled === 'skip') return undefined;
    const error = new EventsError('EVENT_TYPE_UNHANDLED', `No handler for ${decoded.type} in group '${options.groupId}'.`, {
      eventType: decoded.type,
      topic: record.topic,
    });
    return deadLetter(record, error, 0, decoded.type, options);
  }

  const key = record.key?.toString('utf8') ?? '';
  const event: HandlerEvent = {
    type: decoded.type,
    key,
    payload: decoded.payload,
    metadata: buildMetadata(record, decoded.type, key, decoded.schemaId),
  };
  // The first attempt runs without an await, so a handler that returns no promise finishes
  // the record synchronously; a failure goes on to the retries.
  const started = options.metrics?.consumed ? performance.now() : 0;
  const span = startHandleSpan(record.headers, record.topic, decoded.type, options.groupId);
  let result: unknown;
  try {
    result = span.run(handler, event);
  } catch (error) {
    span.end(error);
    return retry(record, handler, event, options, error);
  }
  if (!isPromiseLike(result)) {
    succeeded(record, event.type, span, started, options);
    return undefined;
  }
  return Promise.resolve(result).then(
    () => succeeded(record, event.type, span, started, options),
    (error: unknown) => {
      span.end(error);
      return retry(record, handler, event, options, error);
    },
  );
}

type HandlerEvent = Parameters<RawHandler>[0];

// Runs the attempts after a failed first one, until one succeeds, the subscription closes or
// the attempts run out, and then the record goes to the dead-letter topic.
async function retry(record: IncomingRecord, handler: RawHandler, event: HandlerEvent, options: DispatcherOptions, firstError: unknown): Promise<void> {
  const { groupId, logger, metrics } = options;
  let error = firstError;
  for (let attempt = 1; ; attempt++) {
    if (options.isClosing()) throw new SubscriptionClosingError();
    if (attempt >= options.retry.maxAttempts) {
      await deadLetter(record, error, attempt, event.type, options);
      return;
    }
    const delayMs = jitteredBackoff(attempt, options.retry.initialBackoffMs, options.retry.maxBackoffMs);
    const context = { groupId, topic: record.topic, partition: record.partition, offset: record.offset, type: event.type };
    logger.warn({ ...context, attempt, delayMs, error: describe(error) }, 'handler failed; retrying');
    emit(metrics, 'retried', { type: event.type, topic: record.topic, partition: record.partition, groupId, attempt });
    await sleepUnlessClosing(delayMs, options.isClosing);
    if (options.isClosing()) throw new SubscriptionClosingError();

    const started = metrics?.consumed ? performance.now() : 0;
    const span = startHandleSpan(record.headers, record.topic, event.type, groupId);
    try {
      await span.run(handler, event);
    } catch (failure) {
      span.end(failure);
      error = failure;
      continue;
    }
    succeeded(record, event.type, span, started, options);
    return;
  }
}

function succeeded(record: IncomingRecord, type: string, span: TraceScope, started: number, options: DispatcherOptions): void {
  span.end();
  // The sample is built only for a hook that takes it.
  if (options.metrics?.consumed) {
    const { topic, partition } = record;
    emit(options.metrics, 'consumed', { type, topic, partition, groupId: options.groupId, durationMs: performance.now() - started });
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/**
 * Decodes a record. A failure that can pass (the registry unreachable or returning 408, 429
 * or 5xx for a schema not cached yet) is retried until it succeeds or the subscription
 * closes, because the record itself is fine; a final failure sends the record to the
 * dead-letter topic and returns undefined.
 */
async function decodeOrDeadLetter(record: IncomingRecord, options: DispatcherOptions) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await options.serde.decode(record.value);
    } catch (error) {
      if (!isRetriable(error)) {
        await deadLetter(record, error, 0, undefined, options);
        return undefined;
      }
      if (options.isClosing()) throw new SubscriptionClosingError();
      const delayMs = jitteredBackoff(attempt, options.retry.initialBackoffMs, options.retry.maxBackoffMs);
      options.logger.warn(
        { groupId: options.groupId, topic: record.topic, partition: record.partition, offset: record.offset, attempt, delayMs, error: describe(error) },
        'cannot decode yet; retrying',
      );
      await sleepUnlessClosing(delayMs, options.isClosing);
      if (options.isClosing()) throw new SubscriptionClosingError();
    }
  }
}

// Metadata with the record's fields set directly and the header attributes added only when
// present, so an attribute the producer did not send is absent, not undefined.
function buildMetadata(record: IncomingRecord, type: string, key: string, schemaId: number): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    type,
    key,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    schemaId,
    headers: record.headers,
  };
  readHeaders(record.headers, metadata);
  return metadata;
}

async function deadLetter(
  record: IncomingRecord,
  error: unknown,
  attempts: number,
  type: string | undefined,
  options: DispatcherOptions,
): Promise<void> {
  const dead = deadLetterRecord(record, error, attempts, options.groupId);
  await options.deadLetter(dead);
  const code = (error as { code?: string }).code ?? 'HANDLER_FAILED';
  options.logger.error(
    { groupId: options.groupId, topic: record.topic, partition: record.partition, offset: record.offset, type, attempts, deadLetterTopic: dead.topic, error: describe(error) },
    'sent record to dead-letter topic',
  );
  emit(options.metrics, 'deadLettered', { type, topic: record.topic, partition: record.partition, groupId: options.groupId, code });
}

// Only the error's class, code and field path go to logs: handler messages may quote
// payload values, and the SDK's own messages are safe but add nothing the code does not.
function describe(error: unknown): Record<string, unknown> {
  const { name, code, fieldPath, schemaId } = (error ?? {}) as { name?: string; code?: string; fieldPath?: string; schemaId?: number };
  return { name, code, fieldPath, schemaId };
}

async function sleepUnlessClosing(ms: number, isClosing: () => boolean): Promise<void> {
  const step = 100;
  for (let waited = 0; waited < ms && !isClosing(); waited += step) await sleep(Math.min(step, ms - waited));
}
