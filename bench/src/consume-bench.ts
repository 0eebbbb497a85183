import type { OrderCreated } from '@caddy/events';
import type { Consumer, Message } from 'kafkajs';

import { KAFKAJS_COMPRESSION, createTopic, rawKafka, rawProducer, sdkClient } from './kafka.js';
import type { ProducerSettings } from './kafka.js';
import { MemorySampler } from './memory.js';
import type { MemoryPeaks } from './memory.js';
import {
  ORDER_CREATED,
  cloudEventHeaders,
  orderPayloads,
  plainAvroDecode,
  plainAvroEncode,
  plainAvroType,
  registeredSchemaId,
} from './payloads.js';
import { startProfiling, stopProfiling } from './profiling.js';
import { progressReporter } from './protocol.js';
import type { ClusterAddress } from './protocol.js';

/** The consume patterns compared end to end. */
export const CONSUME_VARIANTS = ['sdk-subscribe', 'kafkajs-avsc', 'kafkajs-json'] as const;
export type ConsumeVariant = (typeof CONSUME_VARIANTS)[number];

/** Topics a consume phase reads, filled once and read by every round. */
export function consumeTopics(topicPrefix: string): { avro: string; json: string } {
  return { avro: `${topicPrefix}${ORDER_CREATED.topic}`, json: `${topicPrefix}${ORDER_CREATED.topic}-json` };
}

/** Parameters of the pre-fill job. */
export interface PrefillParams {
  count: number;
  topicPrefix: string;
  partitions: number;
  settings: ProducerSettings;
  format: 'avro' | 'json';
}

/**
 * Fills a topic with `count` events as the SDK writes them (Avro with the 5-byte header and
 * CloudEvents headers), or with the same payloads as JSON. Not timed: it only prepares the
 * consume runs.
 */
export async function runPrefill(cluster: ClusterAddress, params: PrefillParams): Promise<{ count: number }> {
  const topics = consumeTopics(params.topicPrefix);
  const topic = params.format === 'avro' ? topics.avro : topics.json;
  await createTopic(cluster, topic, params.partitions);
  const payloads = orderPayloads();
  const schemaId = params.format === 'avro' ? await registeredSchemaId(cluster, params.topicPrefix) : 0;
  const type = plainAvroType();
  const encode = (payload: OrderCreated): Message => ({
    key: Buffer.from(payload.orderId, 'utf8'),
    value: params.format === 'avro' ? plainAvroEncode(type, schemaId, payload) : Buffer.from(JSON.stringify(payload)),
    headers: cloudEventHeaders(payload.orderId, params.format === 'avro' ? 'application/avro' : 'application/json'),
  });
  const producer = await rawProducer(rawKafka(cluster));
  const report = progressReporter(params.count);
  try {
    for (let first = 0; first < params.count; first += params.settings.batchSize) {
      const messages: Message[] = [];
      for (let index = first; index < Math.min(params.count, first + params.settings.batchSize); index++) {
        messages.push(encode(payloads[index % payloads.length] as OrderCreated));
      }
      await producer.sendBatch({
        acks: -1,
        compression: KAFKAJS_COMPRESSION[params.settings.compression],
        topicMessages: [{ topic, messages }],
      });
      report(first + messages.length);
    }
  } finally {
    await producer.disconnect();
  }
  return { count: params.count };
}

/** Parameters of one consume run. */
export interface ConsumeParams {
  variant: ConsumeVariant;
  count: number;
  topicPrefix: string;
  groupId: string;
  /** Time the run may take before it fails, in milliseconds. */
  timeoutMs: number;
}

/** Outcome of one consume run. */
export interface ConsumeResult {
  count: number;
  /** Time from the first handled event to the last, without the group join. */
  elapsedMs: number;
  eventsPerSecond: number;
  /** From `subscribe` (or `run`) to the first handled event: group join and first fetch. */
  firstEventMs: number;
  memory: MemoryPeaks;
}

/**
 * Reads `count` events of a pre-filled topic in a new consumer group, from the beginning,
 * through a handler that only touches the payload, and measures events per second between
 * the first and the last handled event.
 */
export async function runConsume(cluster: ClusterAddress, params: ConsumeParams): Promise<ConsumeResult> {
  const memory = new MemorySampler();
  memory.start();
  const report = progressReporter(params.count);
  let handled = 0;
  let checksum = 0;
  let firstAt = 0;
  let lastAt = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const handle = (payload: { items: unknown[] }) => {
    checksum += payload.items.length;
    handled++;
    if (handled === 1) firstAt = performance.now();
    report(handled);
    if (handled === params.count) {
      lastAt = performance.now();
      finish();
    }
  };

  const started = performance.now();
  const stop = await startConsumer(cluster, params, handle);
  try {
    await startProfiling();
    await withTimeout(finished, params.timeoutMs, () => `consumed ${handled} of ${params.count} events`);
    await stopProfiling();
  } finally {
    await stop();
  }
  if (checksum === 0) throw new Error('The handler saw no line items; the payloads were not decoded.');
  const elapsedMs = lastAt - firstAt;
  return {
    count: params.count,
    elapsedMs,
    eventsPerSecond: (params.count - 1) / (elapsedMs / 1000),
    firstEventMs: firstAt - started,
    memory: memory.stop(),
  };
}

async function startConsumer(
  cluster: ClusterAddress,
  params: ConsumeParams,
  handle: (payload: { items: unknown[] }) => void,
): Promise<() => Promise<void>> {
  const topics = consumeTopics(params.topicPrefix);
  if (params.variant === 'sdk-subscribe') {
    const events = sdkClient(cluster, params.topicPrefix, {
      acks: -1,
      idempotent: true,
      maxInFlightRequests: 1,
      lingerMs: 5,
      batchSize: 1000,
      compression: 'none',
    });
    await events.subscribe({
      groupId: params.groupId,
      fromBeginning: true,
      handlers: { 'order.created': (event) => handle(event.payload) },
    });
    return () => events.close();
  }
  const consumer = rawKafka(cluster).consumer({
    groupId: params.groupId,
    sessionTimeout: 30_000,
    rebalanceTimeout: 60_000,
    heartbeatInterval: 3_000,
  });
  await consumer.connect();
  const topic = params.variant === 'kafkajs-avsc' ? topics.avro : topics.json;
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await runRaw(consumer, params.variant, handle);
  return () => consumer.disconnect();
}

// The raw baselines: kafkajs eachBatch, one decode per message, offsets resolved and
// committed once per batch, a heartbeat per batch.
async function runRaw(consumer: Consumer, variant: ConsumeVariant, handle: (payload: { items: unknown[] }) => void): Promise<void> {
  const type = plainAvroType();
  const decode =
    variant === 'kafkajs-avsc'
      ? (value: Buffer) => plainAvroDecode(type, value) as { items: unknown[] }
      : (value: Buffer) => JSON.parse(value.toString('utf8')) as { items: unknown[] };
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }) => {
      for (const message of batch.messages) handle(decode(message.value as Buffer));
      resolveOffset(batch.lastOffset());
      await commitOffsetsIfNecessary();
      await heartbeat();
    },
  });
}

async function withTimeout(promise: Promise<void>, timeoutMs: number, describe: () => string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms: ${describe()}.`)), timeoutMs);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
