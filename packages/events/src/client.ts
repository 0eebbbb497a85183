import { LoadingCache } from './cache.js';
import type { Catalog } from './catalog.js';
import { deadLetterTopic } from './consumer/dead-letter.js';
import { dispatch } from './consumer/dispatcher.js';
import type { DispatcherOptions, RawHandler, RetryPolicy } from './consumer/dispatcher.js';
import { EventsError, PayloadValidationError } from './errors.js';
import { buildHeaders } from './headers.js';
import { startPublishSpan } from './tracing.js';
import type { TraceScope } from './tracing.js';
import { childLogger, silentLogger } from './logger.js';
import type { Logger } from './logger.js';
import { emit } from './metrics.js';
import type { MetricsHooks } from './metrics.js';
import { RecordBatcher } from './producer/batcher.js';
import type { BatchingOptions } from './producer/batcher.js';
import type { SchemaRegistry, SubjectNameStrategy } from './registry/types.js';
import { EventSerde } from './serde/event-serde.js';
import { writeHeader } from './serde/wire.js';
import type { RegistryMode } from './serde/event-serde.js';
import type { DeliveryReport, OutgoingRecord, ServerHealth, Transport, TransportSubscription } from './transport/types.js';

/** Options of an events client. */
export interface EventsClientOptions {
  catalog: Catalog;
  transport: Transport;
  registry: SchemaRegistry;
  /** Default `auto-register`; production uses `lookup-only` with schemas registered by the CLI. */
  registryMode?: RegistryMode;
  /** Default `topic-record`: subjects are `<topic>-<record full name>`. */
  subjectNameStrategy?: SubjectNameStrategy;
  /** Prefix of every topic, and so of every subject. Default empty. */
  topicPrefix?: string;
  /** CloudEvents `source` of published events. Default `@caddy/events`. */
  source?: string;
  /** Pino-compatible logger; the SDK logs nothing without one. */
  logger?: Logger;
  /** Batching, buffering and delivery timeout of the publish path. */
  producer?: BatchingOptions;
  /** Retries of failing handlers before their records are dead-lettered; `subscribe` may override it. */
  retry?: RetryPolicy;
  metrics?: MetricsHooks;
  /** Close the client on SIGTERM and SIGINT, then exit. Default false. */
  handleSignals?: boolean;
  /** Time `close` waits for in-flight handlers, in milliseconds. Default 30000. */
  closeTimeoutMs?: number;
}

/** Broker and registry reachability, for a health endpoint such as `/health/redpanda`. */
export interface HealthReport {
  ok: boolean;
  broker: ServerHealth;
  registry: ServerHealth;
}

/** Per-call options of `publish`. */
export interface PublishOptions {
  /** Event id (`ce_id`); a random UUID by default. */
  id?: string;
  /** Event time (`ce_time`); now by default. */
  time?: Date;
  /** Explicit partition, overriding the key's murmur2 partition. */
  partition?: number;
  correlationId?: string;
  causationId?: string;
  /** W3C trace context to send when no OpenTelemetry span is active. */
  traceparent?: string;
  tracestate?: string;
}

/** Topic, partition and offset of a published event. */
export interface PublishResult {
  eventId: string;
  topic: string;
  partition: number;
  offset: string;
  schemaId: number;
}

/** Metadata of a received event; attributes the producer did not send are absent. */
export interface EventMetadata {
  /** Event type, known from the writer schema's record name even without headers. */
  type: string;
  key: string;
  topic: string;
  partition: number;
  offset: string;
  schemaId: number;
  id?: string;
  source?: string;
  time?: Date;
  correlationId?: string;
  causationId?: string;
  traceparent?: string;
  tracestate?: string;
  headers: Readonly<Record<string, string | undefined>>;
}

/** A received event: its payload, typed by event type, and its metadata. */
export interface ReceivedEvent<Type extends string = string, Payload = unknown> {
  type: Type;
  key: string;
  payload: Payload;
  metadata: EventMetadata;
}

/** Handlers by event type; each receives the payload typed by the catalog. */
export type EventHandlers<Payloads> = {
  [Type in keyof Payloads & string]?: (event: ReceivedEvent<Type, Payloads[Type]>) => Promise<void> | void;
};

/** Options of `subscribe`. */
export interface SubscribeOptions<Payloads> {
  groupId: string;
  handlers: EventHandlers<Payloads>;
  /** Start a new group at the oldest record instead of only new ones. Default false. */
  fromBeginning?: boolean;
  /**
   * Policy for events of the subscribed topics that have no handler: `skip` commits past
   * them, `fail` sends them to the dead-letter topic. Default `skip`.
   */
  unhandled?: 'skip' | 'fail';
  /** Retries of a failing handler; defaults to the client's `retry`. */
  retry?: RetryPolicy;
  /** Records of one partition handled at once, in lanes by key. Default 1: strict partition order. */
  concurrency?: number;
  /** Partitions handled at once. Default 1. */
  partitionsConsumedConcurrently?: number;
}

/** One event of `publishBatch`. */
export interface BatchItem<Type extends string = string, Payload = unknown> {
  type: Type;
  payload: Payload;
  options?: PublishOptions;
}

/** A running subscription. */
export interface Subscription {
  close(): Promise<void>;
}

interface PreparedRecord {
  record: OutgoingRecord;
  eventId: string;
  schemaId: number;
  type: string;
  span: TraceScope;
}

const DEFAULT_RETRY: Required<RetryPolicy> = { maxAttempts: 5, initialBackoffMs: 200, maxBackoffMs: 10_000 };

/**
 * Publishes and consumes the events of a catalog over a transport. `Payloads` types each
 * event as read; `Inputs` types what `publish` accepts, where fields with defaults are
 * optional.
 */
export class EventsClient<Payloads = Record<string, unknown>, Inputs extends { [K in keyof Payloads]: unknown } = Payloads> {
  protected readonly serde: EventSerde;
  private readonly logger: Logger;
  private readonly batcher: RecordBatcher;
  private readonly subscriptions = new Set<{ transport: TransportSubscription; closing: boolean }>();
  private readonly deadLetterTopics = new LoadingCache<string, void>();
  private connecting?: Promise<void>;
  private connected = false;
  private closed = false;
  /** Publishes accepted before close() that still wait for their schema id. */
  private readonly settingUp = new Set<Promise<unknown>>();

  constructor(protected readonly options: EventsClientOptions) {
    this.serde = new EventSerde(options);
    this.logger = childLogger(options.logger ?? silentLogger, 'events');
    this.batcher = new RecordBatcher(options.transport, childLogger(options.logger ?? silentLogger, 'producer'), options.producer);
    if (options.handleSignals) this.handleSignals();
  }

  /** The transport's one-line description, such as `in-memory` or `kafka brokers=...`. */
  get transportDescription(): string {
    return this.options.transport.description;
  }

  /**
   * Connects to the broker and checks that the registry responds; `publish` and `subscribe`
   * call it on first use. Fails within seconds, naming the address and its variable. In
   * `lookup-only` mode it also fails when a schema of the catalog is not registered.
   */
  connect(): Promise<void> {
    this.ensureOpen();
    this.connecting ??= this.open().then(
      () => {
        this.connected = true;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  /** Reports whether the broker and the registry respond, with their round-trip times. */
  async health(): Promise<HealthReport> {
    const [broker, registry] = await Promise.all([this.options.transport.health(), this.registryHealth()]);
    return { ok: broker.ok && registry.ok, broker, registry };
  }

  /** Creates the topics of the catalog that do not exist yet. */
  async createTopics(options: { numPartitions?: number } = {}): Promise<void> {
    await this.connect();
    const topics = [...new Set(Object.keys(this.options.catalog).map((type) => this.serde.topicOf(type)))];
    await this.options.transport.createTopics(topics, options.numPartitions ?? 3);
  }

  /**
   * Validates, encodes and publishes one event, keyed by its key field, and resolves when the
   * broker acknowledged it. Concurrent calls are batched. Rejects with a
   * `PayloadValidationError` before anything is sent when the payload does not match.
   */
  async publish<Type extends keyof Inputs & string>(
    type: Type,
    payload: Inputs[Type],
    options: PublishOptions = {},
  ): Promise<PublishResult> {
    this.ensureOpen();
    // Encoding validates the payload, so an invalid one is rejected before any I/O.
    const value = this.serde.encodeFramed(type, 0, payload);
    const cachedId = this.connected ? this.serde.knownSchemaId(type) : undefined;
    const schemaId = cachedId ?? (await this.beforeSend(this.setUp(type)));
    const entry = this.prepare({ type, payload, options }, schemaId, value);
    let report;
    try {
      report = await this.batcher.enqueueOne(entry.record);
    } catch (error) {
      entry.span.end(error);
      throw error;
    }
    entry.span.end();
    return this.result(entry, report);
  }

  /**
   * Publishes many events at once. Every payload is validated (and encoded) first, so one
   * invalid payload rejects the whole call with nothing sent; the error's `batchIndex` names it.
   */
  async publishBatch<Type extends keyof Inputs & string>(
    items: ReadonlyArray<BatchItem<Type, Inputs[Type]>>,
  ): Promise<PublishResult[]> {
    this.ensureOpen();
    const values = items.map((item, index) => {
      try {
        return this.serde.encodeFramed(item.type, 0, item.payload);
      } catch (error) {
        if (error instanceof PayloadValidationError) Object.assign(error, { batchIndex: index });
        throw error;
      }
    });
    const ids = await this.beforeSend(Promise.all(items.map((item) => this.setUp(item.type))));
    const prepared = items.map((item, index) => this.prepare(item, ids[index] as number, values[index] as Buffer));
    let reports;
    try {
      reports = await this.batcher.enqueue(prepared.map((entry) => entry.record));
    } catch (error) {
      for (const entry of prepared) entry.span.end(error);
      throw error;
    }
    for (const entry of prepared) entry.span.end();
    return prepared.map((entry, index) => this.result(entry, reports[index]));
  }

  // Connects on first use and finds the schema id of an event type, from the cache when it can.
  private async setUp(type: string): Promise<number> {
    if (!this.connected) await this.connect();
    return this.serde.knownSchemaId(type) ?? this.serde.schemaId(type);
  }

  // Tracks a publish that was accepted and still waits for the connection or its schema id,
  // so close() sends it instead of flushing an empty buffer while it waits. The publish
  // awaits `work` before close() can, so its record is enqueued before close() flushes.
  private beforeSend<T>(work: Promise<T>): Promise<T> {
    this.settingUp.add(work);
    const forget = () => this.settingUp.delete(work);
    work.then(forget, forget);
    return work;
  }

  private result(entry: PreparedRecord, report: DeliveryReport | undefined): PublishResult {
    if (!report) throw new EventsError('PUBLISH_FAILED', `No acknowledgement for ${entry.type}.`, { eventType: entry.type });
    emit(this.options.metrics, 'published', { type: entry.type, topic: report.topic });
    return { eventId: entry.eventId, topic: report.topic, partition: report.partition, offset: report.offset, schemaId: entry.schemaId };
  }

  /** Starts a consumer group member that calls the handler of each event's type. */
  async subscribe(options: SubscribeOptions<Payloads>): Promise<Subscription> {
    this.ensureOpen();
    const handlers = options.handlers as Readonly<Record<string, RawHandler | undefined>>;
    const types = Object.keys(handlers).filter((type) => handlers[type]);
    if (!options.groupId) throw new EventsError('CONFIG_INVALID', 'subscribe needs a groupId (REDPANDA_CONSUMER_GROUP_ID).');
    if (types.length === 0) throw new EventsError('CONFIG_INVALID', 'subscribe needs at least one handler.');
    const topics = [...new Set(types.map((type) => this.serde.topicOf(type)))];
    await this.connect();
    const state = { transport: undefined as unknown as TransportSubscription, closing: false };
    const dispatcher: DispatcherOptions = {
      groupId: options.groupId,
      handlers,
      unhandled: options.unhandled ?? 'skip',
      retry: { ...DEFAULT_RETRY, ...this.options.retry, ...options.retry },
      serde: this.serde,
      deadLetter: (dead) => this.sendDeadLetter(dead),
      logger: this.logger,
      ...(this.options.metrics ? { metrics: this.options.metrics } : {}),
      isClosing: () => state.closing,
    };
    state.transport = await this.options.transport.subscribe({
      groupId: options.groupId,
      topics,
      fromBeginning: options.fromBeginning ?? false,
      concurrency: options.concurrency ?? 1,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
      onLag: (sample) => emit(this.options.metrics, 'lag', { ...sample, groupId: options.groupId }),
      handle: (record) => dispatch(record, dispatcher),
    });
    this.subscriptions.add(state);
    this.logger.info({ groupId: options.groupId, topics }, 'subscribed');
    return { close: () => this.closeSubscription(state) };
  }

  /**
   * Republishes dead-lettered events of the given topics (names without prefix, such as
   * `orders`) to their original topics, reading the dead-letter topics as consumer group
   * `groupId`, and resolves with the count once it reached the end offsets read at its start,
   * or once no record arrived for `idleMs` (default 2000).
   */
  async replayDeadLetters(options: { topics: string[]; groupId: string; idleMs?: number }): Promise<number> {
    const { replayDeadLetters } = await import('./consumer/replay.js');
    await this.connect();
    const sources = options.topics.map((topic) => deadLetterTopic(`${this.options.topicPrefix ?? ''}${topic}`));
    return replayDeadLetters({
      transport: this.options.transport,
      send: (records) => this.batcher.enqueue(records),
      topics: sources,
      groupId: options.groupId,
      idleMs: options.idleMs ?? 2_000,
      logger: this.logger,
    });
  }

  /**
   * Stops every subscription (in-flight handlers finish within `closeTimeoutMs` and their
   * offsets are committed), sends what is buffered, including publishes still waiting for
   * their schema id, and disconnects. Later calls reject with
   * `CLIENT_CLOSED`.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((state) => this.closeSubscription(state)));
    await Promise.allSettled([...this.settingUp]);
    await this.batcher.flush();
    await this.options.transport.close();
    this.logger.info({}, 'closed');
  }

  private async open(): Promise<void> {
    await Promise.all([this.options.transport.connect(), this.options.registry.ping()]);
    if (this.options.registryMode === 'lookup-only') await this.checkRegistered();
  }

  // Looks up every schema of the catalog at start-up, so a missing registration fails the
  // deploy instead of the first publish of that event type.
  private async checkRegistered(): Promise<void> {
    const types = Object.keys(this.options.catalog);
    const results = await Promise.allSettled(types.map((type) => this.serde.schemaId(type)));
    const missing = results.flatMap((result, index) =>
      result.status === 'rejected' && (result.reason as EventsError).code === 'SCHEMA_NOT_FOUND'
        ? [this.serde.subjectOf(types[index] as string)]
        : [],
    );
    const failed = results.find((result) => result.status === 'rejected' && (result.reason as EventsError).code !== 'SCHEMA_NOT_FOUND');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    if (missing.length > 0) {
      throw new EventsError(
        'SCHEMA_NOT_FOUND',
        `EVENTS_REGISTRY_MODE is lookup-only and ${missing.length} schema(s) are not registered: ${missing.join(', ')}. ` +
          'Register them with `caddy-events register` (with SCHEMA_REGISTRY_URL and EVENTS_TOPIC_PREFIX of this environment).',
        { subject: missing[0] },
      );
    }
  }

  // Builds the record of an encoded event: its value, framed now with the schema id (which
  // may have been unknown when it was encoded), UTF-8 key, CloudEvents and trace headers.
  private prepare(item: BatchItem, schemaId: number, value: Buffer): PreparedRecord {
    const definition = this.serde.definition(item.type);
    const topic = this.serde.topicOf(item.type);
    writeHeader(value, schemaId);
    const key = String((item.payload as Record<string, unknown>)[definition.key]);
    const options = item.options ?? {};
    const { id, headers } = buildHeaders({
      type: item.type,
      source: this.options.source ?? '@caddy/events',
      subject: key,
      ...pick(options, ['id', 'time', 'correlationId', 'causationId']),
    });
    const span = startPublishSpan(topic, item.type);
    // The span's trace context, or else the caller's; `headers` is this record's own object.
    const trace = span.headers.traceparent !== undefined ? span.headers : options;
    if (trace.traceparent !== undefined) headers.traceparent = trace.traceparent;
    if (trace.tracestate !== undefined) headers.tracestate = trace.tracestate;
    const record: OutgoingRecord = {
      topic,
      key: Buffer.from(key, 'utf8'),
      value,
      headers,
      ...pick(options, ['partition']),
    };
    return { record, eventId: id, schemaId, type: item.type, span };
  }

  private async sendDeadLetter(record: OutgoingRecord): Promise<void> {
    await this.deadLetterTopics.get(record.topic, (topic) => this.options.transport.createTopics([topic], 1));
    await this.batcher.enqueue([record]);
  }

  private async closeSubscription(state: { transport: TransportSubscription; closing: boolean }): Promise<void> {
    if (state.closing) return;
    state.closing = true;
    this.subscriptions.delete(state);
    await state.transport.close(this.options.closeTimeoutMs ?? 30_000);
  }

  private async registryHealth(): Promise<ServerHealth> {
    const started = performance.now();
    try {
      await this.options.registry.ping();
      return { ok: true, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
    }
  }

  private handleSignals(): void {
    const stop = (signal: NodeJS.Signals) => {
      this.logger.info({ signal }, 'closing on signal');
      void this.close().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  }

  private ensureOpen(): void {
    if (this.closed) throw new EventsError('CLIENT_CLOSED', 'This events client is closed; create a new one.');
  }
}

function pick<T extends object, K extends keyof T>(object: T, keys: K[]): Partial<Pick<T, K>> {
  const result: Partial<Pick<T, K>> = {};
  for (const key of keys) if (object[key] !== undefined) result[key] = object[key];
  return result;
}
