import type avro from 'avsc';
import { describe, expect, it } from 'vitest';

import { catalog, compileSchema, EventSerde, InMemorySchemaRegistry } from '../../src/index.js';

// Expected bytes worked out by hand from the Avro 1.11 specification ("Binary Encoding"):
// ints and longs are zig-zag varints, strings and bytes are a zig-zag varint length then
// the bytes, records are their fields in order, and a decimal's bytes are the unscaled
// value as a big-endian two's-complement integer.

const PRODUCT_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const hexOf = (text: string) => Buffer.from(text, 'ascii').toString('hex');

describe('Avro body of product.price.updated', () => {
  const type = compileSchema(catalog['product.price.updated'].schema);
  const payload = {
    productId: PRODUCT_ID,
    previousPrice: { amount: '19.99', currency: 'EUR' },
    price: { amount: '-0.50', currency: 'EUR' },
    updatedAt: new Date(1000),
  };
  const expected =
    // productId: length 36, zig-zag 72 = 0x48, then the ASCII characters.
    `48${hexOf(PRODUCT_ID)}` +
    // previousPrice.amount: 1999 = 0x07cf, 2 bytes (zig-zag 4); currency: length 3 (zig-zag 6), "EUR".
    `0407cf06${hexOf('EUR')}` +
    // price.amount: -50 = 0xce in one byte (zig-zag 2).
    `02ce06${hexOf('EUR')}` +
    // updatedAt: 1000 ms, zig-zag 2000 = 0b1111_1010000, varint d0 0f.
    'd00f';

  it('matches the specification byte for byte', () => {
    expect(type.toBuffer(payload).toString('hex')).toBe(expected);
  });

  it('decodes the specification bytes back', () => {
    expect(type.fromBuffer(Buffer.from(expected, 'hex'))).toEqual(payload);
  });

  it('frames the body with the registered schema id', async () => {
    const registry = new InMemorySchemaRegistry();
    // Take id 1 with another schema so the event's schema gets id 2.
    await registry.register('other-value', '"string"');
    const serde = new EventSerde({ catalog, registry });
    const { value, schemaId } = await serde.frame('product.price.updated', serde.encodeBody('product.price.updated', payload));
    expect(schemaId).toBe(2);
    expect(value.toString('hex')).toBe(`0000000002${expected}`);
  });
});

describe('decimal encoding', () => {
  const record = compileSchema(catalog['product.price.updated'].schema) as avro.types.RecordType;
  const money = record.field('price').type;
  const amountHex = (amount: string) => money.toBuffer({ amount, currency: '' }).toString('hex');

  it.each([
    // [amount, zig-zag length + two's-complement bytes + empty currency]
    ['0.00', '020000'],
    ['1.27', '027f00'], // 127 fits one byte
    ['1.28', '04008000'], // 128 needs a leading 0x00 to stay positive
    ['-1.28', '028000'], // -128 fits one byte
    ['-1.29', '04ff7f00'], // -129 = 0xff7f
    ['127.99', '0431ff00'], // 12799 = 0x31ff
    ['5', '0401f400'], // 500 = 0x01f4, two bytes (zig-zag 4)
  ])('encodes %s as %s', (amount, hex) => {
    expect(amountHex(amount)).toBe(hex);
  });

  it('rejects more fraction digits than the scale instead of rounding', () => {
    expect(money.isValid({ amount: '1.005', currency: 'EUR' })).toBe(false);
  });

  it('rejects more digits than the precision', () => {
    expect(money.isValid({ amount: '12345678901.00', currency: 'EUR' })).toBe(false);
  });

  it('rejects numbers, which could already have lost precision', () => {
    expect(money.isValid({ amount: 19.99, currency: 'EUR' })).toBe(false);
  });
});
