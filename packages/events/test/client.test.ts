import { describe, expect, expectTypeOf, it } from 'vitest';

import {
  catalog,
  CaddyEvents,
  ConfigError,
  createEvents,
  EventSerde,
  InMemorySchemaRegistry,
  InMemoryTransport,
  PayloadValidationError,
} from '../src/index.js';
import type { EventOf, OrderPaid, ProductCreatedInput } from '../src/index.js';

const USER_ID = '5b0c2f4e-8a3d-4e6f-9b1a-2c3d4e5f6a7b';
const user = {
  userId: USER_ID,
  email: 'ada@example.com',
  displayName: 'Ada',
  registeredAt: new Date('2026-12-01T10:00:00Z'),
};

function memoryClient(): { events: CaddyEvents; transport: InMemoryTransport; registry: InMemorySchemaRegistry } {
  const transport = new InMemoryTransport();
  const registry = new InMemorySchemaRegistry();
  return { events: new CaddyEvents({ catalog, transport, registry }), transport, registry };
}

function nextEvent<T>(subscribe: (resolve: (event: T) => void) => Promise<unknown>): Promise<T> {
  return new Promise<T>((resolve) => void subscribe(resolve));
}

describe('publish validation', () => {
  it('names the event type, field path and expectation', async () => {
    const events = createEvents({ transport: 'in-memory', env: {} });
    const bad = { ...user, email: 42 } as unknown as typeof user;
    const error = await events.publishUserRegistered(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PayloadValidationError);
    const validation = error as PayloadValidationError;
    expect(validation.code).toBe('PAYLOAD_INVALID');
    expect(validation.eventType).toBe('user.registered');
    expect(validation.fieldPath).toBe('email');
    expect(validation.expected).toBe('a string');
    expect(validation.value).toBe(42);
    expect(validation.message).toContain("field 'email' must be a string");
  });

  it('keeps the offending value out of the message', async () => {
    const events = createEvents({ transport: 'in-memory', env: {} });
    const bad = { ...user, userId: 'ada@example.com' };
    const error = (await events.publishUserRegistered(bad).catch((caught: unknown) => caught)) as PayloadValidationError;
    expect(error.fieldPath).toBe('userId');
    expect(error.message).not.toContain('ada@example.com');
    expect(JSON.stringify(error)).not.toContain('ada@example.com');
  });

  it('reports nested paths with array indexes', async () => {
    const events = createEvents({ transport: 'in-memory', env: {} });
    const payload = {
      productId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      sku: 'MUG-1',
      name: 'Mug',
      category: 'kitchen',
      price: { amount: '9.999', currency: 'EUR' },
      stock: 3,
      createdAt: new Date(),
    };
    const error = (await events.publishProductCreated(payload).catch((caught: unknown) => caught)) as PayloadValidationError;
    expect(error.fieldPath).toBe('price.amount');
    expect(error.expected).toMatch(/decimal string with at most 2 fraction digit/);
  });

  it('lists every bad field', async () => {
    const events = createEvents({ transport: 'in-memory', env: {} });
    const bad = { ...user, email: null, displayName: 7, locale: 'de-DE', extra: true } as unknown as typeof user;
    const error = (await events.publishUserRegistered(bad).catch((caught: unknown) => caught)) as PayloadValidationError;
    expect(error.problems.map((problem) => problem.fieldPath)).toEqual(['email', 'displayName', 'extra']);
  });

  it('sends nothing for an invalid payload', async () => {
    const { events, transport } = memoryClient();
    const received: unknown[] = [];
    await events.subscribe({ groupId: 'g', fromBeginning: true, handlers: { 'user.registered': (event) => void received.push(event) } });
    await expect(events.publishUserRegistered({ ...user, registeredAt: 'yesterday' as unknown as Date })).rejects.toThrow(
      PayloadValidationError,
    );
    await events.publishUserRegistered(user);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toHaveLength(1);
    await transport.close();
  });
});

describe('subscribe', () => {
  it('passes the typed payload and metadata to the handler', async () => {
    const { events } = memoryClient();
    const event = nextEvent<EventOf<'user.registered'>>((resolve) =>
      events.subscribe({ groupId: 'g', fromBeginning: true, handlers: { 'user.registered': resolve } }),
    );
    const result = await events.publishUserRegistered(user, { correlationId: 'checkout-1' });
    const received = await event;
    expect(received.payload).toEqual({ ...user, locale: 'en-US', marketingOptIn: false, address: null });
    expect(received.key).toBe(USER_ID);
    expect(received.metadata).toMatchObject({
      id: result.eventId,
      type: 'user.registered',
      source: '@caddy/events',
      key: USER_ID,
      topic: 'users',
      partition: result.partition,
      offset: result.offset,
      correlationId: 'checkout-1',
    });
    expect(received.metadata.time).toBeInstanceOf(Date);
  });

  it('routes a record without headers by its writer record name', async () => {
    const { events, transport, registry } = memoryClient();
    const event = nextEvent<EventOf<'user.registered'>>((resolve) =>
      events.subscribe({ groupId: 'g', fromBeginning: true, handlers: { 'user.registered': resolve } }),
    );
    // Written the way a Java or Python serializer writes it: framed Avro, no ce_* headers.
    const serde = new EventSerde({ catalog, registry });
    const { value } = await serde.frame('user.registered', serde.encodeBody('user.registered', user));
    await transport.send([{ topic: 'users', key: Buffer.from(USER_ID), value, headers: {} }]);
    const received = await event;
    expect(received.type).toBe('user.registered');
    expect(received.payload.email).toBe('ada@example.com');
    expect(received.metadata.id).toBeUndefined();
    expect(received.metadata.time).toBeUndefined();
  });

  it('applies the topic prefix to topics and subjects', async () => {
    const transport = new InMemoryTransport();
    const registry = new InMemorySchemaRegistry();
    const events = new CaddyEvents({ catalog, transport, registry, topicPrefix: 'staging.' });
    const result = await events.publishUserRegistered(user);
    expect(result.topic).toBe('staging.users');
    expect([...registry.listSubjects().keys()]).toEqual(['staging.users-shop.users.UserRegistered']);
  });

  it('redelivers an event whose handler failed', async () => {
    const transport = new InMemoryTransport({ redeliveryDelayMs: 1 });
    const events = new CaddyEvents({ catalog, transport, registry: new InMemorySchemaRegistry() });
    let attempts = 0;
    const done = nextEvent<void>((resolve) =>
      events.subscribe({
        groupId: 'g',
        fromBeginning: true,
        handlers: {
          'user.registered': () => {
            attempts += 1;
            if (attempts < 3) throw new Error('database unavailable');
            resolve();
          },
        },
      }),
    );
    await events.publishUserRegistered(user);
    await done;
    expect(attempts).toBe(3);
  });
});

describe('createEvents', () => {
  it('names the missing variable of the Kafka transport', () => {
    expect(() => createEvents({ transport: 'kafka', env: {} })).toThrow(ConfigError);
    expect(() => createEvents({ transport: 'kafka', env: {} })).toThrow(/REDPANDA_BROKERS is not set/);
    expect(() => createEvents({ transport: 'kafka', env: { REDPANDA_BROKERS: '127.0.0.1:9092' } })).toThrow(
      /SCHEMA_REGISTRY_URL is not set/,
    );
  });
});

describe('generated types', () => {
  it('type the payload of each handler by event type', async () => {
    const events = createEvents({ transport: 'in-memory', env: {} });
    await events.subscribe({
      groupId: 'types',
      handlers: {
        'order.paid': (event) => {
          expectTypeOf(event.payload).toEqualTypeOf<OrderPaid>();
          expectTypeOf(event.payload.method).toEqualTypeOf<'OTHER' | 'CARD' | 'PAYPAL' | 'BANK_TRANSFER' | 'GIFT_CARD'>();
          expectTypeOf(event.payload.paidAt).toEqualTypeOf<Date>();
          expectTypeOf(event.metadata.time).toEqualTypeOf<Date | undefined>();
        },
      },
    });
    await events.close();
  });

  it('make fields with defaults optional on the publish side only', () => {
    expectTypeOf<ProductCreatedInput['tags']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<ProductCreatedInput['description']>().toEqualTypeOf<string | null | undefined>();
  });

  it('reject wrong fields at compile time', () => {
    const events = createEvents({ transport: 'in-memory', env: {} });
    const publishLater = () => {
      // @ts-expect-error: 'emailAddress' is not a field of UserRegistered.
      void events.publishUserRegistered({ ...user, emailAddress: 'ada@example.com' });
      // @ts-expect-error: 'registeredAt' must be a Date.
      void events.publishUserRegistered({ ...user, registeredAt: '2026-12-01' });
      // @ts-expect-error: 'email' is required.
      void events.publishUserRegistered({ userId: USER_ID, displayName: 'Ada', registeredAt: new Date() });
      // @ts-expect-error: 'order.refunded' is not an event type of the catalog.
      void events.publish('order.refunded', {});
      // @ts-expect-error: 'LOST' is not an OrderStatus symbol.
      void events.publishOrderUpdated({ orderId: USER_ID, status: 'LOST', updatedAt: new Date() });
    };
    expect(publishLater).toBeTypeOf('function');
    void events.close();
  });
});
