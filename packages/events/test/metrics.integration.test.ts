import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { createEvents } from '../src/index.js';
import type { MetricsHooks } from '../src/index.js';
import { payloads } from './fixtures/payloads.js';
import { stackEnv } from './stack-env.js';

// Counts the metrics hooks' calls while events flow through the real broker: three events
// published, two handled, one rejected by its handler on each of its three attempts.

const env = stackEnv();

describe('metrics hooks on Kafka', () => {
  it('count published, consumed, retried and dead-lettered events', async () => {
    const prefix = `it-metrics-${randomUUID().slice(0, 8)}.`;
    const calls: Record<string, Record<string, unknown>[]> = { published: [], consumed: [], retried: [], deadLettered: [] };
    const metrics: MetricsHooks = {
      published: (sample) => void calls.published!.push(sample),
      consumed: (sample) => void calls.consumed!.push(sample),
      retried: (sample) => void calls.retried!.push(sample),
      deadLettered: (sample) => void calls.deadLettered!.push(sample),
    };
    const events = createEvents({ transport: 'kafka', env: { ...env, EVENTS_TOPIC_PREFIX: prefix }, metrics });
    try {
      await events.createTopics({ numPartitions: 1 });
      const orderId = randomUUID();
      for (const paymentId of ['pay-1', 'poison', 'pay-2']) {
        await events.publishOrderPaid({ ...payloads['order.paid'], orderId, paymentId });
      }
      const groupId = `${prefix}billing`;
      await events.subscribe({
        groupId,
        fromBeginning: true,
        retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 20 },
        handlers: {
          'order.paid': (event) => {
            if (event.payload.paymentId === 'poison') throw new Error('The payment service rejected the call.');
          },
        },
      });
      await expect.poll(() => calls.consumed!.length + calls.deadLettered!.length, { timeout: 30_000 }).toBe(3);

      const topic = `${prefix}orders`;
      expect(calls.published).toEqual([1, 2, 3].map(() => ({ type: 'order.paid', topic })));
      expect(calls.consumed!.map(({ type, topic: consumedFrom, partition }) => ({ type, topic: consumedFrom, partition }))).toEqual(
        [1, 2].map(() => ({ type: 'order.paid', topic, partition: 0 })),
      );
      for (const sample of calls.consumed!) expect(sample.groupId).toBe(groupId);
      // Two retries after the first and second failed attempts; `attempt` numbers the one that failed.
      expect(calls.retried).toEqual([1, 2].map((attempt) => ({ type: 'order.paid', topic, partition: 0, groupId, attempt })));
      expect(calls.deadLettered).toEqual([{ type: 'order.paid', topic, partition: 0, groupId, code: 'HANDLER_FAILED' }]);
    } finally {
      await events.close();
    }
  });
});
