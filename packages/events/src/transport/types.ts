/** A record ready to be sent: framed value, UTF-8 key, string headers. */
export interface OutgoingRecord {
  topic: string;
  key: Buffer;
  value: Buffer;
  headers: Record<string, string>;
  /** Explicit partition; when absent, the key's murmur2 hash picks it. */
  partition?: number;
}

/** Topic, partition and offset at which the broker stored a record. */
export interface DeliveryReport {
  topic: string;
  partition: number;
  offset: string;
}

/** A record as a consumer receives it. */
export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string | undefined>;
}

/** Options of a transport-level subscription. */
export interface TransportSubscribeOptions {
  groupId: string;
  topics: string[];
  /** Start position of a group without committed offsets: the oldest record, or only new records. */
  fromBeginning: boolean;
  /**
   * Called for each record; its offset is committed after it returns a value that is not a
   * promise, or after its promise resolves. A throw or a rejection leaves it uncommitted.
   */
  handle: (record: IncomingRecord) => Promise<void> | undefined;
  /**
   * Records of one partition handled at the same time, in lanes by key, so records of one key
   * are still handled in order. Default 1: strictly in partition order.
   */
  concurrency?: number;
  /** Partitions handled at the same time by this member. Default 1. */
  partitionsConsumedConcurrently?: number;
  /** Called after each fetched batch with the records left behind the partition's end. */
  onLag?: (sample: { topic: string; partition: number; lag: number }) => void;
}

/** A running subscription of one consumer group member. */
export interface TransportSubscription {
  /** Stops fetching, waits up to `timeoutMs` for in-flight handlers, commits what they finished, and leaves the group. */
  close(timeoutMs?: number): Promise<void>;
}

/** Offsets of one partition: the log's first and next offsets, and a group's committed offset. */
export interface PartitionOffsets {
  topic: string;
  partition: number;
  /** Offset of the oldest record still in the log. */
  start: string;
  /** Offset the next record will get (the high watermark). */
  end: string;
  /** Next offset the group will read, or -1 when it has committed none. */
  committed: string;
}

/** Reachability of one server, for health endpoints. */
export interface ServerHealth {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

/** Connection of the SDK to a broker. The Kafka and in-memory transports run the same serde above it. */
export interface Transport {
  /** One line describing the transport and where it connects, for logs and the demo. */
  readonly description: string;
  /** Connects, failing within seconds when the broker cannot be reached. */
  connect(): Promise<void>;
  /** Creates topics that do not exist yet, with the given partition count. */
  createTopics(topics: string[], numPartitions: number): Promise<void>;
  /** Sends records and resolves when the broker acknowledged all of them. */
  send(records: OutgoingRecord[]): Promise<DeliveryReport[]>;
  subscribe(options: TransportSubscribeOptions): Promise<TransportSubscription>;
  /** Reads every partition's offsets of the topics, with the group's committed offsets. */
  partitionOffsets?(groupId: string, topics: string[]): Promise<PartitionOffsets[]>;
  /** Measures a round trip to the broker. */
  health(): Promise<ServerHealth>;
  /** Stops every subscription and disconnects. */
  close(): Promise<void>;
}
