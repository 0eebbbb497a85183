import { randomUUID } from 'node:crypto';

import { canonicalText, normalizeSchema } from '@caddy/events-schema';
import type { JsonObject } from '@caddy/events-schema';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { catalog, ConnectionError, createEvents, partitionFor } from '../src/index.js';
import type { CaddyEvents, EventPayloads, EventType, PublishResult } from '../src/index.js';
import { payloads } from './fixtures/payloads.js';
import { stackEnv } from './stack-env.js';

// Runs against the real Kafka broker and schema registry that scripts/stack.sh starts, or
// any cluster named by REDPANDA_BROKERS and SCHEMA_REGISTRY_URL. Each run uses its own topic
// prefix, so its topics (3 partitions each) and subjects are new.

const env = stackEnv();
const prefix = `it-${randomUUID().slice(0, 8)}.`;
const PARTITIONS = 3;

let events: CaddyEvents;
const rawKafka = new Kafka({ brokers: env.REDPANDA_BROKERS.split(','), clientId: 'integration-raw', logLevel: logLevel.NOTHING });

beforeAll(async () => {
  events = createEvents({ transport: 'kafka', env: { ...env, EVENTS_TOPIC_PREFIX: prefix } });
  await events.connect();
  await events.createTopics({ numPartitions: PARTITIONS });
});

afterAll(async () => {
  await events?.close();
});

type RawRecord = { partition: number; offset: bigint; key: string; value: Buffer };

/** Reads raw records of a topic from the beginning, with plain kafkajs, until `enough` returns true. */
async function readRaw(topic: string, enough: (records: RawRecord[]) => boolean): Promise<RawRecord[]> {
  const consumer = rawKafka.consumer({ groupId: `raw-${randomUUID()}` });
  const records: RawRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        records.push({ partition, offset: BigInt(message.offset), key: message.key!.toString(), value: message.value! });
        if (enough(records)) resolve();
      },
    });
  });
  await done;
  await consumer.disconnect();
  return records;
}

describe('Kafka transport', () => {
  it('publishes and consumes every event type', async () => {
    const types = Object.keys(catalog) as EventType[];
    const received = new Map<string, unknown>();
    let allReceived: () => void = () => {};
    const done = new Promise<void>((resolve) => (allReceived = resolve));
    const handlers: Record<string, (event: { type: string; payload: unknown }) => void> = {};
    for (const type of types) {
      handlers[type] = (event) => {
        received.set(event.type, event.payload);
        if (received.size === types.length) allReceived();
      };
    }
    await events.subscribe({ groupId: `${prefix}all-types`, fromBeginning: true, handlers });
    for (const type of types) await events.publish(type, payloads[type]);
    await done;
    for (const type of types) expect(received.get(type), type).toEqual(payloads[type as keyof EventPayloads]);
  });

  it('frames values with a schema id registered under the topic-record subject', async () => {
    const result = await events.publishOrderPaid(payloads['order.paid']);
    const subject = `${prefix}orders-shop.orders.OrderPaid`;
    const isPublished = (raw: RawRecord) => raw.offset === BigInt(result.offset) && raw.partition === result.partition;
    const record = (await readRaw(result.topic, (records) => records.some(isPublished))).find(isPublished);
    expect(record).toBeDefined();
    expect(record!.value[0]).toBe(0);
    const schemaId = record!.value.readUInt32BE(1);
    expect(schemaId).toBe(result.schemaId);

    const latest = await fetch(`${env.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(subject)}/versions/latest`);
    expect(latest.status).toBe(200);
    expect(((await latest.json()) as { id: number }).id).toBe(schemaId);
    const byId = await fetch(`${env.SCHEMA_REGISTRY_URL}/schemas/ids/${schemaId}`);
    const registered = JSON.parse(((await byId.json()) as { schema: string }).schema) as JsonObject;
    // Registries may reformat the text (Apicurio splits full names into name and namespace),
    // so the comparison is between normalized forms.
    expect(canonicalText(normalizeSchema(registered, 'registry', new Map()))).toBe(catalog['order.paid'].schema);
  });

  it('keeps 100 events of one key on one partition in publish order', async () => {
    const orderId = randomUUID();
    const results: PublishResult[] = [];
    for (let index = 0; index < 100; index++) {
      results.push(await events.publishOrderUpdated({ orderId, status: 'PENDING', reason: `change ${index}`, updatedAt: new Date() }));
    }
    const partitions = new Set(results.map((result) => result.partition));
    expect(partitions.size).toBe(1);
    expect(results[0]!.partition).toBe(partitionFor(orderId, PARTITIONS));

    const received: string[] = [];
    const done = new Promise<void>((resolve) => {
      void events.subscribe({
        groupId: `${prefix}one-key`,
        fromBeginning: true,
        handlers: {
          'order.updated': (event) => {
            if (event.key !== orderId) return;
            received.push(event.payload.reason ?? '');
            if (received.length === 100) resolve();
          },
        },
      });
    });
    await done;
    expect(received).toEqual(Array.from({ length: 100 }, (_, index) => `change ${index}`));
  });

  it('spreads many keys over every partition as Java would', async () => {
    const results: { key: string; partition: number }[] = [];
    for (let index = 0; index < 30; index++) {
      const productId = randomUUID();
      const result = await events.publishProductViewed({ productId, sessionId: `s-${index}`, viewedAt: new Date() });
      results.push({ key: productId, partition: result.partition });
    }
    expect(new Set(results.map((result) => result.partition))).toEqual(new Set([0, 1, 2]));
    for (const { key, partition } of results) expect(partition).toBe(partitionFor(key, PARTITIONS));

    const keys = new Set(results.map((result) => result.key));
    const raw = await readRaw(`${prefix}products`, (records) => records.filter((record) => keys.has(record.key)).length === keys.size);
    for (const { key, partition } of results) {
      expect(raw.find((record) => record.key === key)?.partition).toBe(partition);
    }
  });
});

describe('connect', () => {
  it('fails within seconds when the broker cannot be reached', async () => {
    const unreachable = createEvents({ transport: 'kafka', env: { ...env, REDPANDA_BROKERS: '127.0.0.1:1' } });
    const started = Date.now();
    const error = await unreachable.connect().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect((error as Error).message).toContain('REDPANDA_BROKERS');
    expect(Date.now() - started).toBeLessThan(15_000);
    await unreachable.close();
  });

  it('fails within seconds when the registry cannot be reached', async () => {
    const unreachable = createEvents({ transport: 'kafka', env: { ...env, SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1' } });
    const error = await unreachable.connect().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain('http://127.0.0.1:1');
    expect((error as Error).message).toContain('SCHEMA_REGISTRY_URL');
    await unreachable.close();
  });
});
