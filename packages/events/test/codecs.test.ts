import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';

import { batchCodecs, registerCodecs } from '../src/transport/codecs.js';
import { javaBatches } from './codecs-java-batches.js';

// kafkajs's record batch encoder and decoder are internal modules without type declarations,
// typed here as far as these tests use them.
interface KafkaRecord {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}
interface RecordBatchDecoded {
  records: KafkaRecord[];
}
const require = createRequire(import.meta.url);
type EncodeRecordBatch = (options: { compression: CompressionTypes; records: unknown[] }) => Promise<{ buffer: Buffer }>;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: EncodeRecordBatch };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (options: {
  offsetDelta: number;
  key: Buffer;
  value: Buffer;
}) => unknown;
type DecodeRecordBatch = (decoder: unknown) => Promise<RecordBatchDecoded>;
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as DecodeRecordBatch;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => unknown;

const CODECS = ['snappy', 'lz4', 'zstd'] as const;
const CODEC_IDS = { gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD };

/** Text that compresses well, with a varying part so each block differs. */
function compressibleText(bytes: number): Buffer {
  let text = '';
  for (let index = 0; text.length < bytes; index++) text += `order ${index} paid with card, shipped to Berlin; `;
  return Buffer.from(text.slice(0, bytes));
}

// Sizes around the codecs' block boundaries: snappy-java chunks are 32 KiB, LZ4 blocks 64 KiB,
// zstd blocks 128 KiB.
const INPUTS: [string, Buffer][] = [
  ['one byte', Buffer.from([7])],
  ['1 KiB of text', compressibleText(1024)],
  ['300 KiB of text', compressibleText(300 * 1024)],
  ['100 KiB of random bytes', randomBytes(100 * 1024)],
];

beforeAll(() => {
  registerCodecs();
});

describe('batch codecs', () => {
  for (const codec of CODECS) {
    for (const [label, input] of INPUTS) {
      it(`${codec} round-trips ${label}`, async () => {
        const compressed = await batchCodecs[codec].compress({ buffer: input });
        const output = await batchCodecs[codec].decompress(compressed);
        expect(Buffer.isBuffer(output)).toBe(true);
        expect(output.equals(input)).toBe(true);
      });
    }
  }

  it('snappy writes a raw block, not snappy-java framing', async () => {
    const compressed = await batchCodecs.snappy.compress({ buffer: compressibleText(1024) });
    expect(compressed.subarray(0, 8).toString('latin1')).not.toBe('\x82SNAPPY\x00');
  });

  it('lz4 writes an LZ4 frame with independent blocks', async () => {
    const compressed = await batchCodecs.lz4.compress({ buffer: compressibleText(1024) });
    expect(compressed.readUInt32LE(0)).toBe(0x184d2204);
    // FLG byte: version 01 in bits 7-6, block independence in bit 5.
    expect(compressed[4]! & 0xc0).toBe(0x40);
    expect(compressed[4]! & 0x20).toBe(0x20);
  });

  it('snappy rejects truncated snappy-java framing', async () => {
    const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
    const chunkLength = Buffer.alloc(4);
    chunkLength.writeUInt32BE(100);
    const truncated = Buffer.concat([header, chunkLength, Buffer.alloc(10)]);
    await expect(batchCodecs.snappy.decompress(truncated)).rejects.toThrow(
      /snappy-java framing: chunk at byte 16 needs 100 bytes/,
    );
  });

  it('zstd rejects bytes that are not a zstd frame', async () => {
    await expect(batchCodecs.zstd.decompress(Buffer.from('not zstd at all'))).rejects.toThrow();
  });
});

describe('registerCodecs', () => {
  it('puts the codecs into kafkajs', () => {
    const table = CompressionCodecs as Record<number, () => unknown>;
    expect(table[CompressionTypes.Snappy]!()).toBe(batchCodecs.snappy);
    expect(table[CompressionTypes.LZ4]!()).toBe(batchCodecs.lz4);
    expect(table[CompressionTypes.ZSTD]!()).toBe(batchCodecs.zstd);
  });

  it('can be called again', () => {
    registerCodecs();
    const table = CompressionCodecs as Record<number, () => unknown>;
    expect(table[CompressionTypes.ZSTD]!()).toBe(batchCodecs.zstd);
  });
});

describe('kafkajs record batches', () => {
  for (const codec of ['gzip', ...CODECS] as const) {
    it(`decodes a ${codec} batch that kafkajs encoded`, async () => {
      const values = Array.from({ length: 50 }, (_, index) => compressibleText(2000 + index));
      const records = values.map((value, index) => Record({ offsetDelta: index, key: Buffer.from(`key-${index}`), value }));
      const encoded = await RecordBatch({ compression: CODEC_IDS[codec], records });
      // The batch's attributes (int16 at byte 21) carry the codec id the decoder dispatches on.
      expect(encoded.buffer.readInt16BE(21) & 0x07).toBe(CODEC_IDS[codec]);

      const batch = await decodeRecordBatch(new Decoder(encoded.buffer));
      expect(batch.records).toHaveLength(values.length);
      batch.records.forEach((record, index) => {
        expect(record.key?.toString()).toBe(`key-${index}`);
        expect(record.value?.equals(values[index]!)).toBe(true);
      });
    });
  }

  for (const codec of ['gzip', ...CODECS] as const) {
    it(`decodes a ${codec} batch that Kafka's Java client encoded`, async () => {
      const bytes = Buffer.from(javaBatches[codec], 'base64');
      expect(bytes.readInt16BE(21) & 0x07).toBe(CODEC_IDS[codec]);

      const batch = await decodeRecordBatch(new Decoder(bytes));
      expect(batch.records).toHaveLength(70);
      batch.records.forEach((record, index) => {
        expect(record.offset).toBe(String(index));
        expect(record.key?.toString()).toBe(`key-${index}`);
        expect(record.value).toHaveLength(1000);
        expect(record.value?.toString().startsWith(`value ${index}: order ${index % 7} shipped`)).toBe(true);
      });
    });
  }
});
