import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEvents } from '../../src/index.js';
import type { CaddyEvents } from '../../src/index.js';
import { ConsumerProcess } from './consumer-process.js';
import type { ConsumerSettings, LogLine } from './consumer-process.js';
import { reportFigures } from './figures.js';
import { committedOffsets } from './kafka-admin.js';
import { requireLocalStack } from './stack-control.js';

// Kills a consumer process with SIGKILL while it works through a topic, then starts a new
// process in the same group. Every event must be handled by one of the two runs, and the
// only events handled twice must be those the first run handled past its group's committed
// offsets, which are the records a consumer may redeliver under at-least-once delivery.

const PUBLISHED = 6_000;
const KEYS = 60;
const PARTITIONS = 3;
const KILL_AFTER_HANDLED = 1_500;
const HANDLER_DELAY_MS = 2;

let env: { REDPANDA_BROKERS: string; SCHEMA_REGISTRY_URL: string };
let events: CaddyEvents;
const prefix = `fault-consumer-${randomUUID().slice(0, 8)}.`;
const workDir = mkdtempSync(join(tmpdir(), 'fault-consumer-'));
const children: ConsumerProcess[] = [];

beforeAll(async () => {
  env = await requireLocalStack();
  events = createEvents({ transport: 'kafka', env: { ...env, EVENTS_TOPIC_PREFIX: prefix } });
  await events.createTopics({ numPartitions: PARTITIONS });
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map((child) => child.exited));
  await events?.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** Publishes `order.updated` events on a few keys and returns their ids. */
async function publishOrders(): Promise<string[]> {
  const keys = Array.from({ length: KEYS }, () => randomUUID());
  const ids: string[] = [];
  for (let start = 0; start < PUBLISHED; start += 1_000) {
    const items = Array.from({ length: Math.min(1_000, PUBLISHED - start) }, (_, index) => ({
      type: 'order.updated' as const,
      payload: {
        orderId: keys[(start + index) % KEYS] as string,
        status: 'PENDING' as const,
        reason: `change ${start + index}`,
        updatedAt: new Date(),
      },
    }));
    const results = await events.publishBatch(items);
    ids.push(...results.map((result) => result.eventId));
  }
  return ids;
}

function startConsumer(name: string, groupId: string): ConsumerProcess {
  const settings: ConsumerSettings = {
    brokers: env.REDPANDA_BROKERS,
    registryUrl: env.SCHEMA_REGISTRY_URL,
    prefix,
    groupId,
    logFile: join(workDir, `${name}.log`),
    types: ['order.updated'],
    handlerDelayMs: HANDLER_DELAY_MS,
    partitionsConsumedConcurrently: PARTITIONS,
    // The broker's minimum session timeout, so the killed member leaves the group within
    // seconds instead of the default 30.
    sessionTimeout: 6_000,
    heartbeatInterval: 1_000,
  };
  const child = ConsumerProcess.start(settings);
  children.push(child);
  return child;
}

const done = (lines: LogLine[]) => lines.filter((line) => line.kind === 'done');

describe('consumer process killed mid-stream', () => {
  it(
    'redelivers only uncommitted records after a restart',
    async () => {
      const published = await publishOrders();
      const groupId = `${prefix}workers`;
      const topic = `${prefix}orders`;

      const first = startConsumer('first', groupId);
      await first.waitFor(`${KILL_AFTER_HANDLED} handled events`, (lines) => done(lines).length >= KILL_AFTER_HANDLED, 60_000);
      first.kill('SIGKILL');
      await first.exited;
      // Nothing can commit for the killed member any more, so these are the offsets the
      // second member starts from.
      const committed = await committedOffsets(env.REDPANDA_BROKERS, groupId, topic);
      const firstLines = first.lines();
      const firstDone = done(firstLines);

      const restarted = performance.now();
      const second = startConsumer('second', groupId);
      const handled = new Set(firstDone.map((line) => line.id));
      await second.waitFor(
        'every published event handled by one of the runs',
        (lines) => {
          for (const line of done(lines)) handled.add(line.id);
          return published.every((id) => handled.has(id));
        },
        90_000,
      );
      const catchUpMs = performance.now() - restarted;
      second.kill('SIGTERM');
      await second.exited;
      const secondDone = done(second.lines());

      const startsAt = (line: LogLine) => committed.get(line.partition) ?? -1n;
      const uncommitted = firstDone.filter((line) => startsAt(line) < 0n || line.offset >= startsAt(line));
      const inFlightAtKill = firstLines.filter((line) => line.kind === 'start').length - firstDone.length;
      const firstIds = new Set(firstDone.map((line) => line.id));
      const redelivered = secondDone.filter((line) => firstIds.has(line.id));
      const handledTwiceInOneRun =
        firstDone.length - firstIds.size + (secondDone.length - new Set(secondDone.map((line) => line.id)).size);
      const allHandled = new Set([...firstIds, ...secondDone.map((line) => line.id)]);
      const lost = published.filter((id) => !allHandled.has(id));
      const uncommittedIds = new Set(uncommitted.map((line) => line.id));
      const redeliveredCommitted = redelivered.filter((line) => !uncommittedIds.has(line.id));

      const figures = {
        published: published.length,
        handledBeforeKill: firstDone.length,
        inFlightAtKill,
        committedAtKill: Object.fromEntries([...committed].map(([partition, offset]) => [partition, offset.toString()])),
        uncommittedAtKill: uncommitted.length,
        handledAfterRestart: secondDone.length,
        lost: lost.length,
        duplicated: redelivered.length + handledTwiceInOneRun,
        redeliveredCommitted: redeliveredCommitted.length,
        catchUpMs: Math.round(catchUpMs),
      };
      reportFigures('consumer-kill', figures);
      const context = `${JSON.stringify(figures)}\nsecond consumer stderr:\n${second.errorOutput.slice(-2_000)}`;

      expect(firstDone.length, 'events the first run handled before the kill').toBeGreaterThanOrEqual(KILL_AFTER_HANDLED);
      expect(lost.length, `published events never handled: ${context}`).toBe(0);
      expect(redeliveredCommitted.length, `committed events handled again: ${context}`).toBe(0);
      expect(handledTwiceInOneRun, `events handled twice within one run: ${context}`).toBe(0);
      // Everything the first run handled past the committed offsets is read again, because
      // the second run starts at those offsets.
      expect(redelivered.map((line) => line.id).sort(), context).toEqual(uncommitted.map((line) => line.id).sort());
    },
    180_000,
  );
});
