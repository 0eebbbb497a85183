import { randomUUID } from 'node:crypto';

import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';

// Plain kafkajs calls that the fault tests use to read a topic's records, its end offsets
// and a group's committed offsets, independently of the SDK under test.

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

/**
 * Reads a topic from its start with a plain kafkajs consumer until `count` records arrived,
 * then waits `settleMs` more so that records past `count` (duplicates) show up too, and
 * returns every record's `ce_id` header.
 */
export async function readEventIds(brokers: string, topic: string, count: number, settleMs = 0): Promise<string[]> {
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'fault-test-reader', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `fault-test-reader-${randomUUID()}` });
  const ids: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Only ${ids.length} of ${count} records arrived in 30 s.`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          ids.push(message.headers?.ce_id?.toString() ?? 'no ce_id');
          if (ids.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
  } finally {
    await consumer.disconnect();
  }
  return ids;
}
