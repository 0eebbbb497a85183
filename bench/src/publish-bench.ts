import type { OrderCreated } from '@caddy/events';
import type { Message, Producer } from 'kafkajs';

import { KAFKAJS_COMPRESSION, createTopic, rawKafka, rawProducer, sdkClient } from './kafka.js';
import type { ProducerSettings } from './kafka.js';
import { MemorySampler } from './memory.js';
import type { MemoryPeaks } from './memory.js';
import {
  EVENT_TYPE,
  ORDER_CREATED,
  cloudEventHeaders,
  orderPayloads,
  plainAvroEncode,
  plainAvroType,
  registeredSchemaId,
} from './payloads.js';
import { startProfiling, stopProfiling } from './profiling.js';
import { progressReporter } from './protocol.js';
import type { ClusterAddress } from './protocol.js';
import { LatencyHistogram } from './stats.js';

/** The publish patterns compared end to end. */
export const PUBLISH_VARIANTS = ['sdk-publish', 'sdk-publish-batch', 'kafkajs-send', 'kafkajs-send-batch'] as const;
export type PublishVariant = (typeof PUBLISH_VARIANTS)[number];

/** Parameters of one publish run. */
export interface PublishParams {
  variant: PublishVariant;
  count: number;
  topicPrefix: string;
  partitions: number;
  settings: ProducerSettings;
  /** Events published but not yet acknowledged, kept constant by refilling as acks arrive. */
  inFlight: number;
}

/** Outcome of one publish run. */
export interface PublishResult {
  count: number;
  elapsedMs: number;
  eventsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  memory: MemoryPeaks;
}

type Publisher = (index: number) => Promise<unknown>;

/**
 * Publishes `count` order events to a fresh topic and measures throughput from the first
 * call to the last acknowledgement, and each event's time from its call (or, for the
 * batch baseline, from its encoding) to its acknowledgement. A warm-up of a few batches
 * registers the schema, fetches metadata and compiles the hot paths before timing starts.
 */
export async function runPublish(cluster: ClusterAddress, params: PublishParams): Promise<PublishResult> {
  const topic = `${params.topicPrefix}${ORDER_CREATED.topic}`;
  await createTopic(cluster, topic, params.partitions);
  const payloads = orderPayloads();
  const memory = new MemorySampler();
  const target = await openTarget(cluster, params, topic, payloads);
  try {
    await target.run(Math.min(params.count, 2 * params.settings.batchSize), new LatencyHistogram(), () => {});
    memory.start();
    const histogram = new LatencyHistogram();
    const report = progressReporter(params.count);
    await startProfiling();
    const started = performance.now();
    await target.run(params.count, histogram, report);
    const elapsedMs = performance.now() - started;
    await stopProfiling();
    return {
      count: params.count,
      elapsedMs,
      eventsPerSecond: params.count / (elapsedMs / 1000),
      latencyP50Ms: histogram.percentile(0.5),
      latencyP99Ms: histogram.percentile(0.99),
      memory: memory.stop(),
    };
  } finally {
    await target.close();
  }
}

interface Target {
  run(count: number, histogram: LatencyHistogram, report: (done: number) => void): Promise<void>;
  close(): Promise<void>;
}

async function openTarget(cluster: ClusterAddress, params: PublishParams, topic: string, payloads: OrderCreated[]): Promise<Target> {
  switch (params.variant) {
    case 'sdk-publish':
    case 'sdk-publish-batch':
      return sdkTarget(cluster, params, payloads);
    case 'kafkajs-send':
      return kafkajsSendTarget(cluster, params, topic, payloads);
    case 'kafkajs-send-batch':
      return kafkajsSendBatchTarget(cluster, params, topic, payloads);
  }
}

async function sdkTarget(cluster: ClusterAddress, params: PublishParams, payloads: OrderCreated[]): Promise<Target> {
  const events = sdkClient(cluster, params.topicPrefix, params.settings);
  await events.connect();
  const batchSize = params.settings.batchSize;
  if (params.variant === 'sdk-publish') {
    // The way application code calls it: one call per event, many calls awaiting at once.
    return {
      run: (count, histogram, report) =>
        keepInFlight(count, params.inFlight, 1, histogram, report, (index) =>
          events.publishOrderCreated(payloads[index % payloads.length] as OrderCreated),
        ),
      close: () => events.close(),
    };
  }
  return {
    run: (count, histogram, report) =>
      keepInFlight(count, params.inFlight, batchSize, histogram, report, (first) => {
        const items = [];
        for (let index = first; index < Math.min(count, first + batchSize); index++) {
          items.push({ type: EVENT_TYPE, payload: payloads[index % payloads.length] as OrderCreated });
        }
        return events.publishBatch(items);
      }),
    close: () => events.close(),
  };
}

async function kafkajsSendTarget(cluster: ClusterAddress, params: PublishParams, topic: string, payloads: OrderCreated[]): Promise<Target> {
  const producer = await rawProducer(rawKafka(cluster));
  const encode = await recordEncoder(cluster, params, payloads);
  const compression = KAFKAJS_COMPRESSION[params.settings.compression];
  // The pattern of most applications today: one `send` per event, awaited by its caller.
  return {
    run: (count, histogram, report) =>
      keepInFlight(count, params.inFlight, 1, histogram, report, (index) =>
        producer.send({ topic, acks: -1, compression, messages: [encode(index)] }),
      ),
    close: () => producer.disconnect(),
  };
}

async function kafkajsSendBatchTarget(
  cluster: ClusterAddress,
  params: PublishParams,
  topic: string,
  payloads: OrderCreated[],
): Promise<Target> {
  const producer = await rawProducer(rawKafka(cluster));
  const encode = await recordEncoder(cluster, params, payloads);
  return {
    run: (count, histogram, report) => sendBatchesPipelined(producer, topic, params.settings, count, encode, histogram, report),
    close: () => producer.disconnect(),
  };
}

/**
 * Sends batches of `batchSize` one at a time, as the SDK's batcher does with an idempotent
 * producer. It encodes the next batch while the current one is on the wire, so the baseline
 * loses no time to encoding that the SDK can overlap with the network.
 */
async function sendBatchesPipelined(
  producer: Producer,
  topic: string,
  settings: ProducerSettings,
  count: number,
  encode: (index: number) => Message,
  histogram: LatencyHistogram,
  report: (done: number) => void,
): Promise<void> {
  const compression = KAFKAJS_COMPRESSION[settings.compression];
  const build = (first: number) => {
    const created = performance.now();
    const messages: Message[] = [];
    for (let index = first; index < Math.min(count, first + settings.batchSize); index++) messages.push(encode(index));
    return { created, messages };
  };
  let next = build(0);
  for (let first = 0; first < count; first += settings.batchSize) {
    const current = next;
    const sent = producer.sendBatch({ acks: -1, compression, topicMessages: [{ topic, messages: current.messages }] });
    if (first + settings.batchSize < count) next = build(first + settings.batchSize);
    await sent;
    histogram.recordMany(performance.now() - current.created, current.messages.length);
    report(first + current.messages.length);
  }
}

// The raw baselines send what the SDK sends: the same Avro value with the 5-byte header,
// the key as UTF-8 bytes, and the same CloudEvents headers. The schema id comes from the
// registry once, as a hand-written producer would look it up at start.
async function recordEncoder(cluster: ClusterAddress, params: PublishParams, payloads: OrderCreated[]): Promise<(index: number) => Message> {
  const schemaId = await registeredSchemaId(cluster, params.topicPrefix);
  const type = plainAvroType();
  return (index) => {
    const payload = payloads[index % payloads.length] as OrderCreated;
    return {
      key: Buffer.from(payload.orderId, 'utf8'),
      value: plainAvroEncode(type, schemaId, payload),
      headers: cloudEventHeaders(payload.orderId, 'application/avro'),
    };
  };
}

/**
 * Calls `publish` for `count` events in chunks of `chunk`, keeping up to `inFlight` events
 * unacknowledged. Each chunk's latency is recorded once per event it carries.
 */
function keepInFlight(
  count: number,
  inFlight: number,
  chunk: number,
  histogram: LatencyHistogram,
  report: (done: number) => void,
  publish: Publisher,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let pending = 0;
    let done = 0;
    let failed = false;
    const launch = () => {
      while (!failed && next < count && pending < inFlight) {
        const size = Math.min(chunk, count - next);
        const started = performance.now();
        pending += size;
        next += size;
        publish(next - size).then(
          () => {
            histogram.recordMany(performance.now() - started, size);
            pending -= size;
            done += size;
            report(done);
            if (done === count) resolve();
            else launch();
          },
          (error: unknown) => {
            failed = true;
            reject(error);
          },
        );
      }
    };
    launch();
  });
}
