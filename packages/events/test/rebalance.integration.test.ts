import { randomUUID } from 'node:crypto';

import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';

import { createEvents } from '../src/index.js';
import { payloads } from './fixtures/payloads.js';
import { stackEnv } from './stack-env.js';

// A second member joins a group mid-stream. Every event must be handled, duplicates must
// stay within what was in flight at the rebalance, and once both members are idle the
// group's committed offsets must equal the end of every partition: a member that kept
// committing a partition it lost would leave an offset behind the other member's.

const env = stackEnv();

describe('rebalance', () => {
  it('hands partitions over without losing events or moving offsets back', async () => {
    const prefix = `it-${randomUUID().slice(0, 8)}.`;
    const groupId = `${prefix}rebalance`;
    const clientEnv = { ...env, EVENTS_TOPIC_PREFIX: prefix, REDPANDA_SESSION_TIMEOUT: '10000', REDPANDA_HEARTBEAT_INTERVAL: '500' };
    const first = createEvents({ transport: 'kafka', env: clientEnv });
    const second = createEvents({ transport: 'kafka', env: clientEnv });
    await first.createTopics({ numPartitions: 3 });

    const total = 300;
    const published = await first.publishBatch(
      Array.from({ length: total }, () => ({ type: 'user.logged_in' as const, payload: { ...payloads['user.logged_in'], userId: randomUUID() } })),
    );
    const expected = new Set(published.map((result) => result.eventId));
    const runs = new Map<string, number>();
    const byMember = { first: 0, second: 0 };
    const handler = (member: keyof typeof byMember) => async (event: { metadata: { id?: string } }) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const id = event.metadata.id ?? '';
      runs.set(id, (runs.get(id) ?? 0) + 1);
      byMember[member] += 1;
    };

    await first.subscribe({ groupId, fromBeginning: true, handlers: { 'user.logged_in': handler('first') } });
    await expect.poll(() => runs.size, { timeout: 30_000 }).toBeGreaterThan(40);
    await second.subscribe({ groupId, fromBeginning: true, handlers: { 'user.logged_in': handler('second') } });
    await expect.poll(() => [...expected].every((id) => runs.has(id)), { timeout: 60_000 }).toBe(true);

    expect(byMember.second).toBeGreaterThan(0);
    const duplicates = [...runs.values()].filter((count) => count > 1).length;
    expect(duplicates).toBeLessThan(total / 3);

    const admin = new Kafka({ brokers: env.REDPANDA_BROKERS.split(','), clientId: 'rebalance-check', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topic = `${prefix}users`;
      const ends = await admin.fetchTopicOffsets(topic);
      await expect
        .poll(
          async () => {
            const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
            return committed?.partitions.map(({ partition, offset }) => `${partition}:${offset}`).sort();
          },
          { timeout: 20_000, interval: 500 },
        )
        .toEqual(ends.map(({ partition, offset }) => `${partition}:${offset}`).sort());
    } finally {
      await admin.disconnect();
      await Promise.all([first.close(), second.close()]);
    }
  });
});
