import avro from 'avsc';
import { describe, expect, it } from 'vitest';

import { compileSchema, EventSerde, findProblems, frame, InMemorySchemaRegistry } from '../../src/index.js';
import { readVarint, UnsafeLongError, writeVarint } from '../../src/serde/long.js';

// avsc reads and writes Avro longs as JavaScript numbers, which hold integers exactly only
// up to 2^53 - 1. The SDK rejects larger values both ways instead of rounding them.

const schema = { type: 'record', name: 'shop.stats.Counted', fields: [{ name: 'id', type: 'string' }, { name: 'total', type: 'long' }] };
const catalog = {
  'stats.counted': { type: 'stats.counted', topic: 'stats', key: 'id', recordName: 'shop.stats.Counted', schema: JSON.stringify(schema) },
};

describe('Avro long', () => {
  const type = compileSchema(schema);

  it('accepts the largest safe integer', () => {
    expect(findProblems(type, { id: 'a', total: Number.MAX_SAFE_INTEGER })).toEqual([]);
    expect(findProblems(type, { id: 'a', total: -Number.MAX_SAFE_INTEGER })).toEqual([]);
  });

  it('round-trips the largest safe integers exactly', () => {
    for (const total of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 52 + 1, -(2 ** 52) - 1]) {
      expect((type.fromBuffer(type.toBuffer({ id: 'a', total })) as { total: number }).total).toBe(total);
    }
  });

  it('encodes longs as zig-zag varints', () => {
    // -(2^52) - 1 zig-zags to 2^53 + 1, whose varint takes 8 bytes.
    expect(type.toBuffer({ id: '', total: -(2 ** 52) - 1 }).subarray(1).toString('hex')).toBe(zigZagVarint(-(2n ** 52n) - 1n).toString('hex'));
  });

  it('rejects a value beyond 2^53 - 1 on publish', () => {
    const [problem] = findProblems(type, { id: 'a', total: 2 ** 60 });
    expect(problem?.fieldPath).toBe('total');
    expect(problem?.expected).toContain('Number.MAX_SAFE_INTEGER');
  });

  it('refuses to read a value another client wrote beyond 2^53 - 1', async () => {
    const registry = new InMemorySchemaRegistry();
    const id = await registry.register('stats-shop.stats.Counted', JSON.stringify(schema));
    // 2^60 as a zig-zag varint, the way a Java producer writes it (computed with BigInt here
    // because a number cannot hold it).
    const body = Buffer.concat([avro.Type.forSchema('string').toBuffer('a'), zigZagVarint(2n ** 60n)]);
    const serde = new EventSerde({ catalog, registry });
    await expect(serde.decode(frame(id, body))).rejects.toMatchObject({ code: 'DECODE_FAILED' });
  });
});

describe('Avro long varints', () => {
  // Both sides of every power of two up to 2^53, on both sides of zero: below 2^52 the long
  // type works in doubles, from there on with BigInt; the bytes must not tell them apart.
  const values: bigint[] = [0n];
  for (let bit = 0n; bit <= 53n; bit++) {
    for (const delta of [-1n, 0n, 1n]) values.push((1n << bit) + delta, -((1n << bit) + delta));
  }
  const safe = values.filter((value) => value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER));

  it('writes the zig-zag varint a BigInt reference computes', () => {
    for (const value of safe) expect([value, writeVarint(Number(value)).toString('hex')]).toEqual([value, zigZagVarint(value).toString('hex')]);
  });

  it('reads the value back exactly', () => {
    for (const value of safe) expect([value, readVarint(zigZagVarint(value))]).toEqual([value, Number(value)]);
  });

  it('refuses varints beyond 2^53 - 1, on both sides', () => {
    for (const value of [2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)]) {
      expect(() => readVarint(zigZagVarint(value))).toThrow(UnsafeLongError);
    }
  });
});

function zigZagVarint(value: bigint): Buffer {
  let zigzag = value >= 0n ? value << 1n : (-value << 1n) - 1n;
  const bytes: number[] = [];
  while (zigzag >= 0x80n) {
    bytes.push(Number(zigzag & 0x7fn) | 0x80);
    zigzag >>= 7n;
  }
  bytes.push(Number(zigzag));
  return Buffer.from(bytes);
}
