import type { ConnectionOptions } from 'node:tls';

import kafkajs from 'kafkajs';
import type { Admin, Consumer, EachBatchPayload, KafkaConfig, KafkaMessage, LogEntry, Message, Producer, ProducerConfig, SASLOptions } from 'kafkajs';

import { ConnectionError, EventsError } from '../errors.js';
import { LoadingCache } from '../cache.js';
import { settlesWithin, withTimeout } from '../retry.js';
import { partitionFor } from '../partitioner.js';
import { registerCodecs } from './codecs.js';
import type { CompressionName } from './codecs.js';
import { childLogger, silentLogger } from '../logger.js';
import type { Logger } from '../logger.js';
import type {
  DeliveryReport,
  IncomingRecord,
  OutgoingRecord,
  PartitionOffsets,
  Transport,
  ServerHealth,
  TransportSubscribeOptions,
  TransportSubscription,
} from './types.js';

/** Options of the Kafka transport; the names of kafkajs are kept where they exist. */
export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  /** TLS to the brokers: `true` for Node's default CAs, or options of `tls.connect` such as `ca`. */
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions;
  /** Time `connect()` may take before it fails, in milliseconds. Default 10000. */
  connectTimeoutMs?: number;
  sessionTimeout?: number;
  rebalanceTimeout?: number;
  heartbeatInterval?: number;
  allowAutoTopicCreation?: boolean;
  /** kafkajs producer settings; idempotence and acks=all are the defaults. */
  producer?: Omit<ProducerConfig, 'createPartitioner'>;
  /** Compression of produced batches. Default `none`; consumers read every codec whatever this is. */
  compression?: CompressionName;
  logger?: Logger;
}

// kafkajs is a CommonJS module whose exports Node's ESM loader cannot list by name, so its
// values are taken from the default import.
const { CompressionTypes, Kafka, Partitioners, logLevel } = kafkajs;
type CompressionTypes = kafkajs.CompressionTypes;
type Kafka = kafkajs.Kafka;

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
  private closed = false;
  private readonly consumers = new Set<Consumer>();
  private readonly partitionCounts = new LoadingCache<string, number>();

  constructor(private readonly options: KafkaTransportOptions) {
    this.description = `kafka brokers=${options.brokers.join(',')}`;
    this.logger = childLogger(options.logger ?? silentLogger, 'kafka');
    const config: KafkaConfig = {
      brokers: options.brokers,
      clientId: options.clientId,
      connectionTimeout: 3_000,
      logLevel: logLevel.INFO,
      logCreator: () => (entry: LogEntry) => this.forwardLog(entry),
      ...(options.ssl ? { ssl: options.ssl } : {}),
      ...(options.sasl ? { sasl: options.sasl } : {}),
    };
    this.kafka = new Kafka(config);
    registerCodecs();
  }

  connect(): Promise<void> {
    // A send after close() would otherwise open new connections that nothing closes, and
    // keep the process alive.
    if (this.closed) {
      return Promise.reject(new EventsError('CLIENT_CLOSED', 'This Kafka transport is closed; create a new client.'));
    }
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
    // each record's offset follows from the per-partition base offsets kafkajs returns.
    const partitions: number[] = [];
    const byTopic = new Map<string, Message[]>();
    for (const record of records) {
      const count =
        this.partitionCounts.peek(record.topic) ??
        (await this.partitionCounts.get(record.topic, (topic) => this.fetchPartitionCount(topic)));
      const partition = record.partition ?? partitionFor(record.key, count);
      partitions.push(partition);
      let messages = byTopic.get(record.topic);
      if (!messages) byTopic.set(record.topic, (messages = []));
      messages.push({ key: record.key, value: record.value, headers: record.headers, partition });
    }
    const results = await (this.producer as Producer).sendBatch({
      acks: -1,
      compression: COMPRESSION_TYPES[this.options.compression ?? 'none'],
      topicMessages: Array.from(byTopic, ([topic, messages]) => ({ topic, messages })),
    });
    return reportsInOrder(records, partitions, results);
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
      eachBatchAutoResolve: false,
      autoCommitInterval: 5_000,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => handleBatch(payload, options),
    });
    await joined;
    return {
      close: async (timeoutMs = 30_000) => {
        this.consumers.delete(consumer);
        await this.disconnectConsumer(consumer, timeoutMs);
      },
    };
  }

  async partitionOffsets(groupId: string, topics: string[]): Promise<PartitionOffsets[]> {
    await this.connect();
    const admin = this.admin as Admin;
    const committed = await admin.fetchOffsets({ groupId, topics });
    const results: PartitionOffsets[] = [];
    for (const topic of topics) {
      const group = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
      for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
        const offset = group.find((entry) => entry.partition === partition)?.offset ?? '-1';
        results.push({ topic, partition, start: low, end: high, committed: offset });
      }
    }
    return results;
  }

  async health(): Promise<ServerHealth> {
    const started = performance.now();
    try {
      await this.connect();
      await (this.admin as Admin).describeCluster();
      return { ok: true, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
    }
  }

  // kafkajs's disconnect stops fetching and waits for the running batch to finish before it
  // leaves the group; the timeout bounds a handler that never returns.
  private async disconnectConsumer(consumer: Consumer, timeoutMs: number): Promise<void> {
    if (!(await settlesWithin(consumer.disconnect(), timeoutMs))) {
      this.logger.warn({ timeoutMs }, 'consumer did not stop within the close timeout; unfinished records will be delivered again');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    // A connection still opening is closed too, once it is open.
    await this.connecting?.catch(() => {});
    await Promise.all([...this.consumers].map((consumer) => this.disconnectConsumer(consumer, 30_000)));
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
    const connectAll = async () => {
      await admin.connect();
      await admin.describeCluster();
      await producer.connect();
    };
    try {
      await withTimeout(connectAll(), timeoutMs, () => new Error(`no response within ${timeoutMs} ms`));
    } catch (error) {
      void admin.disconnect().catch(() => {});
      void producer.disconnect().catch(() => {});
      throw connectFailure(this.options, error);
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

// Node's TLS errors for a certificate that does not verify, and for a peer that does not
// speak TLS (OpenSSL's "wrong version number", or Node's "disconnected before secure TLS
// connection was established").
const TLS_FAILURE = /certificate|self[- ]signed|ERR_TLS_|wrong version number|SSL routines|secure TLS connection/i;

/** Builds the error of a failed connect, naming the variables that fix the likely cause. */
function connectFailure(options: KafkaTransportOptions, error: unknown): ConnectionError {
  const brokers = `Kafka at ${options.brokers.join(',')} (set by REDPANDA_BROKERS)`;
  const reason = (error as Error).message;
  if ((error as Error).name === 'KafkaJSSASLAuthenticationError') {
    const mechanism = options.sasl?.mechanism.toUpperCase() ?? 'SASL';
    return new ConnectionError(
      `${mechanism} authentication to ${brokers} failed: ${reason}. ` +
        'Check REDPANDA_SASL_USERNAME and REDPANDA_SASL_PASSWORD, and that REDPANDA_SASL_MECHANISM is one the broker enables.',
      { cause: error },
    );
  }
  if (options.ssl && TLS_FAILURE.test(reason)) {
    return new ConnectionError(
      `TLS to ${brokers} failed: ${reason}. Trust the brokers' CA with REDPANDA_TLS_CA_FILE (or NODE_EXTRA_CA_CERTS), ` +
        'and check that the address is a TLS listener.',
      { cause: error },
    );
  }
  return new ConnectionError(`Could not connect to ${brokers}: ${reason}. Check the address and that the broker is running.`, {
    cause: error,
  });
}

const COMPRESSION_TYPES: Record<CompressionName, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/**
 * Handles one fetched batch. With concurrency 1 records run strictly in offset order;
 * above 1 they run in lanes by key, so records of one key keep their order. The offset
 * committed is the end of the longest run of finished records from the batch's start, so a
 * stop or a failure in the middle never commits past an unfinished record.
 */
async function handleBatch(payload: EachBatchPayload, options: TransportSubscribeOptions): Promise<void> {
  const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
  const messages = batch.messages;
  const done = new Array<boolean>(messages.length).fill(false);
  const lanes = (options.concurrency ?? 1) > 1 ? lanesByKey(messages) : [messages.map((_, index) => index)];
  let finished = -1;
  let failure: unknown;
  let lastHousekeeping = Date.now();
  const previousHeaders: PreviousHeaders = new Map();
  // A seek makes the rest of a batch stale. The SDK makes none, so staleness is looked up with
  // the housekeeping below rather than per record, where kafkajs builds a key string each time.
  let stale = false;

  // Resolves the offset of the longest run of finished records from the batch's start, so
  // kafkajs's periodic commit never covers an unfinished record. It runs before each commit
  // rather than after each record, because kafkajs parses and formats the offset each time.
  const advance = () => {
    const before = finished;
    while (finished + 1 < done.length && done[finished + 1]) finished++;
    if (finished > before) resolveOffset((messages[finished] as KafkaMessage).offset);
  };

  const work = async () => {
    for (let lane = lanes.shift(); lane && failure === undefined; lane = lanes.shift()) {
      for (const index of lane) {
        if (!isRunning() || stale || failure !== undefined) return;
        const message = messages[index] as KafkaMessage;
        try {
          // A record handled synchronously costs no await.
          const pending = options.handle(toIncoming(batch.topic, batch.partition, message, previousHeaders));
          if (pending !== undefined) await pending;
        } catch (error) {
          failure = error;
          return;
        }
        done[index] = true;
        // About once a second: commit if the auto-commit interval has passed, which bounds
        // what a crash in a long batch redelivers, and heartbeat, which kafkajs sends once
        // per heartbeat interval however often it is called.
        const now = Date.now();
        if (now - lastHousekeeping >= 1_000) {
          lastHousekeeping = now;
          stale = isStale();
          if (stale) return;
          advance();
          await commitOffsetsIfNecessary();
          await heartbeat();
        }
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 1, lanes.length));
  await Promise.all(Array.from({ length: workers }, work));

  advance();
  if (finished >= 0 && !isStale()) {
    // The batch's finished records are committed now, not at the next interval, so a
    // graceful stop leaves nothing handled but uncommitted.
    const next = (BigInt((messages[finished] as KafkaMessage).offset) + 1n).toString();
    await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }] });
  }
  options.onLag?.({ topic: batch.topic, partition: batch.partition, lag: Number(batch.offsetLag()) });
  if (failure !== undefined) throw failure;
}

function lanesByKey(messages: KafkaMessage[]): number[][] {
  const lanes = new Map<string, number[]>();
  messages.forEach((message, index) => {
    // A record without a key has no order to keep, so it gets a lane of its own.
    const key = message.key ? `k:${message.key.toString('base64')}` : `i:${index}`;
    const lane = lanes.get(key);
    if (lane) lane.push(index);
    else lanes.set(key, [index]);
  });
  return [...lanes.values()];
}

function toIncoming(topic: string, partition: number, message: KafkaMessage, previous: PreviousHeaders): IncomingRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: decodeHeaders(message.headers, previous),
  };
}

/** The last string decoded for each header name within a batch. */
export type PreviousHeaders = Map<string, string>;

/**
 * Decodes Kafka header values as UTF-8 (the first value of a repeated header). A value with
 * the same ASCII bytes as the previous record's value of that header (spec version, type,
 * source and content type usually are) reuses its string: comparing a few bytes costs less
 * than decoding them. Exported for its tests.
 */
export function decodeHeaders(headers: Record<string, unknown> | undefined, previous: PreviousHeaders): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  if (!headers) return result;
  for (const name in headers) {
    const value = headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first instanceof Buffer) {
      const last = previous.get(name);
      if (last !== undefined && isSameAscii(first, last)) {
        result[name] = last;
      } else {
        const text = first.toString();
        previous.set(name, text);
        result[name] = text;
      }
    } else {
      result[name] = first === undefined || first === null ? undefined : String(first);
    }
  }
  return result;
}

// True when every byte is ASCII and equals the text's character at its place, which is when
// decoding the bytes as UTF-8 gives exactly that text.
function isSameAscii(bytes: Buffer, text: string): boolean {
  const length = bytes.length;
  if (text.length !== length) return false;
  // From the end, where times and ids differ soonest.
  for (let index = length - 1; index >= 0; index--) {
    const byte = bytes[index] as number;
    if (byte >= 0x80 || byte !== text.charCodeAt(index)) return false;
  }
  return true;
}

// kafkajs returns the base offset of each partition's batch; a record's offset is that base
// plus its position among the records of the same batch. Offsets are counted as numbers while
// that is exact, which covers any real partition, and as BigInts beyond.
function reportsInOrder(
  records: OutgoingRecord[],
  partitions: number[],
  results: { topicName: string; partition: number; baseOffset?: string }[],
): DeliveryReport[] {
  const next = new Map<string, (number | bigint | undefined)[]>();
  for (const result of results) {
    let offsets = next.get(result.topicName);
    if (!offsets) next.set(result.topicName, (offsets = []));
    const base = BigInt(result.baseOffset ?? '-1');
    offsets[result.partition] = base + BigInt(records.length) <= MAX_EXACT_OFFSET ? Number(base) : base;
  }
  return records.map((record, index) => {
    const partition = partitions[index] as number;
    const offsets = next.get(record.topic);
    const offset = offsets?.[partition];
    if (offsets === undefined || offset === undefined) {
      throw new EventsError('PUBLISH_FAILED', `Kafka returned no acknowledgement for ${record.topic}/${partition}.`, { topic: record.topic });
    }
    offsets[partition] = typeof offset === 'number' ? offset + 1 : offset + 1n;
    return { topic: record.topic, partition, offset: String(offset) };
  });
}

const MAX_EXACT_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);
