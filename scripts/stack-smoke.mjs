#!/usr/bin/env node
// Smoke test of a running stack with real clients. It creates a 3-partition topic, sends one
// keyed message, reads it back through a consumer group, and registers an Avro schema
// through the Confluent-compatible API with fetch and with @kafkajs/confluent-schema-registry.
//
//   scripts/stack.sh up && node scripts/stack-smoke.mjs
//
// Reads REDPANDA_BROKERS and SCHEMA_REGISTRY_URL, defaulting to the addresses of
// scripts/stack.sh. Exits non-zero on the first failed check.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// kafkajs and the registry client are dependencies of @caddy/events, not of the
// workspace root, so they are resolved from that package.
const requireFromEvents = createRequire(
  fileURLToPath(new URL('../packages/events/package.json', import.meta.url)),
);
const { Kafka, logLevel, Partitioners } = requireFromEvents('kafkajs');
const { SchemaRegistry, SchemaType } = requireFromEvents('@kafkajs/confluent-schema-registry');

const brokers = (process.env.REDPANDA_BROKERS ?? '127.0.0.1:9092').split(',');
const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const TIMEOUT_MS = 30_000;

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
  console.log(`ok: ${message}`);
}

function withTimeout(promise, description) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${description} timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function checkKafka() {
  const kafka = new Kafka({ clientId: 'stack-smoke', brokers, logLevel: logLevel.WARN });
  const topic = `stack-smoke-${randomUUID()}`;
  const groupId = `${topic}-group`;
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId });
  try {
    await admin.connect();
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    check(created, `created topic ${topic} with 3 partitions`);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    check(metadata.topics[0].partitions.length === 3, 'topic metadata lists 3 partitions');

    await producer.connect();
    const value = `hello ${Date.now()}`;
    const [sent] = await producer.send({ topic, acks: -1, messages: [{ key: 'order-1', value }] });
    check(sent.errorCode === 0, `produced one message to partition ${sent.partition}`);

    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await withTimeout(
      new Promise((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const next = (BigInt(message.offset) + 1n).toString();
              await consumer.commitOffsets([{ topic, partition, offset: next }]);
              resolve({ partition, message, committedOffset: next });
            },
          })
          .catch(reject);
      }),
      `consuming from ${topic} in group ${groupId}`,
    );
    check(received.message.value.toString() === value, `group ${groupId} consumed the message`);
    check(received.partition === sent.partition, 'consumed from the partition the producer chose');
    await consumer.stop();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const partitionOffset = committed.partitions.find((p) => p.partition === received.partition);
    check(partitionOffset?.offset === received.committedOffset, 'group offset committed');
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

async function registryRequest(method, path, body) {
  const response = await fetch(`${registryUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${registryUrl}${path} failed with HTTP ${response.status}: ${text}`);
  }
  return JSON.parse(text);
}

async function checkRegistry() {
  const suffix = randomUUID().replaceAll('-', '');
  const schema = {
    type: 'record',
    name: `Smoke${suffix}`,
    namespace: 'dev.caddy.smoke',
    fields: [{ name: 'id', type: 'string' }],
  };
  const subject = `smoke-dev.caddy.smoke.Smoke${suffix}`;

  const { id } = await registryRequest('POST', `/subjects/${subject}/versions`, {
    schema: JSON.stringify(schema),
  });
  check(Number.isInteger(id), `registered subject ${subject} with fetch, id ${id}`);
  const byId = await registryRequest('GET', `/schemas/ids/${id}`);
  check(JSON.parse(byId.schema).name === schema.name, `GET /schemas/ids/${id} returns the schema`);

  // The same schema with other whitespace must resolve to the same id (canonical hash).
  const lookup = await registryRequest('POST', `/subjects/${subject}`, {
    schema: JSON.stringify(schema, null, 2),
  });
  check(lookup.id === id, 'a reformatted schema resolves to the same id');

  // The client library reads GET /config/{subject} before it registers, and throws when the
  // level there differs from the requested one (BACKWARD by default).
  const registry = new SchemaRegistry({ host: registryUrl });
  const viaClient = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
    { subject },
  );
  check(viaClient.id === id, '@kafkajs/confluent-schema-registry registers to the same id');
  const encoded = await registry.encode(id, { id: 'order-1' });
  check(encoded[0] === 0 && encoded.readUInt32BE(1) === id, 'encoded with magic byte 0 and the schema id');
  const decoded = await registry.decode(encoded);
  check(decoded.id === 'order-1', 'decoded the encoded record');
}

try {
  await checkKafka();
  await checkRegistry();
  console.log('stack smoke test passed');
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
