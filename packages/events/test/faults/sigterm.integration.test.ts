import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEvents, partitionFor } from '../../src/index.js';
import type { CaddyEvents } from '../../src/index.js';
import { ConsumerProcess } from './consumer-process.js';
import type { LogLine } from './consumer-process.js';
import { reportFigures } from './figures.js';
import { committedOffsets } from './kafka-admin.js';
import { requireLocalStack } from './stack-control.js';

// Sends SIGTERM to a consumer process (an EventsClient with handleSignals) while slow
// handlers run on every partition. The handlers in flight must finish, the process must
// commit their offsets and exit, and a new member of the same group must receive exactly
// the events the first process never handled.

const PARTITIONS = 3;
const EVENTS_PER_PARTITION = 8;
const HANDLER_DELAY_MS = 1_500;

let env: { REDPANDA_BROKERS: string; SCHEMA_REGISTRY_URL: string };
let events: CaddyEvents;
const prefix = `fault-sigterm-${randomUUID().slice(0, 8)}.`;
const workDir = mkdtempSync(join(tmpdir(), 'fault-sigterm-'));
let child: ConsumerProcess | undefined;

beforeAll(async () => {
  env = await requireLocalStack();
  events = createEvents({ transport: 'kafka', env: { ...env, EVENTS_TOPIC_PREFIX: prefix } });
  await events.createTopics({ numPartitions: PARTITIONS });
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await child?.exited;
  await events?.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** Returns one key per partition, so every partition gets events. */
function keyPerPartition(): string[] {
  const keys = new Map<number, string>();
  while (keys.size < PARTITIONS) {
    const key = randomUUID();
    keys.set(partitionFor(key, PARTITIONS), key);
  }
  return [...keys.values()];
}

describe('SIGTERM during consumption', () => {
  it(
    'finishes in-flight handlers and commits them',
    async () => {
      const items = keyPerPartition().flatMap((productId) =>
        Array.from({ length: EVENTS_PER_PARTITION }, (_, index) => ({
          type: 'product.viewed' as const,
          payload: { productId, sessionId: `session-${index}`, viewedAt: new Date() },
        })),
      );
      const published = (await events.publishBatch(items)).map((result) => result.eventId);
      const groupId = `${prefix}viewers`;

      child = ConsumerProcess.start({
        brokers: env.REDPANDA_BROKERS,
        registryUrl: env.SCHEMA_REGISTRY_URL,
        prefix,
        groupId,
        logFile: join(workDir, 'consumer.log'),
        types: ['product.viewed'],
        handlerDelayMs: HANDLER_DELAY_MS,
        partitionsConsumedConcurrently: PARTITIONS,
      });
      // Signal once every partition has finished a handler and has the next one running.
      await child.waitFor(
        'a finished and a running handler on every partition',
        (lines) => {
          const started = lines.filter((line) => line.kind === 'start');
          const finished = new Set(lines.filter((line) => line.kind === 'done').map((line) => line.id));
          const running = started.filter((line) => !finished.has(line.id));
          return new Set(running.map((line) => line.partition)).size === PARTITIONS && finished.size >= PARTITIONS;
        },
        60_000,
      );
      child.kill('SIGTERM');
      const exit = await child.exited;
      const lines = child.lines();

      const signalAt = lines.findIndex((line) => line.kind === 'signal');
      const before = lines.slice(0, signalAt);
      const finishedIds = new Set(lines.filter((line) => line.kind === 'done').map((line) => line.id));
      const doneBefore = new Set(before.filter((line) => line.kind === 'done').map((line) => line.id));
      const inFlight = before.filter((line) => line.kind === 'start' && !doneBefore.has(line.id));
      const unfinished = lines.filter((line) => line.kind === 'start' && !finishedIds.has(line.id));
      const startedAfterSignal = lines.slice(signalAt + 1).filter((line) => line.kind === 'start');

      // Offsets the group committed: one past the last record handled on each partition.
      const committed = await committedOffsets(env.REDPANDA_BROKERS, groupId, `${prefix}products`);
      const lastDone = new Map<number, bigint>();
      for (const line of lines) {
        if (line.kind !== 'done') continue;
        if (line.offset >= (lastDone.get(line.partition) ?? -1n)) lastDone.set(line.partition, line.offset);
      }
      const wrongCommits = [...lastDone].filter(([partition, offset]) => committed.get(partition) !== offset + 1n);

      const received = await receiveRest(groupId, published.length - finishedIds.size);
      const receivedAgain = received.filter((id) => finishedIds.has(id));
      const lost = published.filter((id) => !finishedIds.has(id) && !received.includes(id));

      const figures = {
        published: published.length,
        handledBeforeExit: finishedIds.size,
        inFlightAtSignal: inFlight.length,
        unfinished: unfinished.length,
        startedAfterSignal: startedAfterSignal.length,
        exitCode: exit.code,
        receivedByNewMember: received.length,
        receivedAgain: receivedAgain.length,
        lost: lost.length,
      };
      reportFigures('sigterm', figures);
      const context = `${JSON.stringify(figures)}\nchild stderr:\n${child.errorOutput.slice(-2_000)}`;

      expect(signalAt, `the child never logged the signal: ${context}`).toBeGreaterThan(0);
      expect(inFlight.length, `handlers running when the signal arrived: ${context}`).toBeGreaterThanOrEqual(PARTITIONS);
      expect(unfinished.map((line: LogLine) => line.id), `handlers that never finished: ${context}`).toEqual([]);
      expect(startedAfterSignal.length, `handlers started after the signal: ${context}`).toBe(0);
      expect(exit.code, `exit code of the child: ${context}`).toBe(143);
      expect(wrongCommits, `partitions whose committed offset is not one past the last handled record: ${context}`).toEqual([]);
      expect(receivedAgain.length, `handled events delivered again to the new member: ${context}`).toBe(0);
      expect(lost.length, `events neither handled nor delivered to the new member: ${context}`).toBe(0);
    },
    120_000,
  );
});

/** Subscribes a new member of the group and returns the ids it receives until `expected` arrived and 2 s passed. */
async function receiveRest(groupId: string, expected: number): Promise<string[]> {
  const received: string[] = [];
  let settle: () => void = () => {};
  const enough = new Promise<void>((resolve) => (settle = resolve));
  if (expected <= 0) settle();
  // From the beginning where the group committed nothing, so such a partition shows up as
  // events delivered again instead of being skipped.
  const subscription = await events.subscribe({
    groupId,
    fromBeginning: true,
    handlers: {
      'product.viewed': (event) => {
        received.push(event.metadata.id ?? '');
        if (received.length === expected) settle();
      },
    },
  });
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 30_000));
  await Promise.race([enough, timeout]);
  // A short wait more, so records delivered twice would show up.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await subscription.close();
  return received;
}
