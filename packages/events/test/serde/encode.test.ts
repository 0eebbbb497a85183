import avro from 'avsc';
import { describe, expect, it } from 'vitest';

import { catalog, compileSchema, EventSerde, InMemorySchemaRegistry, PayloadValidationError } from '../../src/index.js';
import { AVSC_OPTIONS } from '../../src/serde/avro.js';
import { SAFE_LONG } from '../../src/serde/long.js';
import { payloads } from '../fixtures/payloads.js';

// `encodeFramed` validates while it writes, instead of walking the payload once to check it and
// once more to write it. These tests hold it to the separate check (`validate`, avsc's
// `isValid` with undeclared fields rejected): it rejects the same payloads, with the same
// field paths, and writes the same bytes as plain avsc for the valid ones.

const serde = new EventSerde({ catalog, registry: new InMemorySchemaRegistry() });
const SCHEMA_ID = 7;

function rejection(run: () => unknown): PayloadValidationError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof PayloadValidationError) return error;
    throw error;
  }
  return undefined;
}

describe('encodeFramed', () => {
  it.each(Object.keys(payloads))('writes the same bytes as plain avsc for %s', (type) => {
    const payload = payloads[type as keyof typeof payloads];
    const plain = avro.Type.forSchema(JSON.parse(catalog[type as keyof typeof catalog].schema) as avro.Schema, {
      ...AVSC_OPTIONS,
      registry: { long: SAFE_LONG },
    });
    const value = serde.encodeFramed(type, SCHEMA_ID, payload);
    expect(value.subarray(0, 5).toString('hex')).toBe('0000000007');
    expect(value.subarray(5).toString('hex')).toBe(plain.toBuffer(payload).toString('hex'));
  });

  const order = payloads['order.created'];
  const item = order.items[0] as (typeof order.items)[number];
  const invalid: [string, unknown][] = [
    ['a uuid that is not one', { ...order, orderId: 'order-1' }],
    ['a decimal with too many fraction digits', { ...order, total: { amount: '30.705', currency: 'EUR' } }],
    ['a decimal given as a number', { ...order, items: [{ ...item, unitPrice: { amount: 12.9, currency: 'EUR' } }] }],
    ['an int that is not an integer', { ...order, items: [item, { ...item, quantity: 1.5 }] }],
    ['a timestamp that is not a Date', { ...order, createdAt: '2026-12-01' }],
    ['an invalid Date', { ...order, createdAt: new Date(Number.NaN) }],
    ['an unknown enum symbol', { ...order, status: 'LOST' }],
    ['a string where an array belongs', { ...order, items: 'none' }],
    ['a string where a record belongs', { ...order, subtotal: '25.80' }],
    ['null where a record belongs', { ...order, shippingAddress: null }],
    ['a number in a nullable string', { ...order, couponCode: 10 }],
    ['a missing required field', (({ orderId: _omitted, ...rest }) => rest)(order)],
    ['an undeclared field', { ...order, coupon: 'WELCOME10' }],
    ['an undeclared field in a nested record', { ...order, shippingAddress: { ...order.shippingAddress, zip: '10115' } }],
    ['an undeclared field in an array item', { ...order, items: [{ ...item, colour: 'blue' }] }],
    ['several bad fields at once', { ...order, orderId: 'x', status: 'LOST', items: [{ ...item, quantity: 'two' }] }],
    ['not an object', 'order'],
    ['null', null],
  ];

  it.each(invalid)('rejects %s with the problems validate reports', (_case, payload) => {
    const expected = rejection(() => serde.validate('order.created', payload));
    const actual = rejection(() => serde.encodeFramed('order.created', SCHEMA_ID, payload));
    expect(expected).toBeDefined();
    expect(actual?.problems).toEqual(expected?.problems);
    expect(actual?.message).toBe(expected?.message);
  });

  it('accepts an undeclared field set to undefined, as validate does', () => {
    const payload = { ...order, coupon: undefined };
    expect(() => serde.validate('order.created', payload)).not.toThrow();
    expect(serde.encodeFramed('order.created', SCHEMA_ID, payload).subarray(5)).toEqual(serde.encodeBody('order.created', order));
  });

  it('fills fields that have defaults, as validate allows', () => {
    const { couponCode: _omitted, status: _status, ...payload } = order;
    expect(() => serde.validate('order.created', payload)).not.toThrow();
    const decoded = compileSchema(catalog['order.created'].schema).fromBuffer(serde.encodeBody('order.created', payload));
    expect(decoded).toMatchObject({ couponCode: null, status: 'PENDING' });
  });

  it('grows its buffer for a payload larger than the buffer', () => {
    const items = Array.from({ length: 4_000 }, () => item);
    const value = serde.encodeFramed('order.created', SCHEMA_ID, { ...order, items });
    expect(value.length).toBeGreaterThan(64 * 1024);
    expect((compileSchema(catalog['order.created'].schema).fromBuffer(value.subarray(5)) as { items: unknown[] }).items).toHaveLength(4_000);
  });
});

describe('records compiled by the SDK', () => {
  const withDefaults = compileSchema({
    type: 'record',
    name: 'shop.test.Defaults',
    fields: [{ name: 'count', type: 'int', default: 1 }],
  });

  it('rejects a non-object even when all fields default', () => {
    expect(withDefaults.isValid('x')).toBe(false);
    expect(() => withDefaults.toBuffer('x')).toThrow(/not an object/);
    expect(withDefaults.toBuffer({}).toString('hex')).toBe('02');
  });

  it('name an undeclared field when writing, without its value', () => {
    expect(() => withDefaults.toBuffer({ count: 2, secret: 'alice@example.com' })).toThrow("invalid shop.test.Defaults: undeclared field 'secret'");
  });

  it('are still avsc record types', () => {
    expect(withDefaults).toBeInstanceOf(avro.types.RecordType);
    expect(withDefaults.typeName).toBe('record');
  });
});
