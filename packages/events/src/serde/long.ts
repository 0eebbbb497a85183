import avro from 'avsc';

// avsc's default long type keeps values as numbers and, past 2^52, reads some of them wrong
// (-(2^52) - 1 comes back as +2^52), because its varint arithmetic in doubles is exact only
// while the zig-zag value stays below 2^53. This long type reads and writes the zig-zag
// varint itself (avsc's `noUnpack` mode hands it the varint's bytes): in doubles where they
// are exact, that is for |value| < 2^52 (any timestamp in milliseconds), and with BigInt beyond.
// It returns a number only when it is exact, that is within Number.MAX_SAFE_INTEGER
// (2^53 - 1); anything larger is rejected on read and on write.
//
//   varint: 7 bits a byte, least significant group first, high bit set on all but the last
//   zig-zag: 0, -1, 1, -2, 2 ... become 0, 1, 2, 3, 4 ..., so small magnitudes stay short

const MAX = Number.MAX_SAFE_INTEGER;
/** Largest magnitude whose zig-zag value (at most 2^53 - 1) a double represents exactly. */
const DOUBLE_EXACT = 2 ** 52 - 1;
const ZIGZAG_EXACT = 2 ** 53;
// A varint of 64 bits takes at most 10 bytes. avsc copies the bytes into its output at once,
// so one buffer, and a view of it per length, serve every write.
const SCRATCH = Buffer.alloc(10);
const VIEWS = Array.from({ length: 11 }, (_, length) => SCRATCH.subarray(0, length));

/** Thrown when a long read from the wire does not fit a JavaScript number exactly. */
export class UnsafeLongError extends Error {
  override name = 'UnsafeLongError';

  constructor() {
    super('a long beyond Number.MAX_SAFE_INTEGER (2^53 - 1) cannot be read as a number without losing precision');
  }
}

/** The long type every schema the SDK compiles uses in place of avsc's default. */
export const SAFE_LONG: avro.types.LongType = avro.types.LongType.__with(
  {
    fromBuffer: readVarint,
    toBuffer: writeVarint,
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
  },
  true,
);

/** Reads the zig-zag varint in `bytes` as a number, or throws `UnsafeLongError` when it is not exact. */
export function readVarint(bytes: Buffer): number {
  // Each partial sum is exact while below 2^53, and rounding never brings a larger one back
  // below it, so the test after the loop is exact.
  let zigzag = 0;
  let scale = 1;
  for (let index = 0; index < bytes.length; index++) {
    zigzag += ((bytes[index] as number) & 0x7f) * scale;
    scale *= 0x80;
  }
  if (zigzag < ZIGZAG_EXACT) return zigzag % 2 === 1 ? -(zigzag + 1) / 2 : zigzag / 2;
  let big = 0n;
  for (let index = bytes.length - 1; index >= 0; index--) big = (big << 7n) | BigInt((bytes[index] as number) & 0x7f);
  const value = big & 1n ? -((big + 1n) >> 1n) : big >> 1n;
  if (value > BigInt(MAX) || value < -BigInt(MAX)) throw new UnsafeLongError();
  return Number(value);
}

/** Writes a safe integer (avsc checks it with isValid first) as a zig-zag varint. */
export function writeVarint(value: number): Buffer {
  let length = 0;
  if (value >= -DOUBLE_EXACT && value <= DOUBLE_EXACT) {
    let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
    while (zigzag >= 0x80) {
      SCRATCH[length++] = (zigzag % 0x80) | 0x80;
      zigzag = Math.floor(zigzag / 0x80);
    }
    SCRATCH[length++] = zigzag;
  } else {
    const big = BigInt(value);
    let zigzag = big >= 0n ? big << 1n : (-big << 1n) - 1n;
    while (zigzag >= 0x80n) {
      SCRATCH[length++] = Number(zigzag & 0x7fn) | 0x80;
      zigzag >>= 7n;
    }
    SCRATCH[length++] = Number(zigzag);
  }
  return VIEWS[length] as Buffer;
}
