import { describe, expect, it } from 'vitest';

import { CaddyEvents, catalog, EventsError, InMemorySchemaRegistry, InMemoryTransport, PayloadValidationError } from '../src/index.js';
import type { BatchingOptions, DeliveryReport, OutgoingRecord } from '../src/index.js';
import { payloads } from './fixtures/payloads.js';

/** An in-memory transport whose sends can be counted, held back or failed. */
class ControlledTransport extends InMemoryTransport {
  sends: OutgoingRecord[][] = [];
  failures: unknown[] = [];
  hold?: Promise<void>;

  override async send(records: OutgoingRecord[]): Promise<DeliveryReport[]> {
    this.sends.push(records);
    if (this.hold) await this.hold;
    const failure = this.failures.shift();
    if (failure) throw failure;
    return super.send(records);
  }
}

function client(transport: InMemoryTransport, producer: BatchingOptions = {}): CaddyEvents {
  return new CaddyEvents({ catalog, transport, registry: new InMemorySchemaRegistry(), producer });
}

const viewed = (index: number) => ({ ...payloads['product.viewed'], sessionId: `s-${index}` });

describe('publish batching', () => {
  it('sends concurrent publishes as one batch', async () => {
    const transport = new ControlledTransport();
    const events = client(transport, { lingerMs: 20 });
    await events.connect();
    const results = await Promise.all(Array.from({ length: 50 }, (_, index) => events.publishProductViewed(viewed(index))));
    expect(transport.sends).toHaveLength(1);
    expect(transport.sends[0]).toHaveLength(50);
    expect(results.map((result) => Number(result.offset))).toEqual(Array.from({ length: 50 }, (_, index) => index));
  });

  it('starts a new batch when one is full', async () => {
    const transport = new ControlledTransport();
    const events = client(transport, { lingerMs: 1000, maxBatchSize: 10 });
    await events.connect();
    await Promise.all(Array.from({ length: 25 }, (_, index) => events.publishProductViewed(viewed(index))));
    expect(transport.sends.map((batch) => batch.length)).toEqual([10, 10, 5]);
  });

  it('flushes buffered events on close', async () => {
    const transport = new ControlledTransport();
    const events = client(transport, { lingerMs: 60_000 });
    await events.connect();
    const pending = events.publishProductViewed(viewed(1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(transport.sends).toHaveLength(0);
    await events.close();
    await expect(pending).resolves.toMatchObject({ topic: 'products' });
    expect(transport.sends).toHaveLength(1);
  });
});

describe('publishBatch', () => {
  it('publishes every event in order', async () => {
    const transport = new ControlledTransport();
    const events = client(transport);
    const results = await events.publishBatch([
      { type: 'user.registered', payload: payloads['user.registered'] },
      { type: 'user.logged_in', payload: payloads['user.logged_in'] },
    ]);
    expect(results.map((result) => result.topic)).toEqual(['users', 'users']);
    expect(results.map((result) => result.offset)).toEqual(['0', '1']);
  });

  it('sends nothing when one payload is invalid', async () => {
    const transport = new ControlledTransport();
    const events = client(transport);
    const error = await events
      .publishBatch([
        { type: 'user.registered', payload: payloads['user.registered'] },
        { type: 'user.logged_in', payload: { ...payloads['user.logged_in'], method: 'FAX' as 'OAUTH' } },
      ])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PayloadValidationError);
    expect((error as PayloadValidationError & { batchIndex: number }).batchIndex).toBe(1);
    expect((error as PayloadValidationError).fieldPath).toBe('method');
    expect(transport.sends).toHaveLength(0);
  });
});

describe('delivery', () => {
  const retriable = Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' });

  it('retries a retriable failure until it succeeds', async () => {
    const transport = new ControlledTransport();
    transport.failures.push(retriable, retriable);
    const events = client(transport);
    const result = await events.publishProductViewed(viewed(1));
    expect(result.offset).toBe('0');
    expect(transport.sends).toHaveLength(3);
  });

  it('fails once the delivery timeout passed', async () => {
    const transport = new ControlledTransport();
    transport.failures.push(...Array.from({ length: 100 }, () => retriable));
    const events = client(transport, { deliveryTimeoutMs: 300 });
    const started = Date.now();
    const error = (await events.publishProductViewed(viewed(1)).catch((caught: unknown) => caught)) as EventsError;
    expect(error.code).toBe('DELIVERY_TIMEOUT');
    expect(error.message).toContain('300 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails at once on a non-retriable error', async () => {
    const transport = new ControlledTransport();
    transport.failures.push(Object.assign(new Error('Topic authorization failed'), { name: 'KafkaJSProtocolError', retriable: false }));
    const events = client(transport);
    const error = (await events.publishProductViewed(viewed(1)).catch((caught: unknown) => caught)) as EventsError;
    expect(error.code).toBe('PUBLISH_FAILED');
    expect(transport.sends).toHaveLength(1);
  });

  it('makes publish wait for buffer space, then fail', async () => {
    const transport = new ControlledTransport();
    let release: () => void = () => {};
    transport.hold = new Promise((resolve) => (release = resolve));
    const events = client(transport, { maxBufferedRecords: 2, maxBlockMs: 100, lingerMs: 0 });
    await events.connect();
    const first = [events.publishProductViewed(viewed(1)), events.publishProductViewed(viewed(2))];
    const third = await events.publishProductViewed(viewed(3)).catch((caught: unknown) => caught);
    expect((third as EventsError).code).toBe('BUFFER_FULL');
    release();
    await expect(Promise.all(first)).resolves.toHaveLength(2);
    await expect(events.publishProductViewed(viewed(4))).resolves.toMatchObject({ topic: 'products' });
  });
});
