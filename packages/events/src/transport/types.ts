/** A record ready to be sent: framed value, UTF-8 key, string headers. */
export interface OutgoingRecord {
  topic: string;
  key: Buffer;
  value: Buffer;
  headers: Record<string, string>;
  /** Explicit partition; when absent, the key's murmur2 hash picks it. */
  partition?: number;
}

/** Where the broker stored a record. */
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
  /** Where a group without committed offsets starts: the oldest record, or only new records. */
  fromBeginning: boolean;
  /** Called for each record in partition order; the offset is committed after it resolves. */
  handle: (record: IncomingRecord) => Promise<void>;
}

/** A running subscription of one consumer group member. */
export interface TransportSubscription {
  close(): Promise<void>;
}

/** How events reach a broker; the Kafka and in-memory transports run the same serde above it. */
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
  /** Stops every subscription and disconnects. */
  close(): Promise<void>;
}
