import { randomUUID } from 'node:crypto';

import avro from 'avsc';
import { Kafka, logLevel } from 'kafkajs';
import type { IHeaders } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEvents, DLQ_HEADERS, partitionFor } from '../../src/index.js';
import type { CaddyEvents } from '../../src/index.js';
import { reportFigures } from './figures.js';
import { committedOffsets, endOffsets } from './kafka-admin.js';
import { registerDirectly } from '../registry-rest.js';
import { requireLocalStack } from './stack-control.js';

// Puts poison records between good events of one key, so all of them share a partition:
// values no deserializer can read, written with plain kafkajs, and one valid event that its
// handler always rejects. The good events must all be handled, in order, and each poison
// record must land in the dead-letter topic with its original bytes and position.

// A writer schema that the registry accepts and avsc rejects, because Avro's Java library
// (which Apicurio parses with) allows Unicode letters in names and avsc allows only ASCII.
// Its record name is an event of the catalog, so the field name is the only problem.
const UNPARSABLE_WRITER = JSON.stringify({
  type: 'record',
  name: 'shop.products.ProductViewed',
  fields: [{ name: 'größe', type: 'int' }],
});

const PARTITIONS = 3;
const GOOD_PER_RUN = 5;
const REJECTED_SESSION = 'session-rejected-by-handler';

let env: { REDPANDA_BROKERS: string; SCHEMA_REGISTRY_URL: string };
let events: CaddyEvents;
const prefix = `fault-poison-${randomUUID().slice(0, 8)}.`;
const topic = `${prefix}products`;
let raw: Kafka;

beforeAll(async () => {
  env = await requireLocalStack();
  events = createEvents({ transport: 'kafka', env: { ...env, EVENTS_TOPIC_PREFIX: prefix } });
  await events.createTopics({ numPartitions: PARTITIONS });
  raw = new Kafka({ brokers: env.REDPANDA_BROKERS.split(','), clientId: 'fault-poison-raw', logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  await events?.close();
});

interface Poison {
  name: string;
  /** Value written: null for a tombstone, undefined for an event the SDK wrote (bytes unknown to the test). */
  value: Buffer | null | undefined;
  offset?: string;
  expectedCode: string;
  expectedAttempts: string;
}

type DeadRecord = { value: Buffer | null; headers: Record<string, string> };

/** Reads the dead-letter topic from its start with plain kafkajs until `count` records arrived. */
async function readDeadLetters(count: number): Promise<DeadRecord[]> {
  const consumer = raw.consumer({ groupId: `${prefix}dlq-reader` });
  const records: DeadRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: `${topic}.dlq`, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Only ${records.length} of ${count} dead letters arrived in 30 s.`)), 30_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        records.push({ value: message.value, headers: stringHeaders(message.headers) });
        if (records.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return records;
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}

describe('poison messages among good ones', () => {
  it(
    'handles every good event and dead-letters each poison record',
    async () => {
      const productId = randomUUID();
      const partition = partitionFor(productId, PARTITIONS);
      const viewed = (sessionId: string) => ({ productId, sessionId, viewedAt: new Date() });
      const first = await events.publishProductViewed(viewed('session-first'));
      expect(() => avro.Type.forSchema(JSON.parse(UNPARSABLE_WRITER) as avro.Schema), 'avsc rejects the writer schema').toThrow();
      const unparsableId = await registerDirectly(env.SCHEMA_REGISTRY_URL, `${prefix}poison-unparsable-writer`, UNPARSABLE_WRITER);
      const poisons: Poison[] = [
        {
          name: 'JSON text, not framed',
          value: Buffer.from(JSON.stringify(viewed('json'))),
          expectedCode: 'FRAME_INVALID',
          expectedAttempts: '0',
        },
        {
          name: 'unregistered schema id',
          value: Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 0x02]),
          expectedCode: 'SCHEMA_NOT_FOUND',
          expectedAttempts: '0',
        },
        {
          name: 'truncated Avro body',
          // A string length of 16 with no bytes after it.
          value: Buffer.from([0, ...uint32(first.schemaId), 0x20]),
          expectedCode: 'DECODE_FAILED',
          expectedAttempts: '0',
        },
        {
          name: 'shorter than the header',
          value: Buffer.from([0, 0, 0]),
          expectedCode: 'FRAME_INVALID',
          expectedAttempts: '0',
        },
        {
          name: 'empty value',
          value: Buffer.alloc(0),
          expectedCode: 'FRAME_INVALID',
          expectedAttempts: '0',
        },
        {
          name: 'tombstone',
          value: null,
          expectedCode: 'FRAME_INVALID',
          expectedAttempts: '0',
        },
        {
          name: 'writer schema avsc cannot parse',
          // A zigzag int 1, the value of the field größe.
          value: Buffer.from([0, ...uint32(unparsableId), 0x02]),
          expectedCode: 'DECODE_FAILED',
          expectedAttempts: '0',
        },
      ];

      const good: string[] = [first.eventId];
      const publishGood = async () => {
        for (let index = 0; index < GOOD_PER_RUN; index++) {
          good.push((await events.publishProductViewed(viewed(`s-${good.length}`))).eventId);
        }
      };
      const producer = raw.producer();
      await producer.connect();
      for (const poison of poisons) {
        await publishGood();
        const [sent] = await producer.send({ topic, messages: [{ key: productId, value: poison.value ?? null, partition }] });
        poison.offset = sent?.baseOffset;
      }
      await producer.disconnect();
      const rejectedResult = await events.publishProductViewed(viewed(REJECTED_SESSION));
      const rejected = rejectedResult.eventId;
      poisons.push({
        name: 'rejected by its handler',
        value: undefined,
        offset: rejectedResult.offset,
        expectedCode: 'HANDLER_FAILED',
        expectedAttempts: '2',
      });
      await publishGood();

      const handled: string[] = [];
      let allHandled: () => void = () => {};
      const finished = new Promise<void>((resolve) => (allHandled = resolve));
      const groupId = `${prefix}viewers`;
      const subscription = await events.subscribe({
        groupId,
        fromBeginning: true,
        retry: { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 20 },
        handlers: {
          'product.viewed': (event) => {
            if (event.payload.sessionId === REJECTED_SESSION) throw new Error(`Cannot handle ${event.payload.sessionId}.`);
            handled.push(event.metadata.id ?? '');
            if (handled.length >= good.length) allHandled();
          },
        },
      });
      // The partition reaches the last good event only after every poison record before it
      // was dead-lettered, so the dead-letter topic exists by then.
      await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      await subscription.close();
      const deadLetters = await readDeadLetters(poisons.length);
      const committed = await committedOffsets(env.REDPANDA_BROKERS, groupId, topic);
      const end = await endOffsets(env.REDPANDA_BROKERS, topic);

      reportFigures('poison', {
        good: good.length,
        goodHandled: handled.length,
        poison: poisons.length,
        deadLettered: deadLetters.length,
        committedAtEnd: committed.get(partition) === end.get(partition),
      });

      expect(handled, 'good events handled once each, in publish order').toEqual(good);
      expect(deadLetters.length).toBe(poisons.length);
      for (const poison of poisons) {
        const dead = deadLetters.find((record) => record.headers[DLQ_HEADERS.offset] === poison.offset);
        expect(dead, `dead letter of the ${poison.name} record`).toBeDefined();
        expect(dead!.headers[DLQ_HEADERS.errorCode], poison.name).toBe(poison.expectedCode);
        expect(dead!.headers[DLQ_HEADERS.attempts], poison.name).toBe(poison.expectedAttempts);
        expect(dead!.headers[DLQ_HEADERS.topic], poison.name).toBe(topic);
        expect(dead!.headers[DLQ_HEADERS.partition], poison.name).toBe(String(partition));
        expect(dead!.headers[DLQ_HEADERS.groupId], poison.name).toBe(groupId);
        if (poison.value === null) {
          // The dead-letter record of a tombstone has no bytes either. The SDK writes an empty value.
          expect(dead!.value?.length ?? 0, `${poison.name}: no bytes`).toBe(0);
        } else if (poison.value !== undefined) {
          expect(dead!.value?.equals(poison.value), `${poison.name}: original bytes kept`).toBe(true);
        }
      }
      const rejectedDead = deadLetters.find((record) => record.headers.ce_id === rejected);
      expect(rejectedDead, 'the rejected event keeps its CloudEvents headers').toBeDefined();
      // The handler's message quotes a payload value, which must not reach the headers.
      for (const record of deadLetters) {
        expect(Object.values(record.headers).join('\n')).not.toContain(REJECTED_SESSION);
      }
      expect(committed.get(partition), 'committed offset of the poisoned partition').toBe(end.get(partition));
    },
    120_000,
  );
});

function uint32(value: number): number[] {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return [...buffer];
}
