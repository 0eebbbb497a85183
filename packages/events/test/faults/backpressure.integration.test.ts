import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEvents, EventsError } from '../../src/index.js';
import type { CaddyEvents, PublishResult } from '../../src/index.js';
import { payloads } from '../fixtures/payloads.js';
import { reportFigures } from './figures.js';
import { readEventIds } from './kafka-admin.js';
import { killBroker, requireLocalStack, restartBroker } from './stack-control.js';

// Kills the broker, fills the publish buffer, and checks the back-pressure contract: a
// publish that finds the buffer full waits, then fails with BUFFER_FULL once maxBlockMs has
// passed, and the events accepted before the buffer filled arrive once the broker is back.

const BUFFER = 5;
const MAX_BLOCK_MS = 2_000;

let env: { REDPANDA_BROKERS: string; SCHEMA_REGISTRY_URL: string };
let events: CaddyEvents;
const prefix = `fault-buffer-${randomUUID().slice(0, 8)}.`;
const topic = `${prefix}users`;

beforeAll(async () => {
  env = await requireLocalStack();
  events = createEvents({
    transport: 'kafka',
    env: { ...env, EVENTS_TOPIC_PREFIX: prefix },
    producer: { maxBufferedRecords: BUFFER, maxBlockMs: MAX_BLOCK_MS },
  });
  await events.createTopics({ numPartitions: 1 });
});

afterAll(async () => {
  await events?.close();
});

function login(index: number) {
  return { ...payloads['user.logged_in'], userAgent: `agent-${index}` };
}

describe('publish buffer while the broker is down', () => {
  it('waits, fails with BUFFER_FULL, and delivers what it accepted', async () => {
    const warmUp = await events.publishUserLoggedIn(login(0));
    await killBroker();

    const accepted: Promise<PublishResult>[] = [];
    for (let index = 1; index <= BUFFER; index++) accepted.push(events.publishUserLoggedIn(login(index)));
    const started = Date.now();
    const blocked = events.publishUserLoggedIn(login(BUFFER + 1)).then(
      () => ({ settledAfterMs: Date.now() - started, error: undefined }),
      (error: unknown) => ({ settledAfterMs: Date.now() - started, error }),
    );
    const outcome = await blocked;
    expect(outcome.error).toBeInstanceOf(EventsError);
    expect((outcome.error as EventsError).code).toBe('BUFFER_FULL');
    expect((outcome.error as EventsError).retriable).toBe(true);
    expect((outcome.error as EventsError).message).toContain(`stayed full (${BUFFER} records) for ${MAX_BLOCK_MS} ms`);
    expect(outcome.settledAfterMs, 'time before BUFFER_FULL').toBeGreaterThanOrEqual(MAX_BLOCK_MS - 10);
    expect(outcome.settledAfterMs, 'time before BUFFER_FULL').toBeLessThan(MAX_BLOCK_MS + 1_500);

    const restartedAt = Date.now();
    await restartBroker();
    const results = await Promise.all(accepted);
    const deliveredAfterMs = Date.now() - restartedAt;
    // Records past the expected count would be duplicates; a second of waiting lets them show up.
    const ids = await readEventIds(env.REDPANDA_BROKERS, topic, BUFFER + 1, 1_000);

    reportFigures('buffer-full', {
      buffer: BUFFER,
      maxBlockMs: MAX_BLOCK_MS,
      bufferFullAfterMs: outcome.settledAfterMs,
      accepted: results.length,
      deliveredAfterRestartMs: deliveredAfterMs,
      readBack: ids.length,
    });
    expect(ids.sort()).toEqual([warmUp, ...results].map((result) => result.eventId).sort());
    expect(results.map((result) => result.offset).sort(), 'offsets of the accepted events').toEqual(['1', '2', '3', '4', '5']);
  }, 180_000);
});
