import { randomUUID } from 'node:crypto';

import { checkCompatibility, parseAvroSchemaValue, type ParsedAvroSchema } from '@caddy/events-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EventsClient, HttpSchemaRegistry, KafkaTransport } from '../src/index.js';
import type { Catalog, PublishResult, ReceivedEvent } from '../src/index.js';
import { stackEnv } from './stack-env.js';

// Schema evolution through the real Kafka broker and schema registry: events written with
// version 1 of a schema and then with version 2 (same record name, so the same subject) are
// read by consumers built on either version, as the Avro resolution rules specify. Version 2 is
// FULL_TRANSITIVE compatible with version 1: it adds an enum symbol (the enum has a default),
// adds two fields with defaults and drops a field that had a default.

const env = stackEnv();
const prefix = `evolution-${randomUUID().slice(0, 8)}.`;
const TYPE = 'price.changed';
const RECORD = 'shop.evolution.PriceChanged';

const timestamp = { type: 'long', logicalType: 'timestamp-millis' };

const v1 = {
  type: 'record',
  name: RECORD,
  fields: [
    { name: 'productId', type: 'string' },
    { name: 'priceCents', type: 'int' },
    {
      name: 'channel',
      type: { type: 'enum', name: 'shop.evolution.Channel', symbols: ['UNKNOWN', 'WEB', 'STORE'], default: 'UNKNOWN' },
    },
    { name: 'source', type: 'string', default: 'web-shop' },
    { name: 'changedAt', type: timestamp },
  ],
};

const v2 = {
  type: 'record',
  name: RECORD,
  fields: [
    { name: 'productId', type: 'string' },
    { name: 'priceCents', type: 'int' },
    {
      name: 'channel',
      type: {
        type: 'enum',
        name: 'shop.evolution.Channel',
        symbols: ['UNKNOWN', 'WEB', 'STORE', 'APP'],
        default: 'UNKNOWN',
      },
    },
    { name: 'currency', type: 'string', default: 'EUR' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'changedAt', type: timestamp },
  ],
};

interface PriceChangedV1 {
  productId: string;
  priceCents: number;
  channel: 'UNKNOWN' | 'WEB' | 'STORE';
  source: string;
  changedAt: Date;
}

interface PriceChangedV2 {
  productId: string;
  priceCents: number;
  channel: 'UNKNOWN' | 'WEB' | 'STORE' | 'APP';
  currency: string;
  note: string | null;
  changedAt: Date;
}

function catalogOf(schema: object): Catalog {
  return { [TYPE]: { type: TYPE, topic: 'prices', key: 'productId', recordName: RECORD, schema: JSON.stringify(schema) } };
}

function client(schema: object, name: string): EventsClient {
  return new EventsClient({
    catalog: catalogOf(schema),
    transport: new KafkaTransport({ brokers: env.REDPANDA_BROKERS.split(','), clientId: `evolution-${name}` }),
    registry: new HttpSchemaRegistry({ url: env.SCHEMA_REGISTRY_URL }),
    topicPrefix: prefix,
  });
}

const writtenV1: PriceChangedV1[] = [
  { productId: 'p-1', priceCents: 1999, channel: 'WEB', source: 'pricing-job', changedAt: new Date(1_700_000_000_000) },
  { productId: 'p-2', priceCents: 500, channel: 'STORE', source: 'web-shop', changedAt: new Date(1_700_000_001_000) },
];

const writtenV2: PriceChangedV2[] = [
  { productId: 'p-1', priceCents: 1899, channel: 'APP', currency: 'CHF', note: 'spring sale', changedAt: new Date(1_700_000_002_000) },
  { productId: 'p-3', priceCents: 250, channel: 'WEB', currency: 'EUR', note: null, changedAt: new Date(1_700_000_003_000) },
];

/** Reads events of the topic from the beginning with a new group until `count` arrived. */
async function readAll(reader: EventsClient, count: number): Promise<ReceivedEvent[]> {
  const received: ReceivedEvent[] = [];
  let done: () => void = () => {};
  const complete = new Promise<void>((resolve) => (done = resolve));
  const handlers = {
    [TYPE]: (event: ReceivedEvent) => {
      received.push(event);
      if (received.length === count) done();
    },
  };
  const subscription = await reader.subscribe({ groupId: `${prefix}${randomUUID()}`, fromBeginning: true, handlers });
  await complete;
  await subscription.close();
  return received.sort((a, b) => Number(a.metadata.offset) - Number(b.metadata.offset));
}

function parsed(schema: object): ParsedAvroSchema {
  const result = parseAvroSchemaValue(schema);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.schema;
}

let producerV1: EventsClient;
let producerV2: EventsClient;
let consumerV1: EventsClient;
let consumerV2: EventsClient;
const results: PublishResult[] = [];

beforeAll(async () => {
  producerV1 = client(v1, 'producer-v1');
  producerV2 = client(v2, 'producer-v2');
  consumerV1 = client(v1, 'consumer-v1');
  consumerV2 = client(v2, 'consumer-v2');
  // One partition, so offsets give the publish order across both producers.
  await producerV1.createTopics({ numPartitions: 1 });
  for (const payload of writtenV1) results.push(await producerV1.publish(TYPE, payload));
  for (const payload of writtenV2) results.push(await producerV2.publish(TYPE, payload));
});

afterAll(async () => {
  for (const eventsClient of [producerV1, producerV2, consumerV1, consumerV2]) await eventsClient?.close();
});

describe('schema evolution on Kafka', () => {
  it('uses a FULL_TRANSITIVE compatible version 2', () => {
    const result = checkCompatibility(parsed(v2), [parsed(v1)], 'FULL_TRANSITIVE');
    expect(result.issues).toEqual([]);
  });

  it('registers version 2 under the same subject', async () => {
    const subject = `${prefix}prices-${RECORD}`;
    const response = await fetch(`${env.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(subject)}/versions`);
    expect(await response.json()).toEqual([1, 2]);
    expect(results[0]!.schemaId).toBe(results[1]!.schemaId);
    expect(results[2]!.schemaId).toBe(results[3]!.schemaId);
    expect(results[2]!.schemaId).not.toBe(results[0]!.schemaId);
  });

  it('reads v1 and v2 events with a v2 consumer', async () => {
    const received = await readAll(consumerV2, 4);
    expect(received.map((event) => event.payload)).toEqual([
      { productId: 'p-1', priceCents: 1999, channel: 'WEB', currency: 'EUR', note: null, changedAt: new Date(1_700_000_000_000) },
      { productId: 'p-2', priceCents: 500, channel: 'STORE', currency: 'EUR', note: null, changedAt: new Date(1_700_000_001_000) },
      ...writtenV2,
    ]);
    expect(received.map((event) => event.metadata.schemaId)).toEqual(results.map((result) => result.schemaId));
    expect(received.map((event) => event.key)).toEqual(['p-1', 'p-2', 'p-1', 'p-3']);
  });

  it('reads v2 events with a v1 consumer', async () => {
    const received = await readAll(consumerV1, 4);
    expect(received.map((event) => event.payload)).toEqual([
      ...writtenV1,
      // APP is not a v1 symbol, so the enum default applies; `source` takes its default.
      { productId: 'p-1', priceCents: 1899, channel: 'UNKNOWN', source: 'web-shop', changedAt: new Date(1_700_000_002_000) },
      { productId: 'p-3', priceCents: 250, channel: 'WEB', source: 'web-shop', changedAt: new Date(1_700_000_003_000) },
    ]);
  });
});
