import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { CompressionTypes } from 'kafkajs';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createEvents } from '../src/index.js';
import type { CaddyEvents, EventPayloads } from '../src/index.js';
import { batchCodecs } from '../src/transport/codecs.js';
import type { BatchCodec, CompressionName } from '../src/transport/codecs.js';
import { payloads } from './fixtures/payloads.js';
import { stackEnv } from './stack-env.js';

// Publishes with each compression codec through the real broker and consumes with a client
// set to another codec. Decompression does not depend on the consumer's own setting: kafkajs
// picks the codec from each fetched batch's attributes.

const env = stackEnv();
const CODECS: CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const CODEC_IDS: Record<CompressionName, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};
const EVENTS_PER_CODEC = 20;

// kafkajs's own gzip codec object, which its codec table returns for every gzip batch.
const gzipCodec = createRequire(import.meta.url)('kafkajs/src/protocol/message/compression/gzip.js') as BatchCodec;

const clients: CaddyEvents[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

function client(prefix: string, compression: CompressionName): CaddyEvents {
  const events = createEvents({
    transport: 'kafka',
    env: { ...env, EVENTS_TOPIC_PREFIX: prefix, EVENTS_COMPRESSION: compression },
  });
  clients.push(events);
  return events;
}

/** Counts the decompress calls of every codec kafkajs can dispatch to. */
function countDecompressions(): Map<CompressionName, number> {
  const counts = new Map<CompressionName, number>();
  const codecs = [['gzip', gzipCodec], ...Object.entries(batchCodecs)] as [CompressionName, BatchCodec][];
  for (const [name, codec] of codecs) {
    const decompress = codec.decompress.bind(codec);
    vi.spyOn(codec, 'decompress').mockImplementation((compressed) => {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return decompress(compressed);
    });
  }
  return counts;
}

/**
 * Reads the codec of every record batch in partition 0's first log segment, from the
 * broker's data directory. The on-disk layout is the RecordBatch of the Kafka protocol:
 * baseOffset int64, batchLength int32 (bytes after this field), partitionLeaderEpoch int32,
 * magic int8, crc uint32, attributes int16 whose low three bits are the codec id.
 */
async function storedCodecs(topic: string): Promise<number[]> {
  const dataDir = process.env.STACK_KAFKA_DATA_DIR;
  if (!dataDir) {
    throw new Error(
      'STACK_KAFKA_DATA_DIR is not set: this check reads the broker log of the local stack. ' +
        'Run `eval "$(scripts/stack.sh env)"` after `scripts/stack.sh up`.',
    );
  }
  const segment = await readFile(join(dataDir, `${topic}-0`, '00000000000000000000.log'));
  const codecs: number[] = [];
  for (let offset = 0; offset + 23 <= segment.length; offset += 12 + segment.readInt32BE(offset + 8)) {
    expect(segment.readInt8(offset + 16), `magic of the batch at byte ${offset}`).toBe(2);
    codecs.push(segment.readInt16BE(offset + 21) & 0x07);
  }
  return codecs;
}

function orderUpdates(orderId: string): EventPayloads['order.updated'][] {
  return Array.from({ length: EVENTS_PER_CODEC }, (_, index) => ({
    ...payloads['order.updated'],
    orderId,
    reason: `compressible reason text, change number ${index}`,
  }));
}

describe('compression through the broker', () => {
  for (const [index, codec] of CODECS.entries()) {
    const readerCodec = CODECS[(index + 1) % CODECS.length] as CompressionName;

    it(`reads ${codec} batches with a ${readerCodec} client`, async () => {
      const prefix = `cmp-${randomUUID().slice(0, 8)}-${codec}.`;
      const producer = client(prefix, codec);
      const consumer = client(prefix, readerCodec);
      await producer.createTopics({ numPartitions: 1 });
      const decompressions = countDecompressions();

      // Publishing before subscribing lets the consumer's first fetch return the batch at once.
      const sent = orderUpdates(randomUUID());
      await producer.publishBatch(sent.map((payload) => ({ type: 'order.updated' as const, payload })));
      const received: EventPayloads['order.updated'][] = [];
      let allReceived: () => void = () => {};
      const done = new Promise<void>((resolve) => (allReceived = resolve));
      await consumer.subscribe({
        groupId: `${prefix}reader`,
        fromBeginning: true,
        handlers: {
          'order.updated': (event) => {
            received.push(event.payload);
            if (received.length === sent.length) allReceived();
          },
        },
      });
      await done;

      expect(received).toEqual(sent);
      const stored = await storedCodecs(`${prefix}orders`);
      expect(stored.length, 'record batches in the log segment').toBeGreaterThan(0);
      expect(new Set(stored), 'codec ids of the stored batches').toEqual(new Set([CODEC_IDS[codec]]));
      for (const name of CODECS.filter((other) => other !== 'none' && other !== codec)) {
        expect(decompressions.get(name) ?? 0, `${name} decompressions`).toBe(0);
      }
      if (codec !== 'none') expect(decompressions.get(codec) ?? 0, `${codec} decompressions`).toBeGreaterThan(0);
    });
  }
});
