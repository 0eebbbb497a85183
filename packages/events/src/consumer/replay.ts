import { EventsError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DeliveryReport, IncomingRecord, OutgoingRecord, Transport } from '../transport/types.js';
import { DLQ_HEADERS, originalRecord } from './dead-letter.js';

/** Inputs of `replayDeadLetterTopics`. */
export interface ReplayOptions {
  transport: Transport;
  send: (records: OutgoingRecord[]) => Promise<DeliveryReport[]>;
  /** Dead-letter topics to read, by their full names on the broker. */
  topics: string[];
  /** Consumer group of the replay; its committed offsets mark what earlier runs replayed. */
  groupId: string;
  /** Time without a record after which the replay ends even though records remain, in milliseconds. */
  idleMs: number;
  logger: Logger;
  /** Maximum records to read (replayed or skipped); the rest stay for a later run. Default no limit. */
  limit?: number;
  /** Topic that receives every record instead of the topic named in its `dlq_original_topic` header. */
  to?: string;
  /** Called after each record read. */
  onProgress?: (progress: { replayed: number; skipped: number; total: number }) => void;
}

/** One partition of a dead-letter topic: the offsets a replay reads, and what it did with them. */
export interface ReplayPartition {
  topic: string;
  partition: number;
  /** First offset the group has not replayed yet. */
  from: string;
  /** End offset when the replay started; records from here on wait for a later run. */
  end: string;
  replayed: number;
  skipped: number;
}

/** A dead-letter record that was read and committed without a republish. */
export interface SkippedRecord {
  topic: string;
  partition: number;
  offset: string;
  reason: string;
}

/** Outcome of a replay. */
export interface ReplayReport {
  groupId: string;
  partitions: ReplayPartition[];
  replayed: number;
  /** Republished records by destination topic. */
  destinations: Record<string, number>;
  skipped: SkippedRecord[];
  /** Records before the end offsets that were left for a later run (limit, idle timeout or failure). */
  remaining: number;
  /** The failure that stopped the replay at its record (a send, or a record without a destination); that record and later ones were not committed. */
  error?: EventsError;
}

// Rejects the handlers of records this run leaves alone, so their offsets stay uncommitted.
class ReplayStopped extends Error {
  override readonly name = 'ReplayStopped';
}

/**
 * Reads the partitions of dead-letter topics and returns, per partition, the offsets that
 * `groupId` has not replayed yet: from its committed offset (or the log's start) to the end.
 */
export async function planReplay(transport: Transport, groupId: string, topics: string[]): Promise<ReplayPartition[]> {
  if (!transport.partitionOffsets) {
    throw new EventsError('CONFIG_INVALID', `The ${transport.description} transport cannot read partition offsets, which a replay needs.`);
  }
  const plan: ReplayPartition[] = [];
  for (const topic of topics) {
    let offsets;
    try {
      offsets = await transport.partitionOffsets(groupId, [topic]);
    } catch (error) {
      throw new EventsError(
        'CONFIG_INVALID',
        `Could not read the offsets of dead-letter topic '${topic}': ${(error as Error).message}. ` +
          'Check that the topic exists; dead-letter topics are named <topic>.dlq, with the topic prefix.',
        { topic, cause: error },
      );
    }
    for (const { partition, start, end, committed } of offsets) {
      const from = BigInt(committed) > BigInt(start) ? committed : start;
      plan.push({ topic, partition, from, end, replayed: 0, skipped: 0 });
    }
  }
  return plan;
}

/**
 * Republishes the dead-lettered records of the given topics: each record's original key,
 * value and headers, without the dead-letter headers, go to its original topic (or to `to`).
 * The group's offset of a record is committed only after its republish was acknowledged, so
 * a replay that stops halfway resumes where it stopped. The replay ends at the end offsets it
 * read at its start, so records dead-lettered again while it runs wait for the next run.
 */
export async function replayDeadLetterTopics(options: ReplayOptions): Promise<ReplayReport> {
  const plan = await planReplay(options.transport, options.groupId, options.topics);
  const report: ReplayReport = { groupId: options.groupId, partitions: plan, replayed: 0, destinations: {}, skipped: [], remaining: 0 };
  const total = plan.reduce((sum, part) => sum + Number(BigInt(part.end) - BigInt(part.from)), 0);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (total === 0 || limit <= 0) {
    report.remaining = total;
    return finish(report, options.logger);
  }

  const byPartition = new Map(plan.map((part) => [`${part.topic}/${part.partition}`, { part, next: BigInt(part.from) }]));
  let read = 0;
  let lastActivity = Date.now();
  let endReached: () => void = () => {};
  const ended = new Promise<void>((resolve) => (endReached = resolve));
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const leaveAlone = async (): Promise<never> => {
    await released;
    throw new ReplayStopped('The replay ended before this record.');
  };

  const handle = async (record: IncomingRecord): Promise<void> => {
    const slot = byPartition.get(`${record.topic}/${record.partition}`);
    const stopped = report.error !== undefined || read >= limit;
    if (!slot || stopped || BigInt(record.offset) >= BigInt(slot.part.end)) return leaveAlone();
    lastActivity = Date.now();
    read += 1;
    if (!record.value) {
      // A tombstone or an empty record has nothing to republish, so the replay moves past it.
      slot.part.skipped += 1;
      report.skipped.push({ topic: record.topic, partition: record.partition, offset: record.offset, reason: 'no value' });
    } else {
      const target = originalRecord(record, options.to ?? record.headers[DLQ_HEADERS.topic]);
      if (!target) {
        // Committing past it would lose the event, so the replay stops here for `--to`.
        report.error = missingDestination(record);
        endReached();
        return leaveAlone();
      }
      try {
        await options.send([target]);
      } catch (error) {
        report.error = sendFailure(record, target.topic, error);
        endReached();
        return leaveAlone();
      }
      slot.part.replayed += 1;
      report.replayed += 1;
      report.destinations[target.topic] = (report.destinations[target.topic] ?? 0) + 1;
    }
    slot.next = BigInt(record.offset) + 1n;
    lastActivity = Date.now();
    options.onProgress?.({ replayed: report.replayed, skipped: report.skipped.length, total });
    const atEnd = [...byPartition.values()].every(({ part, next }) => next >= BigInt(part.end));
    if (atEnd || read >= limit) endReached();
  };

  const subscription = await options.transport.subscribe({
    groupId: options.groupId,
    topics: options.topics,
    fromBeginning: true,
    // A record past the end waits in its handler until the replay stops, so every partition
    // gets its own worker and the others keep moving.
    partitionsConsumedConcurrently: plan.length,
    handle,
  });
  lastActivity = Date.now();
  await Promise.race([ended, idle(() => lastActivity, options.idleMs, ended)]);
  const closing = subscription.close();
  release();
  await closing;
  report.remaining = [...byPartition.values()].reduce((sum, { part, next }) => sum + Number(BigInt(part.end) - next), 0);
  return finish(report, options.logger);
}

/**
 * Creates the dead-letter topics that do not exist yet (a topic that never had a failure has
 * none), replays them as `replayDeadLetterTopics` does, and returns how many records it
 * republished.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<number> {
  await options.transport.createTopics(options.topics, 1);
  return (await replayDeadLetterTopics(options)).replayed;
}

function missingDestination(record: IncomingRecord): EventsError {
  return new EventsError(
    'PUBLISH_FAILED',
    `${record.topic} partition ${record.partition} offset ${record.offset} has no ${DLQ_HEADERS.topic} header, so its ` +
      'topic is unknown. The replay stopped there and resumes at that record; name its topic with --to (the option ' +
      'sends every record of that run there).',
    { topic: record.topic },
  );
}

function sendFailure(record: IncomingRecord, topic: string, error: unknown): EventsError {
  return new EventsError(
    'PUBLISH_FAILED',
    `Republishing ${record.topic} partition ${record.partition} offset ${record.offset} to '${topic}' failed: ` +
      `${(error as Error).message.replace(/\.$/, '')}. The replay stopped there; run it again once the cause is fixed, and it resumes at that record.`,
    { topic, cause: error },
  );
}

// Resolves once no record arrived for `idleMs`, which ends a replay whose remaining offsets
// never arrive (for example records deleted by retention after the replay read the offsets).
async function idle(lastActivity: () => number, idleMs: number, ended: Promise<void>): Promise<void> {
  let done = false;
  void ended.then(() => (done = true));
  while (!done && Date.now() - lastActivity() < idleMs) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(200, idleMs)));
  }
}

function finish(report: ReplayReport, logger: Logger): ReplayReport {
  const fields = { groupId: report.groupId, replayed: report.replayed, skipped: report.skipped.length, remaining: report.remaining };
  if (report.error) logger.error({ ...fields, code: report.error.code, topic: report.error.topic }, 'replay stopped by a failed send');
  else logger.info(fields, 'replayed dead-letter records');
  return report;
}
