import { randomUUID } from 'node:crypto';

import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEvents, DLQ_HEADERS } from '../src/index.js';
import type { CaddyEvents, PublishResult } from '../src/index.js';
import { payloads } from './fixtures/payloads.js';
import { stackEnv } from './stack-env.js';

// Producer and consumer behaviour on the real broker. Each run has its own topic prefix.

const env = stackEnv();
const prefix = `it-${randomUUID().slice(0, 8)}.`;
let events: CaddyEvents;

beforeAll(async () => {
  events = createEvents({
    transport: 'kafka',
    env: { ...env, EVENTS_TOPIC_PREFIX: prefix },
    retry: { maxAttempts: 3, initialBackoffMs: 50, maxBackoffMs: 100 },
  });
  await events.createTopics({ numPartitions: 3 });
});

afterAll(async () => {
  await events?.close();
});

const stock = (productId: string, sequence: number) => ({
  ...payloads['product.stock.updated'],
  productId,
  previousStock: sequence,
  stock: sequence + 1,
});

describe('publish on Kafka', () => {
  it('keeps call order for concurrent publishes of one key', async () => {
    const productId = randomUUID();
    const results = await Promise.all(Array.from({ length: 200 }, (_, index) => events.publishProductStockUpdated(stock(productId, index))));
    expect(new Set(results.map((result) => result.partition)).size).toBe(1);
    const offsets = results.map((result) => BigInt(result.offset));
    expect(offsets.every((offset, index) => index === 0 || offset === (offsets[index - 1] as bigint) + 1n)).toBe(true);
  });

  it('acknowledges a burst of 5000 concurrent publishes', async () => {
    const results = await Promise.all(
      Array.from({ length: 5000 }, (_, index) => events.publishProductStockUpdated(stock(randomUUID(), index))),
    );
    expect(results).toHaveLength(5000);
    expect(new Set(results.map((result) => `${result.partition}/${result.offset}`)).size).toBe(5000);
  });

  it('publishes a batch in one call', async () => {
    const productId = randomUUID();
    const results: PublishResult[] = await events.publishBatch(
      Array.from({ length: 50 }, (_, index) => ({ type: 'product.stock.updated' as const, payload: stock(productId, index) })),
    );
    expect(results).toHaveLength(50);
    expect(new Set(results.map((result) => result.partition)).size).toBe(1);
  });
});

describe('operations on Kafka', () => {
  it('reports broker and registry health with latencies', async () => {
    const report = await events.health();
    expect(report.ok).toBe(true);
    expect(report.broker.ok).toBe(true);
    expect(report.registry.ok).toBe(true);
    expect(report.broker.latencyMs).toBeGreaterThanOrEqual(0);
    expect(report.registry.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reports an unreachable registry as unhealthy', async () => {
    const broken = createEvents({ transport: 'kafka', env: { ...env, SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1' } });
    const report = await broken.health();
    expect(report.ok).toBe(false);
    expect(report.broker.ok).toBe(true);
    expect(report.registry.ok).toBe(false);
    expect(report.registry.error).toContain('SCHEMA_REGISTRY_URL');
    await broken.close();
  });

  it('reports consumer lag through the metrics hook', async () => {
    const lags: number[] = [];
    const metered = createEvents({
      transport: 'kafka',
      env: { ...env, EVENTS_TOPIC_PREFIX: prefix },
      metrics: { lag: (sample) => lags.push(sample.lag) },
    });
    const productId = randomUUID();
    await metered.publishBatch(Array.from({ length: 20 }, (_, index) => ({ type: 'product.stock.updated' as const, payload: stock(productId, index) })));
    let seen = 0;
    await new Promise<void>((resolve) => {
      void metered.subscribe({
        groupId: `${prefix}lag`,
        fromBeginning: true,
        handlers: { 'product.stock.updated': (event) => void (event.key === productId && ++seen === 20 && resolve()) },
      });
    });
    await expect.poll(() => lags.length).toBeGreaterThan(0);
    expect(lags.every((lag) => Number.isInteger(lag) && lag >= 0)).toBe(true);
    await metered.close();
  });
});

describe('consume on Kafka', () => {
  it('never re-runs records of other partitions while one keeps failing', async () => {
    const failingKey = randomUUID();
    const others: string[] = Array.from({ length: 12 }, () => randomUUID());
    const runs = new Map<string, number>();
    await events.subscribe({
      groupId: `${prefix}isolation`,
      fromBeginning: true,
      partitionsConsumedConcurrently: 3,
      handlers: {
        'user.logged_in': (event) => {
          if (event.key !== failingKey && !others.includes(event.key)) return;
          const id = event.metadata.id ?? '';
          runs.set(id, (runs.get(id) ?? 0) + 1);
          if (event.key === failingKey) throw new Error('downstream unavailable');
        },
      },
    });
    const published = [await events.publishUserLoggedIn({ ...payloads['user.logged_in'], userId: failingKey })];
    for (const userId of others) published.push(await events.publishUserLoggedIn({ ...payloads['user.logged_in'], userId }));
    const ids = published.map((result) => result.eventId);
    await expect.poll(() => ids.every((id) => runs.has(id)), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => runs.get(ids[0] as string), { timeout: 30_000 }).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const id of ids.slice(1)) expect(runs.get(id), id).toBe(1);
  });

  it('keeps per-key order with concurrent lanes', async () => {
    const keys: string[] = Array.from({ length: 6 }, () => randomUUID());
    const seen = new Map<string, number[]>();
    const total = keys.length * 30;
    let count = 0;
    const done = new Promise<void>((resolve) => {
      void events.subscribe({
        groupId: `${prefix}lanes`,
        fromBeginning: true,
        concurrency: 4,
        handlers: {
          'product.stock.updated': async (event) => {
            if (!keys.includes(event.key)) return;
            await new Promise((wait) => setTimeout(wait, Math.random() * 3));
            seen.set(event.key, [...(seen.get(event.key) ?? []), event.payload.previousStock]);
            if (++count === total) resolve();
          },
        },
      });
    });
    for (let sequence = 0; sequence < 30; sequence++) {
      await Promise.all(keys.map((key) => events.publishProductStockUpdated(stock(key, sequence))));
    }
    await done;
    for (const key of keys) expect(seen.get(key)).toEqual(Array.from({ length: 30 }, (_, index) => index));
  });

  it('dead-letters a failing record, moves on, and replays it after a fix', async () => {
    const orderId = randomUUID();
    const handled: string[] = [];
    let fixed = false;
    await events.subscribe({
      groupId: `${prefix}billing`,
      fromBeginning: true,
      handlers: {
        'order.paid': (event) => {
          if (event.payload.orderId !== orderId) return;
          if (event.payload.paymentId === 'poison' && !fixed) throw new RangeError('amount out of range');
          handled.push(event.payload.paymentId);
        },
      },
    });
    const poison = await events.publishOrderPaid({ ...payloads['order.paid'], orderId, paymentId: 'poison' });
    await events.publishOrderPaid({ ...payloads['order.paid'], orderId, paymentId: 'good' });
    await expect.poll(() => handled, { timeout: 30_000 }).toEqual(['good']);

    const [dead] = await readRaw(`${prefix}orders.dlq`, 1);
    expect(dead?.headers[DLQ_HEADERS.errorCode]).toBe('HANDLER_FAILED');
    expect(dead?.headers[DLQ_HEADERS.errorClass]).toBe('RangeError');
    expect(dead?.headers[DLQ_HEADERS.topic]).toBe(`${prefix}orders`);
    expect(dead?.headers[DLQ_HEADERS.partition]).toBe(String(poison.partition));
    expect(dead?.headers[DLQ_HEADERS.offset]).toBe(poison.offset);
    expect(dead?.headers[DLQ_HEADERS.attempts]).toBe('3');
    expect(dead?.headers.ce_id).toBe(poison.eventId);
    expect(Object.values(dead?.headers ?? {}).join(' ')).not.toContain('amount out of range');

    fixed = true;
    const replayed = await events.replayDeadLetters({ topics: ['orders'], groupId: `${prefix}replay`, idleMs: 3_000 });
    expect(replayed).toBe(1);
    await expect.poll(() => handled, { timeout: 30_000 }).toEqual(['good', 'poison']);
  });
});

/** Reads records of a topic with plain kafkajs until `count` arrived. */
async function readRaw(topic: string, count: number): Promise<{ headers: Record<string, string | undefined> }[]> {
  const kafka = new Kafka({ brokers: env.REDPANDA_BROKERS.split(','), clientId: 'raw', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `raw-${randomUUID()}` });
  const records: { headers: Record<string, string | undefined> }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = value?.toString();
        records.push({ headers });
        if (records.length >= count) resolve();
      },
    });
  });
  await consumer.disconnect();
  return records;
}
