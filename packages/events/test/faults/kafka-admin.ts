import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';

// Plain kafkajs admin calls that the fault tests use to read a topic's end offsets and a
// group's committed offsets, independently of the SDK under test.

async function withAdmin<T>(brokers: string, work: (admin: Admin) => Promise<T>): Promise<T> {
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'fault-test-admin', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Returns the end offset (high watermark) of each partition of a topic. */
export function endOffsets(brokers: string, topic: string): Promise<Map<number, bigint>> {
  return withAdmin(brokers, async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map(({ partition, high }) => [partition, BigInt(high)]));
  });
}

/** Returns the offset a group committed on each partition of a topic, or -1 where it committed none. */
export function committedOffsets(brokers: string, groupId: string, topic: string): Promise<Map<number, bigint>> {
  return withAdmin(brokers, async (admin) => {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map(({ partition, offset }) => [partition, BigInt(offset)]));
  });
}
