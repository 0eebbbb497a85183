import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import { murmur2, partitionFor } from '../src/index.js';

// Kafka's Java Utils.murmur2 values from Kafka's UtilsTest and from kafkajs's partitioner
// tests (whose values Java produced), with the partition Java's default partitioner picks.
const cases = createRequire(import.meta.url)('./fixtures/murmur2-cases.json') as {
  key: string;
  keyHex: string;
  murmur2: number;
  partitionByCount: Record<string, number>;
}[];

describe('murmur2', () => {
  it.each(cases.map((entry) => [entry.key, entry]))('hashes %j as Java does', (_, entry) => {
    expect(murmur2(Buffer.from(entry.keyHex, 'hex'))).toBe(entry.murmur2);
  });
});

describe('partitionFor', () => {
  const rows = cases.flatMap((entry) =>
    Object.entries(entry.partitionByCount).map(([count, partition]) => [entry.key, Number(count), partition, entry.keyHex] as const),
  );

  it.each(rows)('puts %j on the Java partition of %i', (key, count, partition, keyHex) => {
    expect(partitionFor(key, count)).toBe(partition);
    expect(partitionFor(Buffer.from(keyHex, 'hex'), count)).toBe(partition);
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity])('rejects partition count %s', (count) => {
    expect(() => partitionFor('key', count)).toThrow(RangeError);
  });
});
