import avro from 'avsc';
import { describe, expect, it } from 'vitest';

import {
  createReadResolver,
  parseAvroSchemaValue,
  toAvscSchema,
  type ParsedAvroSchema,
} from '../../src/index.js';

function parse(schema: unknown, validateDefaults = true): ParsedAvroSchema {
  const result = parseAvroSchemaValue(schema, { validateDefaults });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.schema;
}

function readAs(
  readerSchema: unknown,
  writerSchema: unknown,
  value: unknown,
  validateWriterDefaults = true,
): unknown {
  const reader = parse(readerSchema);
  const writer = parse(writerSchema, validateWriterDefaults);
  const { readerType, writerType, resolver } = createReadResolver(reader, writer);
  return readerType.fromBuffer(writerType.toBuffer(value), resolver);
}

const order = (fields: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'record',
  name: 'Order',
  ...extra,
  fields: [{ name: 'id', type: 'string' }, ...fields],
});

describe('createReadResolver', () => {
  it('reads a writer whose namespace differs', () => {
    const value = readAs(
      order([], { namespace: 'com.shop.v2' }),
      order([], { namespace: 'com.shop' }),
      { id: 'o-1' },
    );
    expect(value).toEqual(expect.objectContaining({ id: 'o-1' }));
  });

  it('resolves null-namespace references', () => {
    const schema = {
      type: 'record',
      name: 'Order',
      namespace: 'com.shop',
      fields: [
        { name: 'a', type: { type: 'fixed', name: 'Id', namespace: '', size: 2 } },
        { name: 'b', type: 'Id' },
      ],
    };
    expect(() => avro.Type.forSchema(schema as avro.Schema)).toThrow(/undefined type name/);
    const value = readAs(schema, schema, { a: Buffer.from('ab'), b: Buffer.from('cd') });
    expect(value).toEqual(expect.objectContaining({ b: Buffer.from('cd') }));
  });

  it('reads a writer whose defaults avsc would reject', () => {
    const writer = order([{ name: 'note', type: ['null', 'string'], default: 'none' }]);
    expect(() => avro.Type.forSchema(writer as avro.Schema)).toThrow();
    const value = readAs(order([]), writer, { id: 'o-1', note: 'hi' }, false);
    expect(value).toEqual(expect.objectContaining({ id: 'o-1' }));
  });

  it('fills a field added with a default', () => {
    const value = readAs(order([{ name: 'note', type: 'string', default: 'none' }]), order([]), {
      id: 'o-1',
    });
    expect(value).toEqual(expect.objectContaining({ note: 'none' }));
  });

  it('reads a field renamed with an alias', () => {
    const reader = order([{ name: 'total', type: 'long', aliases: ['amount'] }]);
    const value = readAs(reader, order([{ name: 'amount', type: 'int' }]), {
      id: 'o-1',
      amount: 5,
    });
    expect(value).toEqual(expect.objectContaining({ total: 5 }));
  });

  it('reads a record renamed with an alias', () => {
    const reader = {
      type: 'record',
      name: 'Purchase',
      aliases: ['Order'],
      fields: [{ name: 'id', type: 'string' }],
    };
    expect(readAs(reader, order([]), { id: 'o-1' })).toEqual(
      expect.objectContaining({ id: 'o-1' }),
    );
  });

  it('maps an unknown symbol to the enum default', () => {
    const status = (symbols: string[], extra: Record<string, unknown> = {}) =>
      order([{ name: 'status', type: { type: 'enum', name: 'Status', symbols, ...extra } }]);
    const value = readAs(
      status(['NEW', 'UNKNOWN'], { default: 'UNKNOWN' }),
      status(['NEW', 'PAID']),
      {
        id: 'o-1',
        status: 'PAID',
      },
    );
    expect(value).toEqual(expect.objectContaining({ status: 'UNKNOWN' }));
  });

  it('promotes an int to a double inside a union', () => {
    const value = readAs(
      order([{ name: 'v', type: ['null', 'double'] }]),
      order([{ name: 'v', type: 'int' }]),
      {
        id: 'o-1',
        v: 3,
      },
    );
    expect(value).toEqual(expect.objectContaining({ v: 3 }));
  });
});

describe('toAvscSchema', () => {
  it('writes each named type once', () => {
    const schema = parse({
      type: 'record',
      name: 'Order',
      namespace: 'com.shop',
      fields: [
        {
          name: 'billing',
          type: { type: 'record', name: 'Address', fields: [{ name: 'city', type: 'string' }] },
        },
        { name: 'shipping', type: 'Address', doc: 'Where it goes.' },
      ],
    });
    expect(toAvscSchema(schema)).toEqual({
      type: 'record',
      name: 'com.shop.Order',
      fields: [
        {
          name: 'billing',
          type: {
            type: 'record',
            name: 'com.shop.Address',
            fields: [{ name: 'city', type: 'string' }],
          },
        },
        { name: 'shipping', type: 'com.shop.Address', doc: 'Where it goes.' },
      ],
    });
  });

  it('keeps attributes and drops defaults', () => {
    const schema = parse(
      order([{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' }, default: 0 }]),
    );
    const written = toAvscSchema(schema, { dropDefaults: true }) as { fields: unknown[] };
    expect(written.fields[1]).toEqual({
      name: 'at',
      type: { type: 'long', logicalType: 'timestamp-millis' },
    });
  });
});
