import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConnectionError, createEvents } from '../../src/index.js';
import type { CaddyEvents, Subscription } from '../../src/index.js';
import { payloads } from '../fixtures/payloads.js';
import { reportFigures } from './figures.js';
import { committedOffsets, endOffsets } from './kafka-admin.js';
import { requireLocalStack, stackCommand } from './stack-control.js';

// Stops the schema registry while producers and consumers that have cached schemas keep
// working. Both tests run in one outage, which beforeAll starts after every client has
// fetched what it needs. The registry keeps its schemas in memory, so the restart at the end
// comes back empty, and later tests register what they need again.

const PER_TYPE = 100;
/** Longer than the registry client's retries (4 tries with backoffs of at most 2 s). */
const OUTAGE_WAIT_MS = 8_000;

let env: { REDPANDA_BROKERS: string; SCHEMA_REGISTRY_URL: string };
const prefix = `fault-registry-${randomUUID().slice(0, 8)}.`;
const clients: CaddyEvents[] = [];
let registryStopped = false;

let publisher: CaddyEvents;
const received = new Set<string>();
let onReceived: () => void = () => {};
let lateSubscription: Subscription;
const lateReceived: string[] = [];

function client(): CaddyEvents {
  const events = createEvents({ transport: 'kafka', env: { ...env, EVENTS_TOPIC_PREFIX: prefix } });
  clients.push(events);
  return events;
}

/** Publishes `count` events of each of two types on two topics and returns their ids. */
async function publishBoth(count: number): Promise<string[]> {
  const results = await Promise.all(
    Array.from({ length: count }, (_, index) => [
      publisher.publishProductStockUpdated({ ...payloads['product.stock.updated'], stock: index }),
      publisher.publishOrderPaid({ ...payloads['order.paid'], paymentId: `pay-${index}` }),
    ]).flat(),
  );
  return results.map((result) => result.eventId);
}

/** Resolves with true once every id was received, or with false after `timeoutMs`. */
function receivedAll(ids: string[], timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    onReceived = () => {
      if (!ids.every((id) => received.has(id))) return;
      clearTimeout(timer);
      resolve(true);
    };
    onReceived();
  });
}

async function registryAnswers(): Promise<boolean> {
  try {
    const response = await fetch(`${env.SCHEMA_REGISTRY_URL}/subjects`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  env = await requireLocalStack();
  publisher = client();
  await publisher.createTopics({ numPartitions: 3 });
  const record = (event: { metadata: { id?: string } }) => {
    received.add(event.metadata.id ?? '');
    onReceived();
  };
  await client().subscribe({
    groupId: `${prefix}readers`,
    fromBeginning: true,
    handlers: { 'product.stock.updated': record, 'order.paid': record },
  });

  // One event of each type with the registry up puts the schema ids in the producer's
  // cache and the writer schemas in the consumer's.
  if (!(await receivedAll(await publishBoth(1), 30_000))) throw new Error('The warm-up events never arrived.');

  // The producer caches the id of product.viewed, but the late consumer starts after that
  // event, so it has fetched no writer schema at all. During the outage it also receives the
  // stock updates of the first test, which it must decode before it can skip them.
  await publisher.publishProductViewed(payloads['product.viewed']);
  lateSubscription = await client().subscribe({
    groupId: `${prefix}late`,
    handlers: { 'product.viewed': (event) => void lateReceived.push(event.metadata.id ?? '') },
  });

  await stackCommand(['down', 'registry']);
  registryStopped = true;
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((events) => events.close()));
  if (registryStopped) await stackCommand(['up', 'registry']);
}, 180_000);

describe('registry stopped', () => {
  it('keeps events of cached schemas flowing', async () => {
    expect(await registryAnswers(), 'the registry still answers after `stack.sh down registry`').toBe(false);

    const started = performance.now();
    const expected = await publishBoth(PER_TYPE);
    const publishedMs = performance.now() - started;
    const arrived = await receivedAll(expected, 30_000);
    const consumedMs = performance.now() - started;
    const missing = expected.filter((id) => !received.has(id));

    const health = await publisher.health();
    const freshError = await client()
      .connect()
      .then(
        () => undefined,
        (error: unknown) => error,
      );

    reportFigures('registry-down', {
      publishedWhileDown: expected.length,
      consumedWhileDown: expected.length - missing.length,
      lost: missing.length,
      publishWallMs: Math.round(publishedMs),
      consumeWallMs: Math.round(consumedMs),
    });

    expect(arrived, `events still missing after 30 s: ${missing.length}`).toBe(true);
    expect(missing.length).toBe(0);
    expect(health.broker.ok, 'broker health while the registry is down').toBe(true);
    expect(health.registry.ok, 'registry health while the registry is down').toBe(false);
    // A client without cached schemas cannot start, which shows the registry was really gone.
    expect(freshError).toBeInstanceOf(ConnectionError);
    expect((freshError as Error).message).toContain('SCHEMA_REGISTRY_URL');
  });

  it('holds an uncached schema instead of dead-lettering it', async () => {
    const topic = `${prefix}products`;
    const event = await publisher.publishProductViewed(payloads['product.viewed']);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_WAIT_MS));
    await lateSubscription.close();

    // The record can be decoded once the registry is back, so while it is away the consumer
    // must neither hand it to the dead-letter topic nor commit past it.
    const deadLetters = await endOffsets(env.REDPANDA_BROKERS, `${topic}.dlq`).catch(() => new Map<number, bigint>());
    const deadLettered = [...deadLetters.values()].reduce((sum, end) => sum + end, 0n);
    const committed = await committedOffsets(env.REDPANDA_BROKERS, `${prefix}late`, topic);
    const committedPast = (committed.get(event.partition) ?? -1n) > BigInt(event.offset);

    reportFigures('registry-down-uncached', { deadLettered: Number(deadLettered), committedPast, handled: lateReceived.length });

    expect(Number(deadLettered), 'records dead-lettered while the registry was away').toBe(0);
    expect(committedPast, 'the late group committed past the undecoded record').toBe(false);
  });
});
