import { EventsError } from '../errors.js';
import { partitionFor } from '../partitioner.js';
import { settlesWithin } from '../retry.js';
import type {
  DeliveryReport,
  IncomingRecord,
  OutgoingRecord,
  PartitionOffsets,
  ServerHealth,
  Transport,
  TransportSubscribeOptions,
  TransportSubscription,
} from './types.js';

/** Options of the in-memory transport. */
export interface InMemoryTransportOptions {
  /** Partitions of a topic created on first use. Default 3. */
  defaultPartitions?: number;
  /** Delay before a failed handler receives the same record again, in milliseconds. Default 100. */
  redeliveryDelayMs?: number;
}

interface Member {
  options: TransportSubscribeOptions;
  closed: boolean;
  /** Deliveries running now, so `close` can wait for them. */
  inFlight: Set<Promise<void>>;
}

interface Group {
  members: Member[];
  /** Next offset to deliver, by `topic/partition`. */
  offsets: Map<string, number>;
  /** Partitions with a delivery loop running, by `topic/partition`. */
  active: Set<string>;
}

/**
 * A broker kept in memory for demos and tests: topics with partitions, keys partitioned
 * with Kafka's murmur2, consumer groups with committed offsets, delivery in partition order,
 * and redelivery of a record whose handler failed. It carries the same framed bytes as Kafka.
 */
export class InMemoryTransport implements Transport {
  readonly description = 'in-memory';
  private readonly topics = new Map<string, IncomingRecord[][]>();
  private readonly groups = new Map<string, Group>();
  private readonly defaultPartitions: number;
  private readonly redeliveryDelayMs: number;
  private closed = false;

  constructor(options: InMemoryTransportOptions = {}) {
    this.defaultPartitions = options.defaultPartitions ?? 3;
    this.redeliveryDelayMs = options.redeliveryDelayMs ?? 100;
  }

  async connect(): Promise<void> {
    this.ensureOpen();
  }

  async health(): Promise<ServerHealth> {
    return this.closed ? { ok: false, latencyMs: 0, error: 'closed' } : { ok: true, latencyMs: 0 };
  }

  async createTopics(topics: string[], numPartitions: number): Promise<void> {
    for (const topic of topics) this.partitions(topic, numPartitions);
  }

  async send(records: OutgoingRecord[]): Promise<DeliveryReport[]> {
    this.ensureOpen();
    const reports = records.map((record) => this.append(record));
    for (const report of reports) this.wake(report.topic);
    return reports;
  }

  async subscribe(options: TransportSubscribeOptions): Promise<TransportSubscription> {
    this.ensureOpen();
    const group = this.group(options.groupId);
    const member: Member = { options, closed: false, inFlight: new Set() };
    group.members.push(member);
    for (const topic of options.topics) {
      const partitions = this.partitions(topic);
      partitions.forEach((records, partition) => {
        const slot = `${topic}/${partition}`;
        if (!group.offsets.has(slot)) group.offsets.set(slot, options.fromBeginning ? 0 : records.length);
      });
      this.wake(topic);
    }
    return {
      close: async (timeoutMs = 30_000) => {
        member.closed = true;
        group.members = group.members.filter((candidate) => candidate !== member);
        await settlesWithin(Promise.allSettled([...member.inFlight]), timeoutMs);
      },
    };
  }

  async partitionOffsets(groupId: string, topics: string[]): Promise<PartitionOffsets[]> {
    const offsets = this.groups.get(groupId)?.offsets;
    return topics.flatMap((topic) =>
      this.partitions(topic).map((log, partition) => ({
        topic,
        partition,
        start: '0',
        end: String(log.length),
        committed: String(offsets?.get(`${topic}/${partition}`) ?? -1),
      })),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const group of this.groups.values()) {
      for (const member of group.members) member.closed = true;
      group.members = [];
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new EventsError('CLIENT_CLOSED', 'The in-memory transport is closed.');
  }

  private partitions(topic: string, count = this.defaultPartitions): IncomingRecord[][] {
    let partitions = this.topics.get(topic);
    if (!partitions) {
      partitions = Array.from({ length: count }, () => []);
      this.topics.set(topic, partitions);
    }
    return partitions;
  }

  private group(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) {
      group = { members: [], offsets: new Map(), active: new Set() };
      this.groups.set(groupId, group);
    }
    return group;
  }

  private append(record: OutgoingRecord): DeliveryReport {
    const partitions = this.partitions(record.topic);
    const partition = record.partition ?? partitionFor(record.key, partitions.length);
    const log = partitions[partition];
    if (!log) {
      throw new EventsError('PUBLISH_FAILED', `Topic '${record.topic}' has no partition ${partition}.`, { topic: record.topic });
    }
    const offset = String(log.length);
    log.push({ topic: record.topic, partition, offset, key: record.key, value: record.value, headers: { ...record.headers } });
    return { topic: record.topic, partition, offset };
  }

  // Starts a delivery loop for every partition of the topic that some group member reads.
  private wake(topic: string): void {
    for (const group of this.groups.values()) {
      const readers = group.members.filter((member) => member.options.topics.includes(topic));
      if (readers.length === 0) continue;
      this.partitions(topic).forEach((_, partition) => {
        // Partitions are spread over the group's members the way a round-robin assignor would.
        const member = readers[partition % readers.length] as Member;
        void this.deliver(group, member, topic, partition);
      });
    }
  }

  private async deliver(group: Group, member: Member, topic: string, partition: number): Promise<void> {
    const slot = `${topic}/${partition}`;
    if (group.active.has(slot)) return;
    group.active.add(slot);
    try {
      const log = this.partitions(topic)[partition] as IncomingRecord[];
      let offset = group.offsets.get(slot) ?? 0;
      while (!member.closed && !this.closed && offset < log.length) {
        const delivery = settle(member.options.handle, log[offset] as IncomingRecord);
        member.inFlight.add(delivery);
        try {
          await delivery;
          offset += 1;
          group.offsets.set(slot, offset);
        } catch {
          if (member.closed) break;
          // As on Kafka, the offset is not committed and the same record comes again.
          await new Promise((resolve) => setTimeout(resolve, this.redeliveryDelayMs));
        } finally {
          member.inFlight.delete(delivery);
        }
      }
    } finally {
      group.active.delete(slot);
    }
    // Records appended while the loop was finishing its last handler.
    const log = this.partitions(topic)[partition] as IncomingRecord[];
    if (!member.closed && !this.closed && (group.offsets.get(slot) ?? 0) < log.length) {
      void this.deliver(group, member, topic, partition);
    }
  }
}

// The handler's outcome as a promise, whether it returned one, returned nothing or threw.
function settle(handle: (record: IncomingRecord) => Promise<void> | undefined, record: IncomingRecord): Promise<void> {
  try {
    return Promise.resolve(handle(record));
  } catch (error) {
    return Promise.reject(error);
  }
}
