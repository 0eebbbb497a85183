import { EventsError } from './errors.js';

/** Resolves after a delay, in milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Returns an exponential backoff with full jitter: a random delay up to
 * `initialMs * 2^(attempt-1)`, capped at `maxMs`. Jitter keeps many clients that failed
 * together from retrying together.
 */
export function jitteredBackoff(attempt: number, initialMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(Math.random() * ceiling));
}

// kafkajs error names that mean the broker or the connection was away, so the same
// request can succeed later. Anything else (authorization, record too large, invalid
// topic) fails at once, because retrying cannot change the outcome.
const RETRIABLE_KAFKAJS_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSLockTimeout',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSNonRetriableError',
]);

/** Tells whether a failed send may succeed when tried again. */
export function isRetriable(error: unknown): boolean {
  if (error instanceof EventsError) return error.retriable;
  const candidate = error as { name?: string; retriable?: boolean; cause?: unknown; originalError?: unknown } | undefined;
  if (!candidate) return false;
  if (candidate.retriable === true) return true;
  if (candidate.name === 'KafkaJSNonRetriableError' || candidate.name === 'KafkaJSNumberOfRetriesExceeded') {
    // kafkajs wraps the last error of its own retries; the wrapped error decides.
    const inner = candidate.originalError ?? candidate.cause;
    return inner === undefined ? candidate.name === 'KafkaJSNumberOfRetriesExceeded' : isRetriable(inner);
  }
  return candidate.name !== undefined && RETRIABLE_KAFKAJS_ERRORS.has(candidate.name);
}

/** Settles as `promise` does, or rejects with `timeoutError()` when it has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, timeoutError: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), Math.max(0, ms));
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Waits for `promise` at most `ms` and tells whether it settled in time; its outcome is ignored. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
