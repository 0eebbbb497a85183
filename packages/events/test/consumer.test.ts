import { describe, expect, it } from 'vitest';

import {
  CaddyEvents,
  catalog,
  DLQ_HEADERS,
  EventSerde,
  InMemorySchemaRegistry,
  InMemoryTransport,
} from '../src/index.js';
import type { IncomingRecord, MetricsHooks } from '../src/index.js';
import { keys, payloads } from './fixtures/payloads.js';

function setup(metrics?: MetricsHooks) {
  const transport = new InMemoryTransport();
  const registry = new InMemorySchemaRegistry();
  const events = new CaddyEvents({
    catalog,
    transport,
    registry,
    retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 2 },
    ...(metrics ? { metrics } : {}),
  });
  return { transport, registry, events };
}

/** Collects the records of a topic as a fresh group reads them, until `count` arrived. */
async function readTopic(transport: InMemoryTransport, topic: string, count: number): Promise<IncomingRecord[]> {
  const records: IncomingRecord[] = [];
  await new Promise<void>((resolve) => {
    void transport.subscribe({
      groupId: `reader-${Math.random()}`,
      topics: [topic],
      fromBeginning: true,
      handle: async (record) => {
        records.push(record);
        if (records.length === count) resolve();
      },
    });
  });
  return records;
}

describe('failing handlers', () => {
  it('retry, then send the record to the dead-letter topic', async () => {
    const { transport, events } = setup();
    let attempts = 0;
    await events.subscribe({
      groupId: 'billing',
      fromBeginning: true,
      handlers: {
        'order.paid': () => {
          attempts += 1;
          throw new Error(`card 4111 1111 1111 1111 declined`);
        },
      },
    });
    const published = await events.publishOrderPaid(payloads['order.paid']);
    const [dead] = await readTopic(transport, 'orders.dlq', 1);
    expect(attempts).toBe(3);
    expect(dead!.headers[DLQ_HEADERS.errorCode]).toBe('HANDLER_FAILED');
    expect(dead!.headers[DLQ_HEADERS.errorClass]).toBe('Error');
    expect(dead!.headers[DLQ_HEADERS.topic]).toBe('orders');
    expect(dead!.headers[DLQ_HEADERS.partition]).toBe(String(published.partition));
    expect(dead!.headers[DLQ_HEADERS.offset]).toBe(published.offset);
    expect(dead!.headers[DLQ_HEADERS.attempts]).toBe('3');
    expect(dead!.headers[DLQ_HEADERS.groupId]).toBe('billing');
    expect(dead!.headers.ce_id).toBe(published.eventId);
    expect(dead!.key?.toString()).toBe(keys.orders);
    expect(JSON.stringify(dead!.headers)).not.toContain('4111');
  });

  it('let the partition move on after dead-lettering', async () => {
    const { events } = setup();
    const handled: string[] = [];
    await events.subscribe({
      groupId: 'billing',
      fromBeginning: true,
      handlers: {
        'order.paid': (event) => {
          if (event.payload.paymentId === 'poison') throw new Error('bad');
          handled.push(event.payload.paymentId);
        },
      },
    });
    for (const paymentId of ['a', 'poison', 'b']) await events.publishOrderPaid({ ...payloads['order.paid'], paymentId });
    await expect.poll(() => handled).toEqual(['a', 'b']);
  });

  it('call the metrics hooks', async () => {
    const samples: string[] = [];
    const { events } = setup({
      consumed: (sample) => samples.push(`consumed ${sample.type}`),
      retried: (sample) => samples.push(`retried ${sample.attempt}`),
      deadLettered: (sample) => samples.push(`dead ${sample.code}`),
      published: (sample) => samples.push(`published ${sample.type}`),
    });
    let calls = 0;
    await events.subscribe({
      groupId: 'g',
      fromBeginning: true,
      handlers: {
        'user.logged_in': () => {
          calls += 1;
          if (calls === 1) throw new Error('flaky');
        },
      },
    });
    await events.publishUserLoggedIn(payloads['user.logged_in']);
    // In memory, the consumer may see the event before publish resolves, so order is not fixed.
    await expect.poll(() => [...samples].sort()).toEqual(['consumed user.logged_in', 'published user.logged_in', 'retried 1']);
  });
});

describe('records that cannot be handled', () => {
  it('go to the dead-letter topic at once when they cannot be decoded', async () => {
    const { transport, registry, events } = setup();
    const handled: string[] = [];
    await events.subscribe({
      groupId: 'g',
      fromBeginning: true,
      handlers: { 'user.logged_in': (event) => void handled.push(event.payload.userId) },
    });
    const serde = new EventSerde({ catalog, registry });
    const good = await serde.frame('user.logged_in', serde.encodeBody('user.logged_in', payloads['user.logged_in']));
    const key = Buffer.from(keys.users);
    await transport.send([
      { topic: 'users', key, value: Buffer.from('{"json": true}'), headers: {} },
      { topic: 'users', key, value: Buffer.from([0, 0, 0, 0x7f, 0xff, 1, 2]), headers: {} },
      { topic: 'users', key, value: Buffer.concat([good.value.subarray(0, 5), Buffer.from([0xff, 0xff])]), headers: {} },
      { topic: 'users', key, value: good.value, headers: {} },
    ]);
    const dead = await readTopic(transport, 'users.dlq', 3);
    expect(dead.map((record) => record.headers[DLQ_HEADERS.errorCode])).toEqual([
      'FRAME_INVALID',
      'SCHEMA_NOT_FOUND',
      'DECODE_FAILED',
    ]);
    expect(dead.map((record) => record.headers[DLQ_HEADERS.attempts])).toEqual(['0', '0', '0']);
    await expect.poll(() => handled).toEqual([keys.users]);
  });

  it('go to the dead-letter topic when unhandled under fail', async () => {
    const { transport, events } = setup();
    await events.subscribe({ groupId: 'g', fromBeginning: true, unhandled: 'fail', handlers: { 'user.registered': () => {} } });
    await events.publishUserLoggedIn(payloads['user.logged_in']);
    const [dead] = await readTopic(transport, 'users.dlq', 1);
    expect(dead!.headers[DLQ_HEADERS.errorCode]).toBe('EVENT_TYPE_UNHANDLED');
  });
});

describe('replayDeadLetters', () => {
  it('republishes dead-lettered events to their topic', async () => {
    const { events } = setup();
    let broken = true;
    const handled: string[] = [];
    await events.subscribe({
      groupId: 'billing',
      fromBeginning: true,
      handlers: {
        'order.paid': (event) => {
          if (broken) throw new Error('bug');
          handled.push(event.metadata.id ?? '');
        },
      },
    });
    const published = await events.publishOrderPaid(payloads['order.paid']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    broken = false;
    const replayed = await events.replayDeadLetters({ topics: ['orders'], groupId: 'replay', idleMs: 100 });
    expect(replayed).toBe(1);
    await expect.poll(() => handled).toEqual([published.eventId]);
    expect(await events.replayDeadLetters({ topics: ['orders'], groupId: 'replay', idleMs: 100 })).toBe(0);
  });
});

describe('client', () => {
  it('reports health of both servers', async () => {
    const { events } = setup();
    const report = await events.health();
    expect(report.ok).toBe(true);
    expect(report.broker.ok).toBe(true);
    expect(report.registry.ok).toBe(true);
  });

  it('fails to connect in lookup-only mode when schemas are missing', async () => {
    const registry = new InMemorySchemaRegistry();
    const events = new CaddyEvents({ catalog, transport: new InMemoryTransport(), registry, registryMode: 'lookup-only' });
    const error = (await events.connect().catch((caught: unknown) => caught)) as Error & { code: string };
    expect(error.code).toBe('SCHEMA_NOT_FOUND');
    expect(error.message).toContain('13 schema(s) are not registered');
    expect(error.message).toContain('orders-shop.orders.OrderPaid');
    expect(error.message).toContain('caddy-events register');
  });

  it('connects in lookup-only mode once every schema is registered', async () => {
    const registry = new InMemorySchemaRegistry();
    for (const definition of Object.values(catalog)) {
      await registry.register(`${definition.topic}-${definition.recordName}`, definition.schema);
    }
    const events = new CaddyEvents({ catalog, transport: new InMemoryTransport(), registry, registryMode: 'lookup-only' });
    await expect(events.connect()).resolves.toBeUndefined();
    await expect(events.publishOrderPaid(payloads['order.paid'])).resolves.toMatchObject({ schemaId: expect.any(Number) });
  });
});
