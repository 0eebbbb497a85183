import { describe, expect, it } from 'vitest';

import {
  appendRelease,
  emptySchemaHistory,
  largestBump,
  unreleasedSchemaChanges,
  type CatalogEvent,
  type SchemaHistory,
} from '../../src/index.js';

type Schema = Record<string, unknown>;

/** A catalog event on the `orders` topic whose normalized schema is `schema` itself. */
function event(type: string, schema: Schema): CatalogEvent {
  return {
    type,
    topic: 'orders',
    key: 'orderId',
    recordName: schema.name as string,
    file: `${type}.avsc`,
    schema: schema as CatalogEvent['schema'],
    canonical: JSON.stringify(schema),
  };
}

const money = {
  type: 'record',
  name: 'shop.Money',
  doc: 'An amount in one currency.',
  fields: [
    { name: 'amount', type: 'long' },
    { name: 'currency', type: 'string' },
  ],
};

function orderPaid(extra: unknown[] = [], overrides: Schema = {}): Schema {
  return {
    type: 'record',
    name: 'shop.OrderPaid',
    doc: 'The payment for an order was captured.',
    fields: [{ name: 'orderId', type: 'string' }, { name: 'amount', type: money }, ...extra],
    ...overrides,
  };
}

const orderShipped = {
  type: 'record',
  name: 'shop.OrderShipped',
  fields: [{ name: 'orderId', type: 'string' }],
};

/** The history after a release 0.1.0 of `order.paid` and `order.shipped`. */
function released(): SchemaHistory {
  const events = [event('order.paid', orderPaid()), event('order.shipped', orderShipped)];
  return appendRelease(emptySchemaHistory(), events, '0.1.0').history;
}

function changesOf(...events: CatalogEvent[]) {
  return unreleasedSchemaChanges(released(), events).map(({ event: _event, ...change }) => change);
}

const note = { name: 'note', type: ['null', 'string'], default: null };

describe('unreleasedSchemaChanges', () => {
  it('finds nothing when the schemas equal their latest release', () => {
    expect(changesOf(event('order.paid', orderPaid()), event('order.shipped', orderShipped))).toEqual([]);
  });

  it('calls a new event type a minor bump', () => {
    const refunded = { ...orderShipped, name: 'shop.OrderRefunded' };
    expect(changesOf(event('order.refunded', refunded))).toEqual([
      { subject: 'orders-shop.OrderRefunded', kind: 'new-event', bump: 'minor' },
    ]);
  });

  it('calls a new version of an event a minor bump', () => {
    const v2 = orderPaid([{ name: 'method', type: 'string' }], { name: 'shop.OrderPaidV2' });
    expect(changesOf(event('order.paid.v2', v2))).toEqual([
      {
        subject: 'orders-shop.OrderPaidV2',
        kind: 'new-event-version',
        bump: 'minor',
        versionOf: 'orders-shop.OrderPaid',
      },
    ]);
  });

  it('recognizes a new event version by its record name alone', () => {
    const v2 = orderPaid([], { name: 'shop.OrderPaidV2' });
    expect(changesOf(event('order.payment_captured', v2))[0]).toMatchObject({
      kind: 'new-event-version',
      versionOf: 'orders-shop.OrderPaid',
    });
  });

  it('calls a field added with a default a patch or minor bump', () => {
    expect(changesOf(event('order.paid', orderPaid([note])))).toEqual([
      {
        subject: 'orders-shop.OrderPaid',
        kind: 'field-added',
        bump: 'patch or minor',
        addedFields: ['OrderPaid.note'],
      },
    ]);
  });

  it('finds a field added with a default inside a shared type', () => {
    const richer = { ...money, fields: [...money.fields, { name: 'rate', type: 'double', default: 1 }] };
    const paid = orderPaid([], { fields: [{ name: 'orderId', type: 'string' }, { name: 'amount', type: richer }] });
    expect(changesOf(event('order.paid', paid))[0]).toMatchObject({
      kind: 'field-added',
      addedFields: ['OrderPaid.amount.rate'],
    });
  });

  it('calls a documentation change a patch bump', () => {
    const paid = orderPaid([], { doc: 'The payment was captured by the provider.' });
    expect(changesOf(event('order.paid', paid))).toEqual([
      { subject: 'orders-shop.OrderPaid', kind: 'doc-only', bump: 'patch' },
    ]);
  });

  it('counts a field added with a default and a doc edit as a field added', () => {
    const paid = orderPaid([note], { doc: 'Captured.' });
    expect(changesOf(event('order.paid', paid))[0]).toMatchObject({ kind: 'field-added', bump: 'patch or minor' });
  });

  it('calls any other change a minor bump', () => {
    const required = { name: 'note', type: 'string' };
    expect(changesOf(event('order.paid', orderPaid([required])))[0]).toMatchObject({ kind: 'changed', bump: 'minor' });
    const widened = { ...orderShipped, fields: [{ name: 'orderId', type: ['null', 'string'], default: null }] };
    expect(changesOf(event('order.shipped', widened))[0]).toMatchObject({ kind: 'changed', bump: 'minor' });
  });

  it('compares with the latest released version only', () => {
    const second = appendRelease(released(), [event('order.paid', orderPaid([note]))], '0.2.0').history;
    expect(unreleasedSchemaChanges(second, [event('order.paid', orderPaid([note]))])).toEqual([]);
  });
});

describe('largestBump', () => {
  it.each([
    [[], undefined],
    [['patch'], 'patch'],
    [['patch', 'patch or minor'], 'patch or minor'],
    [['minor', 'patch or minor', 'patch'], 'minor'],
  ] as const)('of %j is %j', (bumps, largest) => {
    expect(largestBump(bumps.map((bump) => ({ bump })))).toBe(largest);
  });
});
