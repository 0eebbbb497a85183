import type { Catalog } from './catalog.js';
import { EventsError } from './errors.js';
import { buildHeaders, readHeaders } from './headers.js';
import { childLogger, silentLogger } from './logger.js';
import type { Logger } from './logger.js';
import type { SchemaRegistry, SubjectNameStrategy } from './registry/types.js';
import { EventSerde } from './serde/event-serde.js';
import type { RegistryMode } from './serde/event-serde.js';
import type { IncomingRecord, Transport, TransportSubscription } from './transport/types.js';

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
  logger?: Logger;
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
}

/** Where a published event was stored. */
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
   * What happens to an event of the subscribed topics with no handler: `skip` commits past
   * it, `fail` rejects it like a failing handler. Default `skip`.
   */
  unhandled?: 'skip' | 'fail';
}

/** A running subscription. */
export interface Subscription {
  close(): Promise<void>;
}

/**
 * Publishes and consumes the events of a catalog over a transport. `Payloads` types each
 * event as read; `Inputs` types what `publish` accepts, where fields with defaults are
 * optional.
 */
export class EventsClient<Payloads = Record<string, unknown>, Inputs extends { [K in keyof Payloads]: unknown } = Payloads> {
  protected readonly serde: EventSerde;
  private readonly logger: Logger;
  private readonly subscriptions = new Set<TransportSubscription>();
  private connecting?: Promise<void>;
  private closed = false;

  constructor(protected readonly options: EventsClientOptions) {
    this.serde = new EventSerde(options);
    this.logger = childLogger(options.logger ?? silentLogger, 'events');
  }

  /** The transport's one-line description, such as `in-memory` or `kafka brokers=...`. */
  get transportDescription(): string {
    return this.options.transport.description;
  }

  /**
   * Connects to the broker and checks that the registry answers; `publish` and `subscribe`
   * call it on first use. Fails within seconds, naming the address and its variable.
   */
  connect(): Promise<void> {
    this.ensureOpen();
    this.connecting ??= Promise.all([this.options.transport.connect(), this.options.registry.ping()]).then(
      () => undefined,
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  /** Creates the topics of the catalog that do not exist yet. */
  async createTopics(options: { numPartitions?: number } = {}): Promise<void> {
    await this.connect();
    const topics = [...new Set(Object.keys(this.options.catalog).map((type) => this.serde.topicOf(type)))];
    await this.options.transport.createTopics(topics, options.numPartitions ?? 3);
  }

  /**
   * Validates, encodes and publishes one event, keyed by its key field. Rejects with a
   * `PayloadValidationError` before anything is sent when the payload does not match.
   */
  async publish<Type extends keyof Inputs & string>(
    type: Type,
    payload: Inputs[Type],
    options: PublishOptions = {},
  ): Promise<PublishResult> {
    this.ensureOpen();
    const definition = this.serde.definition(type);
    const body = this.serde.encodeBody(type, payload);
    await this.connect();
    const { value, schemaId } = await this.serde.frame(type, body);
    const key = String((payload as Record<string, unknown>)[definition.key]);
    const { id, headers } = buildHeaders({
      type,
      source: this.options.source ?? '@caddy/events',
      subject: key,
      ...pick(options, ['id', 'time', 'correlationId', 'causationId']),
    });
    const topic = this.serde.topicOf(type);
    const [report] = await this.options.transport.send([
      { topic, key: Buffer.from(key, 'utf8'), value, headers, ...pick(options, ['partition']) },
    ]);
    if (!report) throw new EventsError('PUBLISH_FAILED', `No acknowledgement for ${type}.`, { eventType: type, topic });
    return { eventId: id, topic, partition: report.partition, offset: report.offset, schemaId };
  }

  /** Starts a consumer group member that calls the handler of each event's type. */
  async subscribe(options: SubscribeOptions<Payloads>): Promise<Subscription> {
    this.ensureOpen();
    const types = Object.keys(options.handlers).filter((type) => options.handlers[type as keyof Payloads & string]);
    if (!options.groupId) throw new EventsError('CONFIG_INVALID', 'subscribe needs a groupId (REDPANDA_CONSUMER_GROUP_ID).');
    if (types.length === 0) throw new EventsError('CONFIG_INVALID', 'subscribe needs at least one handler.');
    const topics = [...new Set(types.map((type) => this.serde.topicOf(type)))];
    await this.connect();
    const subscription = await this.options.transport.subscribe({
      groupId: options.groupId,
      topics,
      fromBeginning: options.fromBeginning ?? false,
      handle: (record) => this.dispatch(record, options),
    });
    this.subscriptions.add(subscription);
    this.logger.info({ groupId: options.groupId, topics }, 'subscribed');
    return {
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  /** Stops every subscription and disconnects; later calls reject with `CLIENT_CLOSED`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.subscriptions.clear();
    await this.options.transport.close();
  }

  private async dispatch(record: IncomingRecord, options: SubscribeOptions<Payloads>): Promise<void> {
    let decoded;
    try {
      decoded = await this.serde.decode(record.value);
    } catch (error) {
      // A record that cannot be decoded would fail the same way on every redelivery, so it
      // is skipped rather than allowed to stop its partition.
      // TODO: send such records to a dead-letter topic instead of only logging them.
      const { code, schemaId } = error as EventsError;
      this.logger.error(
        { groupId: options.groupId, topic: record.topic, partition: record.partition, offset: record.offset, code, schemaId },
        'skipped a record that cannot be decoded',
      );
      return;
    }
    const handler = options.handlers[decoded.type as keyof Payloads & string] as
      | ((event: ReceivedEvent) => Promise<void> | void)
      | undefined;
    if (!handler) {
      if (options.unhandled === 'fail') {
        throw new EventsError('EVENT_TYPE_UNKNOWN', `No handler for ${decoded.type} in group '${options.groupId}'.`, {
          eventType: decoded.type,
          topic: record.topic,
        });
      }
      return;
    }
    const key = record.key?.toString('utf8') ?? '';
    await handler({
      type: decoded.type,
      key,
      payload: decoded.payload,
      metadata: {
        ...readHeaders(record.headers),
        type: decoded.type,
        key,
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        schemaId: decoded.schemaId,
        headers: record.headers,
      },
    });
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
