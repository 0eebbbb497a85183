import { randomUUID } from 'node:crypto';

import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';

import { createEvents, DLQ_HEADERS } from '../src/index.js';
import { committedOffsets, endOffsets } from './faults/kafka-admin.js';
import { payloads } from './fixtures/payloads.js';
import { stackEnv } from './stack-env.js';

const env = stackEnv();
const kafka = new Kafka({ brokers: env.REDPANDA_BROKERS.split(','), clientId: 'unhandled-it', logLevel: logLevel.NOTHING });

describe('unhandled event types on Kafka', () => {
  it('dead-letters event types without a handler under the fail policy', async () => {
    const prefix = `it-${randomUUID().slice(0, 8)}.`;
    const events = createEvents({ transport: 'kafka', env: { ...env, EVENTS_TOPIC_PREFIX: prefix } });
    await events.createTopics({ numPartitions: 1 });
    await events.subscribe({ groupId: `${prefix}strict`, fromBeginning: true, unhandled: 'fail', handlers: { 'user.registered': () => {} } });
    const published = await events.publishUserLoggedIn(payloads['user.logged_in']);

    // The dead-letter topic is created when the first record goes there.
    const admin = kafka.admin();
    await admin.connect();
    await expect.poll(async () => (await admin.listTopics()).includes(`${prefix}users.dlq`), { timeout: 20_000 }).toBe(true);
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: `raw-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}users.dlq`, fromBeginning: true });
    const headers = await new Promise<Record<string, string | undefined>>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const read: Record<string, string | undefined> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) read[name] = value?.toString();
          resolve(read);
        },
      });
    });
    await consumer.disconnect();
    expect(headers[DLQ_HEADERS.errorCode]).toBe('EVENT_TYPE_UNHANDLED');
    expect(headers.ce_id).toBe(published.eventId);
    await events.close();
  });

  it('commits past event types without a handler under the skip policy', async () => {
    const prefix = `it-${randomUUID().slice(0, 8)}.`;
    const events = createEvents({ transport: 'kafka', env: { ...env, EVENTS_TOPIC_PREFIX: prefix } });
    await events.createTopics({ numPartitions: 1 });
    const userId = randomUUID();
    const skipped = await events.publishUserLoggedIn({ ...payloads['user.logged_in'], userId });
    const wanted = [
      await events.publishUserRegistered({ ...payloads['user.registered'], userId }),
      await events.publishUserRegistered({ ...payloads['user.registered'], userId, email: 'second@example.com' }),
    ];
    const handled: string[] = [];
    const groupId = `${prefix}lenient`;
    const subscription = await events.subscribe({
      groupId,
      fromBeginning: true,
      unhandled: 'skip',
      handlers: { 'user.registered': (event) => void handled.push(event.metadata.id ?? 'no ce_id') },
    });
    await expect.poll(() => handled.length, { timeout: 20_000 }).toBe(wanted.length);
    await subscription.close();

    expect(handled).toEqual(wanted.map((result) => result.eventId));
    expect(skipped.offset, 'the skipped event comes first').toBe('0');
    const end = await endOffsets(env.REDPANDA_BROKERS, `${prefix}users`);
    expect(await committedOffsets(env.REDPANDA_BROKERS, groupId, `${prefix}users`)).toEqual(end);
    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics, 'no dead-letter topic under skip').not.toContain(`${prefix}users.dlq`);
    await events.close();
  });
});
