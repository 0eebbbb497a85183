import kafkajs from 'kafkajs';

// kafkajs is CommonJS with exports Node's ESM loader cannot list by name.
const { CompressionCodecs, CompressionTypes } = kafkajs;

/** Compression codecs of Kafka record batches. */
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/**
 * A codec in the shape kafkajs expects. `compress` receives kafkajs's encoder and reads only
 * its `buffer`, the serialized records. `decompress` receives the compressed records.
 */
export interface BatchCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(compressed: Buffer): Promise<Buffer>;
}

// The codec packages load on first use, not on import, because snappy and lz4-napi are
// native modules. On a platform without their prebuilt binary, only that codec fails.
let snappyModule: Promise<typeof import('snappy')> | undefined;
let lz4Module: Promise<typeof import('lz4-napi')> | undefined;
let zstdEncoder: Promise<typeof import('@bokuweb/zstd-wasm')> | undefined;
let zstdDecoder: Promise<typeof import('fzstd')> | undefined;

function load<T>(codec: string, packageName: string, importer: () => Promise<T>): Promise<T> {
  return importer().catch((error: unknown) => {
    throw new Error(
      `The ${codec} codec could not load its package '${packageName}': ${(error as Error).message}. ` +
        'Reinstall the dependencies on this platform. A producer can also set EVENTS_COMPRESSION to another codec.',
      { cause: error },
    );
  });
}

const loadSnappy = () => (snappyModule ??= load('snappy', 'snappy', () => import('snappy')));
const loadLz4 = () => (lz4Module ??= load('lz4', 'lz4-napi', () => import('lz4-napi')));
const loadZstdDecoder = () => (zstdDecoder ??= load('zstd', 'fzstd', () => import('fzstd')));

// The encoder is an Emscripten module that compiles its WebAssembly once per process.
const loadZstdEncoder = () =>
  (zstdEncoder ??= load('zstd', '@bokuweb/zstd-wasm', async () => {
    const zstd = await import('@bokuweb/zstd-wasm');
    await zstd.init();
    return zstd;
  }));

// Kafka's Java producer writes snappy in snappy-java's stream framing ("xerial"):
//   bytes 0-7    magic 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00
//   bytes 8-15   format version and minimum compatible version, int32 big-endian each
//   then chunks  int32 big-endian length, followed by that many bytes of one raw snappy block
// Other clients, kafkajs-snappy among them, write one raw snappy block. This codec reads both
// forms and writes the raw one, which Kafka 4.1's Java reader decodes too (checked with its
// DumpLogSegments tool).
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_LENGTH = 16;

function isXerialFramed(compressed: Buffer): boolean {
  return compressed.length >= XERIAL_HEADER_LENGTH && compressed.subarray(0, 8).equals(XERIAL_MAGIC);
}

function xerialChunks(compressed: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  let offset = XERIAL_HEADER_LENGTH;
  while (offset < compressed.length) {
    if (offset + 4 > compressed.length) {
      throw new Error(`Invalid snappy-java framing: truncated chunk length at byte ${offset}.`);
    }
    const length = compressed.readUInt32BE(offset);
    const end = offset + 4 + length;
    if (end > compressed.length) {
      const remaining = compressed.length - offset - 4;
      throw new Error(`Invalid snappy-java framing: chunk at byte ${offset} needs ${length} bytes, ${remaining} remain.`);
    }
    chunks.push(compressed.subarray(offset + 4, end));
    offset = end;
  }
  return chunks;
}

const snappyCodec: BatchCodec = {
  async compress(encoder) {
    const snappy = await loadSnappy();
    return snappy.compress(encoder.buffer);
  },
  async decompress(compressed) {
    const snappy = await loadSnappy();
    // asBuffer: true makes uncompress resolve to a Buffer, never a string.
    const uncompress = (block: Buffer) => snappy.uncompress(block, { asBuffer: true }) as Promise<Buffer>;
    if (!isXerialFramed(compressed)) return uncompress(compressed);
    return Buffer.concat(await Promise.all(xerialChunks(compressed).map(uncompress)));
  },
};

// Kafka's lz4 is the LZ4 frame format (magic 0x184D2204) with independent blocks. lz4-napi's
// frame functions write independent 64 KiB blocks without checksums, which Kafka 4.1's Java
// reader decodes (checked with its DumpLogSegments tool).
const lz4Codec: BatchCodec = {
  async compress(encoder) {
    const lz4 = await loadLz4();
    return lz4.compressFrame(encoder.buffer);
  },
  async decompress(compressed) {
    const lz4 = await loadLz4();
    return lz4.decompressFrame(compressed);
  },
};

// Level 3 is zstd's own default and the default of Kafka 4.1's `compression.zstd.level`.
const ZSTD_LEVEL = 3;

// The encoder writes one frame with its content size. Decoding uses fzstd, because the Java
// producer streams its frames and so leaves the content size out. Without that size, the
// WebAssembly package's one-shot decoder allocates a fixed 1 MiB and fails on larger batches.
const zstdCodec: BatchCodec = {
  async compress(encoder) {
    const zstd = await loadZstdEncoder();
    return asBuffer(zstd.compress(encoder.buffer, ZSTD_LEVEL));
  },
  async decompress(compressed) {
    const fzstd = await loadZstdDecoder();
    return asBuffer(fzstd.decompress(compressed));
  },
};

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The codecs that kafkajs lacks, by name, for tests and for callers that compress by hand. */
export const batchCodecs: Readonly<Record<'snappy' | 'lz4' | 'zstd', BatchCodec>> = {
  snappy: snappyCodec,
  lz4: lz4Codec,
  zstd: zstdCodec,
};

/**
 * Registers the snappy, lz4 and zstd codecs into kafkajs's process-wide `CompressionCodecs`
 * (kafkajs ships gzip only), so producers can write them and every consumer can read them.
 * It replaces any codec registered there before for those three types. Safe to call more
 * than once; the codec packages load when a batch first needs them.
 */
export function registerCodecs(): void {
  CompressionCodecs[CompressionTypes.Snappy] = () => snappyCodec;
  CompressionCodecs[CompressionTypes.LZ4] = () => lz4Codec;
  CompressionCodecs[CompressionTypes.ZSTD] = () => zstdCodec;
}
