import { describe, expect, expectTypeOf, it, vi } from 'vitest';

import * as main from '../src/index.js';
import { CaddyEvents, type EventOf, type OrderCreatedInput } from '../src/index.js';
import { createTestEvents, InMemorySchemaRegistry, InMemoryTransport } from '../src/testing.js';

const ORDER_ID = '2a7d4c8e-1f3b-4e5a-9c6d-7e8f9a0b1c2d';
const eur = (amount: string) => ({ amount, currency: 'EUR' });

const order: OrderCreatedInput = {
  orderId: ORDER_ID,
  userId: '5b0c2f4e-8a3d-4e6f-9b1a-2c3d4e5f6a7b',
  items: [
    {
      productId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      sku: 'MUG-BLUE',
      name: 'Blue mug',
      quantity: 2,
      unitPrice: eur('12.90'),
    },
  ],
  subtotal: eur('25.80'),
  shippingCost: eur('4.90'),
  total: eur('30.70'),
  shippingAddress: { line1: 'Hauptstraße 5', city: 'Berlin', postalCode: '10115', country: 'DE' },
  createdAt: new Date('2026-12-01T10:00:00.000Z'),
};

// Subscribes one handler for `order.created` and resolves with the first event it receives.
async function receiveOrderCreated(events: CaddyEvents): Promise<EventOf<'order.created'>> {
  return new Promise((resolve, reject) => {
    events
      .subscribe({
        groupId: 'testing-kit',
        fromBeginning: true,
        handlers: { 'order.created': resolve },
      })
      .catch(reject);
  });
}

describe('createTestEvents', () => {
  it('wires a client to a new transport and registry', () => {
    const kit = createTestEvents();
    expect(kit.events).toBeInstanceOf(CaddyEvents);
    expect(kit.transport).toBeInstanceOf(InMemoryTransport);
    expect(kit.registry).toBeInstanceOf(InMemorySchemaRegistry);
    expect(kit.events.transportDescription).toBe('in-memory');
  });

  it('re-exports the classes of the main entry point', () => {
    expect(InMemoryTransport).toBe(main.InMemoryTransport);
    expect(InMemorySchemaRegistry).toBe(main.InMemorySchemaRegistry);
  });

  it('delivers a published event to a handler', async () => {
    const { events } = createTestEvents();
    const received = receiveOrderCreated(events);
    const result = await events.publishOrderCreated(order);
    const event = await received;
    await events.close();

    expectTypeOf(event.payload.total.amount).toEqualTypeOf<string>();
    expect(result.topic).toBe('orders');
    expect(event.key).toBe(ORDER_ID);
    expect(event.payload.total).toEqual(eur('30.70'));
    expect(event.payload.status).toBe('PENDING');
    expect(event.metadata.id).toBe(result.eventId);
    expect(event.metadata.source).toBe('@caddy/events');
  });

  it('delivers events published after subscribe', async () => {
    const { events } = createTestEvents();
    const received: EventOf<'order.created'>[] = [];
    await events.subscribe({
      groupId: 'after-subscribe',
      handlers: { 'order.created': async (event) => void received.push(event) },
    });
    await events.publishOrderCreated(order);
    await vi.waitFor(() => expect(received).toHaveLength(1));
    await events.close();

    expect(received[0]?.payload.orderId).toBe(ORDER_ID);
  });

  it('registers the schema in its own registry', async () => {
    const { events, registry } = createTestEvents();
    const result = await events.publishOrderCreated(order);
    await events.close();

    expect([...registry.listSubjects().keys()]).toEqual(['orders-shop.orders.OrderCreated']);
    expect(await registry.getSchema(result.schemaId)).toBe(main.catalog['order.created'].schema);
  });

  it('applies the topic prefix and source', async () => {
    const { events, registry } = createTestEvents({
      topicPrefix: 'test.',
      source: 'checkout-tests',
    });
    const received = receiveOrderCreated(events);
    const result = await events.publishOrderCreated(order);
    const event = await received;
    await events.close();

    expect(result.topic).toBe('test.orders');
    expect(event.metadata.topic).toBe('test.orders');
    expect(event.metadata.source).toBe('checkout-tests');
    expect([...registry.listSubjects().keys()]).toEqual(['test.orders-shop.orders.OrderCreated']);
  });

  it('shares no state between calls', async () => {
    const first = createTestEvents();
    const second = createTestEvents();
    await first.events.publishOrderCreated(order);
    await first.events.close();

    expect(second.transport).not.toBe(first.transport);
    expect(second.registry.listSubjects().size).toBe(0);
    const received = receiveOrderCreated(second.events);
    const result = await second.events.publishOrderCreated(order);
    const event = await received;
    await second.events.close();

    expect(result.offset).toBe('0');
    expect(event.metadata.offset).toBe('0');
  });

  it('rejects a bad payload before sending', async () => {
    const { events, registry } = createTestEvents();
    const bad = { ...order, total: eur('thirty') };
    const error = await events.publishOrderCreated(bad).catch((caught: unknown) => caught);
    await events.close();

    expect(error).toBeInstanceOf(main.PayloadValidationError);
    expect((error as main.PayloadValidationError).fieldPath).toBe('total.amount');
    expect(registry.listSubjects().size).toBe(0);
  });
});
