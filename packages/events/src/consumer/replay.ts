import type { Logger } from '../logger.js';
import type { DeliveryReport, OutgoingRecord, Transport } from '../transport/types.js';
import { originalRecord } from './dead-letter.js';

/** Inputs of `replayDeadLetters`. */
export interface ReplayOptions {
  transport: Transport;
  send: (records: OutgoingRecord[]) => Promise<DeliveryReport[]>;
  topics: string[];
  groupId: string;
  idleMs: number;
  logger: Logger;
}

/**
 * Reads dead-letter topics as a consumer group and republishes each record's original bytes
 * to its original topic. A record's offset is committed only after its republish was
 * acknowledged, so a replay that stops halfway resumes where it stopped.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<number> {
  await options.transport.createTopics(options.topics, 1);
  let replayed = 0;
  let lastActivity = Date.now();
  const subscription = await options.transport.subscribe({
    groupId: options.groupId,
    topics: options.topics,
    fromBeginning: true,
    handle: async (record) => {
      lastActivity = Date.now();
      const original = originalRecord(record);
      if (!original) {
        options.logger.warn({ topic: record.topic, partition: record.partition, offset: record.offset }, 'skipped a dead-letter record without its original topic');
        return;
      }
      await options.send([original]);
      replayed += 1;
      lastActivity = Date.now();
    },
  });
  while (Date.now() - lastActivity < options.idleMs) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(200, options.idleMs)));
  }
  await subscription.close();
  options.logger.info({ topics: options.topics, replayed }, 'replayed dead-letter records');
  return replayed;
}
