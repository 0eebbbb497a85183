import { describe, expect, it } from 'vitest';

import {
  checkCompatibility,
  parseAvroSchemaValue,
  type ParsedAvroSchema,
} from '../../src/index.js';

function parse(schema: unknown): ParsedAvroSchema {
  const result = parseAvroSchemaValue(schema);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.schema;
}

const created = (createdAt: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'record',
  name: 'OrderCreated',
  ...extra,
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'createdAt', type: createdAt },
  ],
});

function warningsOf(next: unknown, previous: unknown) {
  const result = checkCompatibility(parse(next), [parse(previous)], 'FULL_TRANSITIVE');
  expect(result.compatible).toBe(true);
  return result.warnings.map(({ code, path, location, previous: index }) => ({
    code,
    path,
    location,
    previous: index,
  }));
}

const millis = { type: 'long', logicalType: 'timestamp-millis' };
const micros = { type: 'long', logicalType: 'timestamp-micros' };

describe('evolution warnings', () => {
  it('warns when a logical type changes', () => {
    expect(warningsOf(created(micros), created(millis))).toEqual([
      {
        code: 'LOGICAL_TYPE_CHANGED',
        path: 'OrderCreated.createdAt',
        location: '/fields/1/type',
        previous: 0,
      },
    ]);
  });

  it('warns when a logical type is dropped', () => {
    expect(warningsOf(created('long'), created(millis))).toEqual([
      {
        code: 'LOGICAL_TYPE_DROPPED',
        path: 'OrderCreated.createdAt',
        location: '/fields/1/type',
        previous: 0,
      },
    ]);
  });

  it('warns when a logical type is added', () => {
    expect(warningsOf(created(millis), created('long'))).toMatchObject([
      { code: 'LOGICAL_TYPE_ADDED' },
    ]);
  });

  it('warns when a decimal scale changes', () => {
    const decimal = (scale: number) => ({
      type: 'bytes',
      logicalType: 'decimal',
      precision: 10,
      scale,
    });
    expect(warningsOf(created(decimal(2)), created(decimal(3)))).toMatchObject([
      { code: 'LOGICAL_TYPE_CHANGED', path: 'OrderCreated.createdAt' },
    ]);
  });

  it('follows a field into a union branch', () => {
    expect(warningsOf(created(['null', micros]), created(['null', millis]))).toEqual([
      {
        code: 'LOGICAL_TYPE_CHANGED',
        path: 'OrderCreated.createdAt<long>',
        location: '/fields/1/type/1',
        previous: 0,
      },
    ]);
  });

  it('warns when documentation is removed', () => {
    const previous = created('long', { doc: 'An order was placed.' });
    expect(warningsOf(created('long'), previous)).toEqual([
      { code: 'DOC_REMOVED', path: 'OrderCreated', location: '/', previous: 0 },
    ]);
  });

  it('warns when a field loses its documentation', () => {
    const withDoc = created('long');
    withDoc.fields[0] = { name: 'orderId', type: 'string', doc: 'The order.' } as never;
    expect(warningsOf(created('long'), withDoc)).toMatchObject([
      { code: 'DOC_REMOVED', path: 'OrderCreated.orderId', location: '/fields/0' },
    ]);
  });

  it('ignores unchanged schemas', () => {
    expect(warningsOf(created(millis), created(millis))).toEqual([]);
  });
});
