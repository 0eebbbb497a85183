import { createEvents, registerCodecs } from '@caddy/events';
import type { CaddyEvents } from '@caddy/events';
import { CompressionTypes, Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Admin, Producer } from 'kafkajs';

import type { ClusterAddress } from './protocol.js';

/** Compression codecs the SDK names in `EVENTS_COMPRESSION`. */
export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CodecName = (typeof CODECS)[number];

export const KAFKAJS_COMPRESSION: Record<CodecName, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/**
 * Producer settings shared by the SDK and the raw kafkajs baselines. Acks, idempotence and
 * max in-flight are the Kafka transport's defaults (packages/events/src/transport/kafka.ts),
 * and linger and batch size the batcher's (producer/batcher.ts). The benchmark
 * passes all of them explicitly, so both sides run with the same values even if a default
 * changes.
 */
export interface ProducerSettings {
  acks: -1;
  idempotent: true;
  maxInFlightRequests: 1;
  lingerMs: number;
  batchSize: number;
  compression: CodecName;
}

export const BENCH_CLIENT_ID = 'caddy-events-bench';
export const BENCH_SOURCE = 'caddy-events-bench';

/** Creates a kafkajs client that logs nothing, for the baselines and topic administration. */
export function rawKafka(cluster: ClusterAddress): Kafka {
  // The raw kafkajs baselines use the same snappy, lz4 and zstd codecs as the SDK, so a
  // codec sweep compares the clients and not the codec implementations.
  registerCodecs();
  return new Kafka({ clientId: BENCH_CLIENT_ID, brokers: cluster.brokers, logLevel: logLevel.NOTHING });
}

/** Connects a raw kafkajs producer with the SDK's acks, idempotence and max in-flight. */
export async function rawProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

/** Creates an SDK client on the Kafka transport with the given producer settings. */
export function sdkClient(cluster: ClusterAddress, topicPrefix: string, settings: ProducerSettings): CaddyEvents {
  return createEvents({
    transport: 'kafka',
    // An empty environment, so no variable of the caller's shell changes what is measured.
    env: {},
    config: {
      brokers: cluster.brokers,
      registryUrl: cluster.registryUrl,
      topicPrefix,
      clientId: BENCH_CLIENT_ID,
      compression: settings.compression,
    },
    source: BENCH_SOURCE,
    producer: { lingerMs: settings.lingerMs, maxBatchSize: settings.batchSize },
    kafkaProducer: { idempotent: true, maxInFlightRequests: 1 },
  });
}

/** Creates a topic and waits for its partition leaders. */
export async function createTopic(cluster: ClusterAddress, topic: string, partitions: number): Promise<void> {
  await withAdmin(cluster, async (admin) => {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
  });
}

/** Deletes every topic whose name starts with `prefix` and returns how many it deleted. */
export async function deleteTopics(cluster: ClusterAddress, prefix: string): Promise<number> {
  return withAdmin(cluster, async (admin) => {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    return topics.length;
  });
}

async function withAdmin<T>(cluster: ClusterAddress, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = rawKafka(cluster).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}
