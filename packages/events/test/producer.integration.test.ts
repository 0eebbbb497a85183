import { randomUUID } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEvents } from '../src/index.js';
import type { CaddyEvents, PublishResult } from '../src/index.js';
import { endOffsets, readEventIds } from './faults/kafka-admin.js';
import { requireLocalStack, runWithBrokerJava, stackStateDir } from './faults/stack-control.js';
import { payloads } from './fixtures/payloads.js';

// Checks the producer's defaults where the broker sees them: the acks of each produce
// request in the broker's request log, and the producer id and sequence numbers of each
// stored batch in the log segment. A plain kafkajs producer with acks=1 and no idempotence
// writes next to the SDK, so each check also shows that it can tell the two apart.

const BROKER_ID = '1';
const REQUEST_LOGGER = 'kafka.request.logger';
const LOGGER_TOOL = fileURLToPath(new URL('./fixtures/BrokerLoggerLevel.java', import.meta.url));
const BATCHES = 3;
const PER_BATCH = 4;

let env: { REDPANDA_BROKERS: string; SCHEMA_REGISTRY_URL: string };
const prefix = `it-producer-${randomUUID().slice(0, 8)}.`;
const clientId = `${prefix}sdk`;
let events: CaddyEvents;
let kafka: Kafka;

beforeAll(async () => {
  env = await requireLocalStack();
  events = createEvents({ transport: 'kafka', env: { ...env, EVENTS_TOPIC_PREFIX: prefix, REDPANDA_CLIENT_ID: clientId } });
  await events.createTopics({ numPartitions: 1 });
  kafka = new Kafka({ brokers: env.REDPANDA_BROKERS.split(','), clientId: `${prefix}raw`, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: `${prefix}plain`, numPartitions: 1 }] });
  await admin.disconnect();
});

afterAll(async () => {
  await events?.close();
});

/** Sends one message with a plain kafkajs producer: acks=1, no idempotence. */
async function sendPlain(): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: `${prefix}plain`, acks: 1, messages: [{ key: 'k', value: 'plain' }] });
  await producer.disconnect();
}

async function publishBatches(type: 'order.updated' | 'product.viewed'): Promise<void> {
  for (let batch = 0; batch < BATCHES; batch++) {
    const items = Array.from({ length: PER_BATCH }, () => ({ type, payload: payloads[type] }));
    await events.publishBatch(items);
  }
}

interface RequestLogEntry {
  requestHeader: { requestApiKeyName: string; clientId: string };
  request: { acks?: number; topicData?: { name: string }[] };
}

/** Parses the request logger's `Completed request:` lines that the broker wrote after byte `from` of its log. */
async function requestLog(file: string, from: number): Promise<RequestLogEntry[]> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(size - from);
    await handle.read(buffer, 0, buffer.length, from);
    return buffer
      .toString('utf8')
      .split('\n')
      .filter((line) => line.includes(`(${REQUEST_LOGGER})`) && line.includes('Completed request:'))
      .map((line) => JSON.parse(line.slice(line.indexOf('{'), line.lastIndexOf('}') + 1)) as RequestLogEntry);
  } finally {
    await handle.close();
  }
}

interface StoredBatch {
  count: number;
  baseSequence: number;
  lastSequence: number;
  producerId: number;
}

/** Lists the record batches of partition 0's first segment with Kafka's DumpLogSegments tool. */
async function storedBatches(topic: string): Promise<StoredBatch[]> {
  const dataDir = process.env.STACK_KAFKA_DATA_DIR;
  if (!dataDir) throw new Error('STACK_KAFKA_DATA_DIR is not set: run `eval "$(scripts/stack.sh env)"` after `scripts/stack.sh up`.');
  const segment = join(dataDir, `${topic}-0`, '00000000000000000000.log');
  const output = await runWithBrokerJava('kafka.tools.DumpLogSegments', ['--files', segment]);
  const pattern = /count: (\d+) baseSequence: (-?\d+) lastSequence: (-?\d+) producerId: (-?\d+)/;
  return output.split('\n').flatMap((line) => {
    const match = pattern.exec(line);
    if (!match) return [];
    const [count, baseSequence, lastSequence, producerId] = match.slice(1).map(Number) as [number, number, number, number];
    return [{ count, baseSequence, lastSequence, producerId }];
  });
}

describe('producer defaults on the broker', () => {
  it('sends every produce request with acks=-1', async () => {
    const serverLog = join(stackStateDir(), 'kafka', 'server.log');
    const from = (await stat(serverLog)).size;
    await runWithBrokerJava(LOGGER_TOOL, [env.REDPANDA_BROKERS, BROKER_ID, REQUEST_LOGGER, 'DEBUG']);
    try {
      await publishBatches('order.updated');
      await sendPlain();
    } finally {
      await runWithBrokerJava(LOGGER_TOOL, [env.REDPANDA_BROKERS, BROKER_ID, REQUEST_LOGGER, 'WARN']);
    }
    const produces = (await requestLog(serverLog, from)).filter((entry) => entry.requestHeader.requestApiKeyName === 'PRODUCE');
    const sdk = produces.filter((entry) => entry.requestHeader.clientId === clientId);
    const plain = produces.filter((entry) => entry.requestHeader.clientId === `${prefix}raw`);
    expect(sdk.length, 'produce requests of the SDK').toBeGreaterThanOrEqual(BATCHES);
    expect(sdk.map((entry) => entry.request.topicData?.[0]?.name)).toEqual(sdk.map(() => `${prefix}orders`));
    expect(sdk.map((entry) => entry.request.acks)).toEqual(sdk.map(() => -1));
    expect(plain.map((entry) => entry.request.acks), 'acks of the plain acks=1 producer').toEqual([1]);
  });

  it('writes batches with producer sequences', async () => {
    await publishBatches('product.viewed');
    await sendPlain();
    const batches = await storedBatches(`${prefix}products`);
    expect(batches.reduce((sum, batch) => sum + batch.count, 0), 'records in the segment').toBe(BATCHES * PER_BATCH);
    const producerId = batches[0]?.producerId ?? -1;
    expect(producerId, 'producer id of the first batch').toBeGreaterThanOrEqual(0);
    let nextSequence = 0;
    for (const [index, batch] of batches.entries()) {
      expect(batch.producerId, `producer id of batch ${index}`).toBe(producerId);
      expect(batch.baseSequence, `base sequence of batch ${index}`).toBe(nextSequence);
      expect(batch.lastSequence, `last sequence of batch ${index}`).toBe(nextSequence + batch.count - 1);
      nextSequence += batch.count;
    }
    const plain = await storedBatches(`${prefix}plain`);
    expect(plain.length, 'batches of the plain producer').toBeGreaterThan(0);
    expect(plain.map((batch) => batch.producerId), 'the plain producer writes no producer id').toEqual(plain.map(() => -1));
  });

  it('sends what is buffered on close', async () => {
    const lingering = createEvents({
      transport: 'kafka',
      env: { ...env, EVENTS_TOPIC_PREFIX: prefix },
      producer: { lingerMs: 60_000, maxBatchSize: 10 },
    });
    const topic = `${prefix}users`;
    // A full batch is sent without lingering; it connects and caches the schema id, so the
    // publishes below go straight into the buffer.
    const login = (index: number) => ({ ...payloads['user.logged_in'], userAgent: `agent-${index}` });
    const warmUp = Array.from({ length: 10 }, (_, index) => ({ type: 'user.logged_in' as const, payload: login(index) }));
    await lingering.publishBatch(warmUp);

    const pending: Promise<PublishResult>[] = [];
    for (let index = 0; index < 7; index++) pending.push(lingering.publishUserLoggedIn(login(100 + index)));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await endOffsets(env.REDPANDA_BROKERS, topic)).get(0), 'records written before close').toBe(10n);

    await lingering.close();
    const results = await Promise.all(pending);
    expect((await endOffsets(env.REDPANDA_BROKERS, topic)).get(0), 'records written after close').toBe(17n);
    const ids = await readEventIds(env.REDPANDA_BROKERS, topic, 17);
    for (const result of results) expect(ids, `event ${result.eventId}`).toContain(result.eventId);
  });

  it('sends publishes that still wait for their schema id on close', async () => {
    const fresh = createEvents({
      transport: 'kafka',
      env: { ...env, EVENTS_TOPIC_PREFIX: prefix },
      producer: { lingerMs: 60_000 },
    });
    const topic = `${prefix}products`;
    const before = (await endOffsets(env.REDPANDA_BROKERS, topic)).get(0) ?? 0n;
    // Connected, but no schema id is cached yet: each publish is accepted, then waits for
    // the registry lookup while close() is already running.
    await fresh.connect();
    const view = (index: number) => ({ ...payloads['product.viewed'], sessionId: `session-${index}` });
    const pending = Array.from({ length: 5 }, (_, index) => fresh.publishProductViewed(view(index)));
    await fresh.close();
    const results = await Promise.all(pending);
    expect((await endOffsets(env.REDPANDA_BROKERS, topic)).get(0), 'records written after close').toBe(before + 5n);
    const ids = await readEventIds(env.REDPANDA_BROKERS, topic, Number(before) + 5);
    for (const result of results) expect(ids, `event ${result.eventId}`).toContain(result.eventId);
  });
});
