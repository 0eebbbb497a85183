import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { catalog, createEvents, partitionFor } from '../../src/index.js';
import type { CaddyEvents, EventType, PublishResult, ReceivedEvent } from '../../src/index.js';
import { payloads } from '../fixtures/payloads.js';
import { stackEnv } from '../stack-env.js';

// Interop with an independent client: PyPI's confluent-kafka with its Avro serializer and
// deserializer (peer.py, run through scripts/python-peer.sh, which installs the pinned
// version into the stack's cache). Both sides register the same schema text under
// TopicRecordNameStrategy subjects and partition keys with Java's murmur2.

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const PEER_SCRIPT = fileURLToPath(new URL('../../../../scripts/python-peer.sh', import.meta.url));
const PEER = fileURLToPath(new URL('./peer.py', import.meta.url));
const PARTITIONS = 5;
const types = Object.keys(catalog) as EventType[];

const env = stackEnv();
const clients: CaddyEvents[] = [];

/** Opens a client on a topic prefix of its own and creates the catalog's topics under it. */
async function openClient(name: string): Promise<{ events: CaddyEvents; prefix: string }> {
  const prefix = `interop-${name}-${randomUUID().slice(0, 8)}.`;
  const events = createEvents({ transport: 'kafka', env: { ...env, EVENTS_TOPIC_PREFIX: prefix } });
  clients.push(events);
  await events.createTopics({ numPartitions: PARTITIONS });
  return { events, prefix };
}

/** Runs `scripts/python-peer.sh ARGS` and resolves with its stdout lines parsed as JSON. */
function runPeer(args: string[], input?: string): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [PEER_SCRIPT, ...args], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`python-peer.sh ${args.slice(0, 3).join(' ')} exited with ${code}:\n${stderr.slice(-4_000)}`));
        return;
      }
      const lines = stdout.split('\n').filter((line) => line.trim().length > 0);
      resolve(args[0] === 'install' ? [] : lines.map((line) => JSON.parse(line) as Record<string, unknown>));
    });
    // A command that reads no input, or a peer that fails before reading it, closes the pipe
    // early. The exit code and stderr report any failure, so the write error adds nothing.
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

const peerArgs = (command: string, ...rest: string[]) => [
  'run',
  PEER,
  command,
  '--brokers',
  env.REDPANDA_BROKERS,
  '--registry',
  env.SCHEMA_REGISTRY_URL,
  ...rest,
];

/** The payload as JSON: timestamps as ISO 8601 strings, decimals already strings. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const schemaFile = (type: EventType) => fileURLToPath(new URL(`../../schemas/${type}.avsc`, import.meta.url));
const keyOf = (type: EventType, payload: unknown) => String((payload as Record<string, unknown>)[catalog[type].key]);

beforeAll(async () => {
  // The first run downloads confluent-kafka and its dependencies from PyPI.
  await runPeer(['install']);
}, 600_000);

afterAll(async () => {
  await Promise.all(clients.map((events) => events.close()));
});

describe('interop with confluent-kafka for Python', () => {
  it('registers the schema files the SDK registers', () => {
    for (const type of types) expect(readFileSync(schemaFile(type), 'utf8').trimEnd(), type).toBe(catalog[type].schema);
  });

  it('SDK reads typed events produced by Python', async () => {
    const { events, prefix } = await openClient('from-python');
    const input = types.map((type) => ({
      topic: `${prefix}${catalog[type].topic}`,
      schemaFile: schemaFile(type),
      keyField: catalog[type].key,
      payload: asJson(payloads[type]),
    }));
    const delivered = await runPeer(peerArgs('produce'), input.map((line) => JSON.stringify(line)).join('\n'));
    expect(delivered).toHaveLength(types.length);
    expect(delivered.map((record) => record.index), 'delivery reports in input order').toEqual(types.map((_, index) => index));

    const received = new Map<string, ReceivedEvent>();
    let allReceived: () => void = () => {};
    const done = new Promise<void>((resolve) => (allReceived = resolve));
    const handlers = Object.fromEntries(
      types.map((type) => [
        type,
        (event: ReceivedEvent) => {
          received.set(event.type, event);
          if (received.size === types.length) allReceived();
        },
      ]),
    );
    await events.subscribe({ groupId: `${prefix}reader`, fromBeginning: true, handlers });
    await done;

    for (const [index, type] of types.entries()) {
      const event = received.get(type)!;
      const sent = delivered[index]!;
      expect(event.payload, type).toEqual(payloads[type]);
      expect(event.key, type).toBe(keyOf(type, payloads[type]));
      // confluent-kafka sets no headers, so there is no event id, and the type comes from
      // the writer schema's record name.
      expect(event.metadata.id, type).toBeUndefined();
      expect(event.metadata.schemaId, type).toBe(sent.schemaId);
      expect(event.metadata.partition, type).toBe(sent.partition);
      expect(event.metadata.offset, type).toBe(String(sent.offset));
    }

    // The SDK registering the same text under the same subject gets the id Python got.
    const paid = await events.publishOrderPaid(payloads['order.paid']);
    expect(paid.schemaId).toBe(delivered[types.indexOf('order.paid')]!.schemaId);
  });

  it('Python decodes events published by the SDK', async () => {
    const { events, prefix } = await openClient('to-python');
    const results = new Map<EventType, PublishResult>();
    for (const type of types) results.set(type, await events.publish(type, payloads[type]));

    const topics = [...new Set(types.map((type) => `${prefix}${catalog[type].topic}`))];
    const records = await runPeer(
      peerArgs('consume', '--topics', topics.join(','), '--group', `${prefix}python`, '--count', String(types.length)),
    );
    expect(records).toHaveLength(types.length);

    for (const type of types) {
      const result = results.get(type)!;
      const record = records.find((candidate) => (candidate.headers as Record<string, string>).ce_id === result.eventId);
      expect(record, `${type} read by Python`).toBeDefined();
      expect(record!.value, type).toEqual(asJson(payloads[type]));
      expect(record!.recordName, type).toBe(catalog[type].recordName);
      expect(record!.schemaId, type).toBe(result.schemaId);
      expect(record!.key, type).toBe(keyOf(type, payloads[type]));
      expect(record!.partition, type).toBe(result.partition);
      expect(record!.offset, type).toBe(Number(result.offset));
      expect((record!.headers as Record<string, string>).ce_type, type).toBe(type);
    }
  });

  it('puts a key on the same partition from both clients', async () => {
    const { events, prefix } = await openClient('partitions');
    const keys = Array.from({ length: 40 }, () => randomUUID());
    const viewed = (productId: string) => ({ productId, sessionId: 'interop', viewedAt: new Date('2026-12-01T10:00:00.000Z') });
    const input = keys.map((key) => ({
      topic: `${prefix}products`,
      schemaFile: schemaFile('product.viewed'),
      keyField: 'productId',
      payload: asJson(viewed(key)),
    }));
    const fromPython = await runPeer(peerArgs('produce'), input.map((line) => JSON.stringify(line)).join('\n'));
    const fromSdk = await Promise.all(keys.map((key) => events.publishProductViewed(viewed(key))));

    const pythonPartition = new Map(fromPython.map((record) => [record.key as string, record.partition as number]));
    expect(new Set(fromSdk.map((result) => result.partition)).size, 'keys spread over several partitions').toBeGreaterThan(1);
    for (const [index, key] of keys.entries()) {
      expect(pythonPartition.get(key), key).toBe(fromSdk[index]!.partition);
      expect(fromSdk[index]!.partition, key).toBe(partitionFor(key, PARTITIONS));
    }
  });
});
