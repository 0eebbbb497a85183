import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEvents, partitionFor } from '../../src/index.js';
import type { CaddyEvents, PublishResult } from '../../src/index.js';
import { CountingLogger, reportFigures } from './figures.js';
import { endOffsets } from './kafka-admin.js';
import { killBroker, requireLocalStack, restartBroker } from './stack-control.js';

// Kills the broker with SIGKILL while 100,000 events are being published, starts it again
// on its data, and then reads the topic back with a new consumer group. An event is lost
// when its publish resolved but it is not in the topic, and duplicated when its `ce_id`
// is there twice. Each event's `stock` field is its sequence number within its key, so
// reading a key's events in offset order shows whether publish order was kept.

const TOTAL = 100_000;
const KEYS = 200;
const PARTITIONS = 3;
/** The broker is killed when this many publishes have resolved, about a second into the run. */
const KILL_AFTER_ACKS = 10_000;
/** The SDK's default delivery timeout, which this test does not change. */
const DELIVERY_TIMEOUT_MS = 120_000;
/** Publish calls issued per turn of the event loop, so acknowledgements and the kill can run in between. */
const CALLS_PER_TURN = 1_000;

interface Outcome {
  id: string;
  key: string;
  seq: number;
  startedAt: number;
  settledAt?: number;
  result?: PublishResult;
  error?: unknown;
}

interface Consumed {
  id: string | undefined;
  key: string;
  seq: number;
  partition: number;
  offset: bigint;
}

let env: { REDPANDA_BROKERS: string; SCHEMA_REGISTRY_URL: string };
const prefix = `fault-broker-${randomUUID().slice(0, 8)}.`;
const clients: CaddyEvents[] = [];

function client(logger?: CountingLogger): CaddyEvents {
  const events = createEvents({
    transport: 'kafka',
    env: { ...env, EVENTS_TOPIC_PREFIX: prefix },
    ...(logger ? { logger } : {}),
  });
  clients.push(events);
  return events;
}

beforeAll(async () => {
  env = await requireLocalStack();
});

afterAll(async () => {
  // The tests after this one need the broker, whatever happened here.
  await restartBroker();
  await Promise.all(clients.map((events) => events.close()));
});

/** Publishes every event with `publish` calls in flight together, killing and restarting the broker on the way. */
async function publishThroughKill(events: CaddyEvents, keys: string[]) {
  const outcomes: Outcome[] = [];
  const settled: Promise<void>[] = [];
  let acknowledged = 0;
  let fault: Promise<{ killedAt: number; ackedAtKill: number; restartedAt: number }> | undefined;
  const runFault = async () => {
    const killedAt = performance.now();
    const ackedAtKill = acknowledged;
    await killBroker();
    await restartBroker();
    return { killedAt, ackedAtKill, restartedAt: performance.now() };
  };

  const started = performance.now();
  for (let index = 0; index < TOTAL; index++) {
    const key = keys[index % KEYS] as string;
    const seq = Math.floor(index / KEYS);
    const outcome: Outcome = { id: randomUUID(), key, seq, startedAt: performance.now() };
    outcomes.push(outcome);
    const payload = {
      productId: key,
      sku: 'FAULT-1',
      previousStock: seq - 1,
      stock: seq,
      reason: 'ADJUSTMENT' as const,
      updatedAt: new Date(),
    };
    const publishing = events.publishProductStockUpdated(payload, { id: outcome.id }).then(
      (result) => {
        outcome.result = result;
        outcome.settledAt = performance.now();
        acknowledged++;
        if (acknowledged === KILL_AFTER_ACKS) fault = runFault();
      },
      (error: unknown) => {
        outcome.error = error;
        outcome.settledAt = performance.now();
      },
    );
    settled.push(publishing);
    if (index % CALLS_PER_TURN === CALLS_PER_TURN - 1) await nextTurn();
  }
  await Promise.all(settled);
  const publishedAt = performance.now();
  const timing = fault ? await fault : undefined;
  return { outcomes, started, publishedAt, timing };
}

/** Reads the topic from its start with a new group until every partition's end offset is reached. */
async function readAll(events: CaddyEvents, topic: string): Promise<Consumed[]> {
  const ends = await endOffsets(env.REDPANDA_BROKERS, topic);
  const remaining = new Map([...ends].filter(([, end]) => end > 0n));
  const consumed: Consumed[] = [];
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  if (remaining.size === 0) finish();
  const subscription = await events.subscribe({
    groupId: `${prefix}reader`,
    fromBeginning: true,
    partitionsConsumedConcurrently: PARTITIONS,
    handlers: {
      'product.stock.updated': (event) => {
        const offset = BigInt(event.metadata.offset);
        const { partition } = event.metadata;
        consumed.push({ id: event.metadata.id, key: event.key, seq: event.payload.stock, partition, offset });
        if (remaining.get(partition) === offset + 1n) {
          remaining.delete(partition);
          if (remaining.size === 0) finish();
        }
      },
    },
  });
  await done;
  await subscription.close();
  return consumed;
}

describe('broker killed while publishing', () => {
  it(
    'keeps 100,000 events without loss, duplicates or reordering',
    async () => {
      const logger = new CountingLogger();
      const publisher = client(logger);
      await publisher.connect();
      await publisher.createTopics({ numPartitions: PARTITIONS });
      const keys = Array.from({ length: KEYS }, () => randomUUID());

      const { outcomes, started, publishedAt, timing } = await publishThroughKill(publisher, keys);
      const topic = `${prefix}products`;
      const readStarted = performance.now();
      const consumed = await readAll(client(), topic);
      const readMs = performance.now() - readStarted;

      const acknowledged = outcomes.filter((outcome) => outcome.result);
      const rejected = outcomes.filter((outcome) => outcome.error !== undefined);
      const maxLatencyMs = Math.round(
        outcomes.reduce((max, outcome) => Math.max(max, (outcome.settledAt ?? Infinity) - outcome.startedAt), 0),
      );

      const timesById = new Map<string | undefined, number>();
      for (const record of consumed) timesById.set(record.id, (timesById.get(record.id) ?? 0) + 1);
      const lost = acknowledged.filter((outcome) => !timesById.has(outcome.id));
      const duplicated = [...timesById.values()].reduce((sum, times) => sum + times - 1, 0);
      const withoutId = timesById.get(undefined) ?? 0;

      // Each key lives on one partition, so its events are in publish order when their
      // sequence numbers rise with the offset.
      const byKey = new Map<string, Consumed[]>();
      for (const record of consumed) {
        const records = byKey.get(record.key) ?? [];
        records.push(record);
        byKey.set(record.key, records);
      }
      const keysOutOfOrder = [...byKey.values()].filter((records) => {
        const sorted = [...records].sort((a, b) => (a.offset < b.offset ? -1 : 1));
        return sorted.some((record, index) => index > 0 && record.seq <= (sorted[index - 1] as Consumed).seq);
      }).length;
      const keysOffPartition = keys.filter((key) =>
        (byKey.get(key) ?? []).some((record) => record.partition !== partitionFor(key, PARTITIONS)),
      ).length;

      // The offset a publish resolved with must hold that event.
      const idAt = new Map(consumed.map((record) => [`${record.partition}/${record.offset}`, record.id]));
      const wrongOffsets = acknowledged.filter(
        (outcome) => idAt.get(`${outcome.result!.partition}/${outcome.result!.offset}`) !== outcome.id,
      ).length;

      const figures = {
        published: TOTAL,
        acknowledged: acknowledged.length,
        rejected: rejected.length,
        consumed: consumed.length,
        lost: lost.length,
        duplicated,
        consumedWithoutId: withoutId,
        keysOutOfOrder,
        keysOffPartition,
        wrongOffsets,
        ackedAtKill: timing?.ackedAtKill,
        killAtMs: timing ? Math.round(timing.killedAt - started) : undefined,
        brokerBackAfterMs: timing ? Math.round(timing.restartedAt - timing.killedAt) : undefined,
        maxPublishLatencyMs: maxLatencyMs,
        publishWallMs: Math.round(publishedAt - started),
        readWallMs: Math.round(readMs),
        logs: logger.summary(),
      };
      reportFigures('broker-kill', figures);
      const context = JSON.stringify({
        ...figures,
        firstRejections: rejected.slice(0, 3).map((outcome) => String(outcome.error)),
        lastErrors: logger.lastErrors,
      });

      expect(timing, `the broker was never killed: ${context}`).toBeDefined();
      expect(timing!.ackedAtKill, 'publishes still in flight when the broker was killed').toBeLessThan(TOTAL);
      expect(rejected.length, `publishes that rejected: ${context}`).toBe(0);
      expect(maxLatencyMs, `slowest publish exceeded the delivery timeout: ${context}`).toBeLessThanOrEqual(DELIVERY_TIMEOUT_MS);
      expect(lost.length, `acknowledged events missing from the topic: ${context}`).toBe(0);
      expect(duplicated, `events stored more than once: ${context}`).toBe(0);
      expect(withoutId, `records without ce_id: ${context}`).toBe(0);
      expect(keysOutOfOrder, `keys whose events are out of publish order: ${context}`).toBe(0);
      expect(keysOffPartition, `keys found off their murmur2 partition: ${context}`).toBe(0);
      expect(wrongOffsets, `publish results naming another event's offset: ${context}`).toBe(0);
    },
    300_000,
  );
});
