// Kafka's default partitioner for keyed records, as the Java client computes it
// (org.apache.kafka.common.utils.Utils.murmur2 and toPositive):
//
//   partition = (murmur2(keyBytes) & 0x7fffffff) % partitionCount
//
// Keys are hashed as bytes; a string key is hashed as its UTF-8 encoding, so the same key
// lands on the same partition whichever client wrote it.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Computes the 32-bit murmur2 hash of a byte array as Kafka's Java client does, as a signed integer. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const blocks = length >>> 2;
  for (let i = 0; i < blocks; i++) {
    const offset = i * 4;
    let k =
      (data[offset] as number) |
      ((data[offset + 1] as number) << 8) |
      ((data[offset + 2] as number) << 16) |
      ((data[offset + 3] as number) << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & ~3;
  switch (length & 3) {
    case 3:
      h ^= (data[tail + 2] as number) << 16;
    // falls through
    case 2:
      h ^= (data[tail + 1] as number) << 8;
    // falls through
    case 1:
      h ^= data[tail] as number;
      h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

const encoder = new TextEncoder();

/**
 * Returns the partition Kafka's Java client picks for a key: murmur2 of its bytes (UTF-8 for
 * a string), made positive, modulo the partition count. Throws a `RangeError` when the count
 * is not a positive integer.
 */
export function partitionFor(key: string | Uint8Array, partitionCount: number): number {
  if (!Number.isSafeInteger(partitionCount) || partitionCount < 1) {
    throw new RangeError(`partitionCount must be a positive integer, got ${String(partitionCount)}.`);
  }
  const bytes = typeof key === 'string' ? encoder.encode(key) : key;
  return (murmur2(bytes) & 0x7fffffff) % partitionCount;
}
