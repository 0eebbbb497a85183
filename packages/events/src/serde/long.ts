import avro from 'avsc';

// avsc's default long type keeps values as numbers and, past 2^52, reads some of them wrong
// (-(2^52) - 1 comes back as +2^52). This long type reads the 8-byte two's-complement
// value avsc unpacks as a BigInt and returns a number only when it is exact, that is within
// Number.MAX_SAFE_INTEGER (2^53 - 1); anything larger is rejected on read and on write.

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const SCRATCH = Buffer.alloc(8);

/** Thrown when a long read from the wire does not fit a JavaScript number exactly. */
export class UnsafeLongError extends Error {
  override name = 'UnsafeLongError';

  constructor() {
    super('a long beyond Number.MAX_SAFE_INTEGER (2^53 - 1) cannot be read as a number without losing precision');
  }
}

/** The long type every schema the SDK compiles uses in place of avsc's default. */
export const SAFE_LONG: avro.types.LongType = avro.types.LongType.__with({
  fromBuffer(buffer: Buffer): number {
    const value = buffer.readBigInt64LE(0);
    if (value > MAX || value < -MAX) throw new UnsafeLongError();
    return Number(value);
  },
  toBuffer(value: number): Buffer {
    // avsc copies the bytes into its output at once, so one buffer serves every call.
    SCRATCH.writeBigInt64LE(BigInt(value));
    return SCRATCH;
  },
  fromJSON(value: unknown): number {
    return Number(value);
  },
  toJSON(value: number): number {
    return value;
  },
  isValid(value: unknown): boolean {
    return typeof value === 'number' && Number.isSafeInteger(value);
  },
  compare(a: number, b: number): number {
    return Math.sign(a - b);
  },
});
