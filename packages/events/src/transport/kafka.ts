import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Admin, Consumer, KafkaConfig, LogEntry, Producer, ProducerConfig, SASLOptions } from 'kafkajs';

import { ConnectionError, EventsError } from '../errors.js';
import { partitionFor } from '../partitioner.js';
import { childLogger, silentLogger } from '../logger.js';
import type { Logger } from '../logger.js';
import type {
  DeliveryReport,
  IncomingRecord,
  OutgoingRecord,
  Transport,
  TransportSubscribeOptions,
  TransportSubscription,
} from './types.js';

/** Options of the Kafka transport; the names of kafkajs are kept where they exist. */
export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  sasl?: SASLOptions;
  /** Time `connect()` may take before it fails, in milliseconds. Default 10000. */
  connectTimeoutMs?: number;
  sessionTimeout?: number;
  rebalanceTimeout?: number;
  heartbeatInterval?: number;
  allowAutoTopicCreation?: boolean;
  /** kafkajs producer settings; idempotence and acks=all are the defaults. */
  producer?: Omit<ProducerConfig, 'createPartitioner'>;
  logger?: Logger;
}

/**
 * The Kafka transport, on kafkajs: an idempotent producer with acks=all and Kafka's Java
 * murmur2 partitioner, and one kafkajs consumer per subscription with offsets committed
 * after each handler succeeds.
 */
export class KafkaTransport implements Transport {
  readonly description: string;
  private readonly kafka: Kafka;
  private readonly logger: Logger;
  private admin?: Admin;
  private producer?: Producer;
  private connecting?: Promise<void>;
  private readonly consumers = new Set<Consumer>();
  private readonly partitionCounts = new Map<string, Promise<number>>();

  constructor(private readonly options: KafkaTransportOptions) {
    this.description = `kafka brokers=${options.brokers.join(',')}`;
    this.logger = childLogger(options.logger ?? silentLogger, 'kafka');
    const config: KafkaConfig = {
      brokers: options.brokers,
      clientId: options.clientId,
      connectionTimeout: 3_000,
      logLevel: logLevel.INFO,
      logCreator: () => (entry: LogEntry) => this.forwardLog(entry),
      ...(options.ssl ? { ssl: true } : {}),
      ...(options.sasl ? { sasl: options.sasl } : {}),
    };
    this.kafka = new Kafka(config);
  }

  connect(): Promise<void> {
    this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  async createTopics(topics: string[], numPartitions: number): Promise<void> {
    await this.connect();
    const admin = this.admin as Admin;
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions })) });
  }

  async send(records: OutgoingRecord[]): Promise<DeliveryReport[]> {
    await this.connect();
    // The partition is picked here, with the same murmur2 partitioner kafkajs would use, so
    // each record's offset can be told from the per-partition base offsets kafkajs returns.
    const placed = await Promise.all(
      records.map(async (record) => ({
        ...record,
        partition: record.partition ?? partitionFor(record.key, await this.partitionCount(record.topic)),
      })),
    );
    const byTopic = new Map<string, typeof placed>();
    for (const record of placed) {
      const list = byTopic.get(record.topic) ?? [];
      list.push(record);
      byTopic.set(record.topic, list);
    }
    const results = await (this.producer as Producer).sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({
        topic,
        messages: messages.map(({ key, value, headers, partition }) => ({
          key,
          value,
          headers,
          ...(partition === undefined ? {} : { partition }),
        })),
      })),
    });
    return reportsInOrder(placed, results);
  }

  private partitionCount(topic: string): Promise<number> {
    let count = this.partitionCounts.get(topic);
    if (!count) {
      count = this.fetchPartitionCount(topic);
      this.partitionCounts.set(topic, count);
      count.catch(() => this.partitionCounts.delete(topic));
    }
    return count;
  }

  private async fetchPartitionCount(topic: string): Promise<number> {
    let partitions = 0;
    try {
      const metadata = await (this.admin as Admin).fetchTopicMetadata({ topics: [topic] });
      partitions = metadata.topics[0]?.partitions.length ?? 0;
    } catch (error) {
      throw new EventsError(
        'PUBLISH_FAILED',
        `Could not read the partitions of topic '${topic}': ${(error as Error).message}. ` +
          'Create the topic (for example with createTopics) or set REDPANDA_ALLOW_AUTO_TOPIC_CREATION=true.',
        { topic, cause: error },
        true,
      );
    }
    if (partitions === 0) {
      throw new EventsError('PUBLISH_FAILED', `Topic '${topic}' has no partitions. Create it first.`, { topic });
    }
    return partitions;
  }

  async subscribe(options: TransportSubscribeOptions): Promise<TransportSubscription> {
    await this.connect();
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: this.options.sessionTimeout ?? 30_000,
      rebalanceTimeout: this.options.rebalanceTimeout ?? 60_000,
      heartbeatInterval: this.options.heartbeatInterval ?? 3_000,
      allowAutoTopicCreation: this.options.allowAutoTopicCreation ?? false,
    });
    this.consumers.add(consumer);
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning });
    await consumer.run({
      // kafkajs commits a message's offset only after eachMessage resolves, so a failing
      // handler sees the message again: delivery is at least once.
      eachMessage: async ({ topic, partition, message }) => {
        const record: IncomingRecord = {
          topic,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: decodeHeaders(message.headers),
        };
        await options.handle(record);
      },
    });
    await joined;
    return {
      close: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.disconnect()));
    this.consumers.clear();
    await this.producer?.disconnect();
    await this.admin?.disconnect();
    this.connecting = undefined;
  }

  private async open(): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    const admin = this.kafka.admin({ retry: { retries: 1 } });
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: this.options.allowAutoTopicCreation ?? false,
      ...this.options.producer,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([
        (async () => {
          await admin.connect();
          await admin.describeCluster();
          await producer.connect();
        })(),
        deadline,
      ]);
    } catch (error) {
      void admin.disconnect().catch(() => {});
      void producer.disconnect().catch(() => {});
      throw new ConnectionError(
        `Could not connect to Kafka at ${this.options.brokers.join(',')} (set by REDPANDA_BROKERS): ${(error as Error).message}. ` +
          'Check the address and that the broker is running.',
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
    this.admin = admin;
    this.producer = producer;
    this.logger.info({ brokers: this.options.brokers }, 'connected to Kafka');
  }

  private forwardLog(entry: LogEntry): void {
    const { message, ...fields } = entry.log;
    const data = { namespace: entry.namespace, ...fields };
    if (entry.level === logLevel.ERROR) this.logger.error(data, message);
    else if (entry.level === logLevel.WARN) this.logger.warn(data, message);
    else if (entry.level === logLevel.INFO) this.logger.info(data, message);
    else this.logger.debug(data, message);
  }
}

function decodeHeaders(headers: Record<string, unknown> | undefined): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    result[name] = first === undefined || first === null ? undefined : first.toString();
  }
  return result;
}

// kafkajs returns the base offset of each partition's batch; a record's offset is that base
// plus its position among the records of the same batch.
function reportsInOrder(
  records: (OutgoingRecord & { partition: number })[],
  results: { topicName: string; partition: number; baseOffset?: string }[],
): DeliveryReport[] {
  const next = new Map<string, bigint>();
  for (const result of results) {
    next.set(`${result.topicName}/${result.partition}`, BigInt(result.baseOffset ?? '-1'));
  }
  return records.map((record) => {
    const slot = `${record.topic}/${record.partition}`;
    const offset = next.get(slot);
    if (offset === undefined) {
      throw new EventsError('PUBLISH_FAILED', `Kafka returned no acknowledgement for ${slot}.`, { topic: record.topic });
    }
    next.set(slot, offset + 1n);
    return { topic: record.topic, partition: record.partition, offset: offset.toString() };
  });
}
