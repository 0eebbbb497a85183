import { randomUUID } from 'node:crypto';

import { createEvents, DLQ_HEADERS } from '@caddy/events';
import type { CaddyEvents, Subscription } from '@caddy/events';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCli } from './catalog-fixtures.js';

// Runs `caddy-events replay` against the Kafka broker of scripts/stack.sh: events that a
// failing handler dead-lettered are replayed by the CLI and then handled by a fixed handler.
// The topics are read back with plain kafkajs, not with the SDK.

const brokers = process.env.REDPANDA_BROKERS;
const registry = process.env.SCHEMA_REGISTRY_URL;
if (!brokers || !registry) {
  throw new Error(
    'Integration tests need REDPANDA_BROKERS and SCHEMA_REGISTRY_URL. Run `corepack pnpm test`, which starts ' +
      'the local Kafka and registry, or `eval "$(scripts/stack.sh env)"` after `scripts/stack.sh up`.',
  );
}
const env = { REDPANDA_BROKERS: brokers, SCHEMA_REGISTRY_URL: registry };
const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'replay-cli-it', logLevel: logLevel.NOTHING });
const admin = kafka.admin();

const FAILED = 6;
const prefix = `it-replay-${randomUUID().slice(0, 8)}.`;
const topic = `${prefix}orders`;
const dlq = `${topic}.dlq`;
const cli = (args: string[]) => runCli(process.cwd(), ['replay', ...args], env);
let events: CaddyEvents;
const publishedIds: string[] = [];

beforeAll(async () => {
  await admin.connect();
  events = createEvents({ transport: 'kafka', env: { ...env, EVENTS_TOPIC_PREFIX: prefix } });
  await events.createTopics({ numPartitions: 3 });
  const broken = await events.subscribe({
    groupId: `${prefix}billing`,
    fromBeginning: true,
    retry: { maxAttempts: 1 },
    handlers: {
      'order.paid': () => {
        throw new Error('The payment service rejected the call.');
      },
    },
  });
  for (let index = 0; index < FAILED; index++) {
    const published = await events.publishOrderPaid({ ...orderPaid, orderId: randomUUID(), paymentId: `pay-${index}` });
    publishedIds.push(published.eventId);
  }
  const deadline = Date.now() + 30_000;
  while ((await totalEnd(dlq).catch(() => 0)) < FAILED) {
    if (Date.now() > deadline) throw new Error(`Fewer than ${FAILED} records reached ${dlq} within 30 s.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await broken.close();
});

afterAll(async () => {
  await events?.close();
  await admin.disconnect();
});

/** Sums the end offsets of a topic's partitions, which counts its records (nothing is deleted in these tests). */
async function totalEnd(name: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(name);
  return offsets.reduce((sum, { high }) => sum + Number(high), 0);
}

/** Returns the offsets a group committed on a topic's partitions, -1 where it has none. */
async function committed(groupId: string, name: string): Promise<string[]> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [name] });
  return (entry?.partitions ?? []).map(({ offset }) => offset);
}

describe('caddy-events replay', () => {
  it('dry run lists records, changes nothing', async () => {
    const groupId = `${prefix}dry`;
    const { code, stdout, stderr } = await cli(['--topic', dlq, '--group', groupId, '--dry-run']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`${dlq} partition 0: ${FAILED} records to replay, offsets 0 to ${FAILED - 1}\n`);
    expect(stdout).toContain(`Dry run for consumer group ${groupId}: ${FAILED} records to replay; nothing was sent or committed.`);
    expect(await totalEnd(topic), 'records in the original topic').toBe(FAILED);
    expect(await committed(groupId, dlq), 'offsets of the dry run group').toEqual(['-1']);
  });

  it('replays in two runs without duplicates', async () => {
    const groupId = `${prefix}replay`;
    const first = await cli(['--topic', dlq, '--group', groupId, '--limit', '2']);
    expect(first.stderr).toBe(`Replaying ${dlq} as consumer group ${groupId}...\n`);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`${dlq} partition 0: 2 replayed, 0 skipped\n`);
    expect(first.stdout).toContain(`sent to ${topic}: 2 records\n`);
    expect(first.stdout).toContain(`Replayed 2 records as consumer group ${groupId}, skipped 0, ${FAILED - 2} records left for a later run.`);
    expect(await committed(groupId, dlq)).toEqual(['2']);
    expect(await totalEnd(topic)).toBe(FAILED + 2);

    const second = await cli(['--topic', dlq, '--group', groupId]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Replayed ${FAILED - 2} records as consumer group ${groupId}, skipped 0.`);
    expect(await committed(groupId, dlq)).toEqual([String(FAILED)]);

    const third = await cli(['--topic', dlq, '--group', groupId]);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain(`Replayed 0 records as consumer group ${groupId}, skipped 0.`);
    expect(await totalEnd(topic), 'originals plus one copy of each').toBe(2 * FAILED);

    const handled: string[] = [];
    let subscription: Subscription | undefined;
    try {
      subscription = await events.subscribe({
        groupId: `${prefix}billing`,
        handlers: { 'order.paid': (event) => void handled.push(event.metadata.id ?? 'no ce_id') },
      });
      await expect.poll(() => handled.length, { timeout: 30_000 }).toBe(FAILED);
      // Any duplicate would arrive in the same fetches; give a late one time to show up.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      await subscription?.close();
    }
    expect([...handled].sort()).toEqual([...publishedIds].sort());
  });

  it('--to keeps original headers only', async () => {
    const groupId = `${prefix}copy`;
    const target = `${prefix}orders-copy`;
    await admin.createTopics({ topics: [{ topic: target, numPartitions: 1 }], waitForLeaders: true });
    const { code, stdout } = await cli(['--topic', dlq, '--group', groupId, '--to', target]);
    expect(code).toBe(0);
    expect(stdout).toContain(`sent to ${target}: ${FAILED} records\n`);

    const copies = await readTopic(target, FAILED);
    expect(copies.map((record) => record.headers.ce_id).sort()).toEqual([...publishedIds].sort());
    for (const record of copies) {
      expect(record.headers.ce_type).toBe('order.paid');
      for (const name of Object.values(DLQ_HEADERS)) expect(record.headers[name], name).toBeUndefined();
    }
  });

  it('stops at a record without a destination', async () => {
    // A record some other tool dead-lettered without naming its topic, between two that do.
    const foreignDlq = `${prefix}foreign.dlq`;
    const target = `${prefix}foreign-copy`;
    await admin.createTopics({
      topics: [foreignDlq, target].map((name) => ({ topic: name, numPartitions: 1 })),
      waitForLeaders: true,
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: foreignDlq,
      messages: [
        { key: 'a', value: 'first', headers: { [DLQ_HEADERS.topic]: target } },
        { key: 'b', value: 'second', headers: { dlq_reason: 'no topic header' } },
        { key: 'c', value: 'third', headers: { [DLQ_HEADERS.topic]: target } },
      ],
    });
    await producer.disconnect();
    const groupId = `${prefix}foreign`;

    const stopped = await cli(['--topic', foreignDlq, '--group', groupId]);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain(`${foreignDlq} partition 0 offset 1 has no ${DLQ_HEADERS.topic} header`);
    expect(await committed(groupId, foreignDlq), 'committed up to the record without a destination').toEqual(['1']);
    expect(await totalEnd(target)).toBe(1);

    const resumed = await cli(['--topic', foreignDlq, '--group', groupId, '--to', target]);
    expect(resumed.code).toBe(0);
    expect(await committed(groupId, foreignDlq)).toEqual(['3']);
    expect(await totalEnd(target), 'every record once').toBe(3);
    const copies = await readTopic(target, 3);
    for (const record of copies) expect(record.headers.dlq_reason, 'dlq_ headers removed').toBeUndefined();
  });

  it('rejects a missing topic', async () => {
    const { code, stderr } = await cli(['--topic', `${prefix}missing.dlq`]);
    expect(code).toBe(2);
    expect(stderr).toContain(`Could not read the offsets of dead-letter topic '${prefix}missing.dlq'`);
    expect(stderr).toContain('Check that the topic exists');
  });
});

async function readTopic(name: string, count: number): Promise<{ headers: Record<string, string | undefined> }[]> {
  const consumer = kafka.consumer({ groupId: `raw-${randomUUID()}` });
  const records: { headers: Record<string, string | undefined> }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: name, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Only ${records.length} of ${count} records arrived in 30 s.`)), 30_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string | undefined> = {};
        for (const [header, value] of Object.entries(message.headers ?? {})) headers[header] = value?.toString();
        records.push({ headers });
        if (records.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return records;
}

const orderPaid = {
  orderId: '',
  paymentId: '',
  amount: { amount: '42.50', currency: 'EUR' },
  method: 'CARD' as const,
  paidAt: new Date('2024-05-01T12:00:00.000Z'),
};
