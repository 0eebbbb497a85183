/** Callbacks the SDK calls as events flow, for counters and gauges in any metrics library. */
export interface MetricsHooks {
  /** Called when the broker acknowledged a published event. */
  published?(sample: { type: string; topic: string }): void;
  /** Called when a handler succeeded. */
  consumed?(sample: { type: string; topic: string; partition: number; groupId: string; durationMs: number }): void;
  /** Called before a failed handler runs again. */
  retried?(sample: { type: string; topic: string; partition: number; groupId: string; attempt: number }): void;
  /** Called when a record went to a dead-letter topic. */
  deadLettered?(sample: { type?: string; topic: string; partition: number; groupId: string; code: string }): void;
  /** Called after each fetched batch with the records left behind the partition's end. */
  lag?(sample: { topic: string; partition: number; groupId: string; lag: number }): void;
}

/** Calls a hook and swallows its errors, because metrics must never fail the event flow. */
export function emit<K extends keyof MetricsHooks>(
  hooks: MetricsHooks | undefined,
  name: K,
  sample: Parameters<NonNullable<MetricsHooks[K]>>[0],
): void {
  try {
    (hooks?.[name] as ((value: typeof sample) => void) | undefined)?.(sample);
  } catch {
    // A broken metrics hook is the application's bug; the event flow goes on.
  }
}
