import { describe, expect, it } from 'vitest';

import {
  catalogCompatibility,
  catalogSubject,
  checkSubject,
  SchemaHistoryError,
  SchemaLoadError,
  type CatalogEvent,
} from '../../src/index.js';

const v1 = {
  type: 'record',
  name: 'shop.OrderPaid',
  fields: [{ name: 'orderId', type: 'string' }],
};

function event(schema: object, compatibility?: string): CatalogEvent {
  return {
    type: 'order.paid',
    topic: 'orders',
    key: 'orderId',
    recordName: 'shop.OrderPaid',
    file: 'orders/paid.avsc',
    schema: schema as CatalogEvent['schema'],
    canonical: JSON.stringify(schema),
    ...(compatibility === undefined ? {} : { compatibility }),
  };
}

const withField = (field: object) => ({ ...v1, fields: [...v1.fields, field] });

describe('catalogSubject', () => {
  it('joins topic and record name', () => {
    expect(catalogSubject(event(v1))).toBe('orders-shop.OrderPaid');
  });

  it('puts the topic prefix first', () => {
    expect(catalogSubject(event(v1), 'staging.')).toBe('staging.orders-shop.OrderPaid');
  });
});

describe('catalogCompatibility', () => {
  it('defaults to FULL_TRANSITIVE', () => {
    expect(catalogCompatibility(event(v1))).toBe('FULL_TRANSITIVE');
  });

  it('reads a declared level in any case', () => {
    expect(catalogCompatibility(event(v1, 'backward'))).toBe('BACKWARD');
  });

  it('rejects an unknown level with the file', () => {
    const read = () => catalogCompatibility(event(v1, 'SIDEWAYS'));
    expect(read).toThrow(SchemaLoadError);
    expect(read).toThrow(/orders\/paid\.avsc at \/event\/compatibility: unknown compatibility level 'SIDEWAYS'/);
  });
});

describe('checkSubject', () => {
  const released = [{ label: 'release 0.1.0', schema: JSON.stringify(v1) }];

  it('passes an optional field at FULL_TRANSITIVE', () => {
    const next = event(withField({ name: 'note', type: ['null', 'string'], default: null }));
    const check = checkSubject('orders-shop.OrderPaid', next, released, 'FULL_TRANSITIVE');
    expect(check.result.compatible).toBe(true);
    expect(check.previous).toEqual(released);
    expect(check.level).toBe('FULL_TRANSITIVE');
  });

  it('reports a required field as a backward break', () => {
    const next = event(withField({ name: 'note', type: 'string' }));
    const { result } = checkSubject('orders-shop.OrderPaid', next, released, 'FULL_TRANSITIVE');
    expect(result.compatible).toBe(false);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({
      code: 'READER_FIELD_MISSING_DEFAULT_VALUE',
      path: 'OrderPaid.note',
      direction: 'BACKWARD',
      previous: 0,
    });
  });

  it('checks every release at a transitive level', () => {
    const v2 = withField({ name: 'note', type: ['null', 'string'], default: null });
    const history = [...released, { label: 'release 0.2.0', schema: JSON.stringify(v2) }];
    const next = event({ ...v2, fields: [...v2.fields, { name: 'code', type: 'string' }] });
    const { result } = checkSubject('orders-shop.OrderPaid', next, history, 'BACKWARD_TRANSITIVE');
    expect(result.issues.map((issue) => issue.previous)).toEqual([0, 1]);
  });

  it('returns lint warnings of the new schema', () => {
    const next = event(withField({ name: 'at', type: 'long', logicalType: 'timestamp-millis', default: 0 }));
    const { result } = checkSubject('orders-shop.OrderPaid', next, [], 'FULL_TRANSITIVE');
    expect(result.compatible).toBe(true);
    expect(result.warnings.map((warning) => warning.code)).toEqual(['FIELD_LOGICAL_TYPE_IGNORED']);
  });

  it('rejects an invalid previous schema with its label', () => {
    const broken = [{ label: 'release 0.1.0', schema: '{"type": "record"}' }];
    const check = () => checkSubject('orders-shop.OrderPaid', event(v1), broken, 'FULL');
    expect(check).toThrow(SchemaHistoryError);
    expect(check).toThrow(/orders-shop\.OrderPaid: the schema of release 0\.1\.0 is not valid Avro/);
  });

  it('rejects an invalid default in the new schema', () => {
    const next = event(withField({ name: 'note', type: ['null', 'string'], default: 'x' }));
    expect(() => checkSubject('orders-shop.OrderPaid', next, released, 'FULL')).toThrow(SchemaLoadError);
  });
});
