import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import {
  CachingSchemaRegistry,
  DecimalType,
  EventSerde,
  HttpSchemaRegistry,
  TimestampMillisType,
  UuidType,
  catalog,
  silentLogger,
} from '@caddy/events';
import { SchemaRegistry as KafkajsSchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';

import { MemorySampler } from './memory.js';
import { ORDER_CREATED, EVENT_TYPE, cloudEventHeaders, orderPayloads, plainAvroDecode, plainAvroEncode, plainAvroType } from './payloads.js';
import { startProfiling, stopProfiling } from './profiling.js';
import { CONFLUENT_REGISTRY_VERSION, confluentRegistryPrefix } from './stack-cache.js';
import { progressReporter } from './protocol.js';
import type { ClusterAddress } from './protocol.js';

/** Encoders and decoders compared per event: `sdk` is the subject, the others are baselines. */
export const SERDE_CONTENDERS = ['sdk', 'avsc', 'kafkajs-registry', 'confluent-registry', 'json'] as const;
export type SerdeContender = (typeof SERDE_CONTENDERS)[number];

/** Parameters of the serde scenario. */
export interface SerdeParams {
  eventsPerRound: number;
  rounds: number;
  topicPrefix: string;
}

/** Events per second of every round, by contender. A contender that could not run is in `unavailable`. */
export interface SerdeResult {
  encode: Partial<Record<SerdeContender, number[]>>;
  decode: Partial<Record<SerdeContender, number[]>>;
  /** The SDK's synchronous validate-and-encode step alone, without framing. */
  sdkEncodeBody: number[];
  unavailable: Partial<Record<SerdeContender, string>>;
  bytes: { avroValue: number; jsonValue: number; headers: number };
  schemaId: number;
}

interface Codec {
  encode(payload: unknown): Buffer | Promise<Buffer>;
  decode(value: Buffer): unknown;
}

const LOGICAL_TYPES = { decimal: DecimalType, 'timestamp-millis': TimestampMillisType, uuid: UuidType };

/**
 * Measures encode and decode throughput of one event type for the SDK and each baseline.
 * Rounds are interleaved (every contender once per round) so that a slow phase of a busy
 * machine hits all of them alike. Registry lookups happen in the warm-up, so every timed
 * call finds its schema in the library's cache.
 */
export async function runSerde(cluster: ClusterAddress, params: SerdeParams): Promise<SerdeResult & { memory: unknown }> {
  const memory = new MemorySampler();
  memory.start();
  const payloads = orderPayloads();
  const { codecs, unavailable, schemaId, sdk } = await createCodecs(cluster, params.topicPrefix);
  const encoded = new Map<SerdeContender, Buffer[]>();
  for (const [name, codec] of codecs) {
    // Warm-up: fills registry caches and lets the JIT compile every path before timing.
    const values: Buffer[] = [];
    for (const payload of payloads) values.push(await codec.encode(payload));
    for (const value of values) await codec.decode(value);
    encoded.set(name, values);
  }

  const result: SerdeResult = {
    encode: {},
    decode: {},
    sdkEncodeBody: [],
    unavailable,
    bytes: measureBytes(payloads, encoded.get('avsc') ?? []),
    schemaId,
  };
  const report = progressReporter(params.rounds, 'rounds');
  for (let round = 0; round < params.rounds; round++) {
    report(round, `round ${round + 1}/${params.rounds}`);
    for (const [name, codec] of codecs) {
      collectGarbage();
      (result.encode[name] ??= []).push(await timeEncode(codec, payloads, params.eventsPerRound));
      collectGarbage();
      (result.decode[name] ??= []).push(await timeDecode(codec, encoded.get(name) ?? [], params.eventsPerRound));
      memory.sample();
    }
    collectGarbage();
    result.sdkEncodeBody.push(timeSync(payloads, params.eventsPerRound, (payload) => sdk.encodeBody(EVENT_TYPE, payload)));
  }
  report(params.rounds);
  return { ...result, memory: memory.stop() };
}

/** Parameters of a profiled run of the SDK's encode or decode path alone. */
export interface SerdeProfileParams {
  direction: 'encode' | 'decode';
  events: number;
  topicPrefix: string;
}

/** Runs only the SDK's encode or decode loop, so a CPU profile of the worker shows its costs. */
export async function runSerdeProfile(cluster: ClusterAddress, params: SerdeProfileParams): Promise<{ eventsPerSecond: number }> {
  const payloads = orderPayloads();
  const { codecs } = await createCodecs(cluster, params.topicPrefix, true);
  const sdk = codecs.get('sdk') as Codec;
  const values: Buffer[] = [];
  for (const payload of payloads) values.push(await sdk.encode(payload));
  for (const value of values) await sdk.decode(value);
  await startProfiling();
  const eventsPerSecond =
    params.direction === 'encode' ? await timeEncode(sdk, payloads, params.events) : await timeDecode(sdk, values, params.events);
  await stopProfiling();
  return { eventsPerSecond };
}

async function createCodecs(
  cluster: ClusterAddress,
  topicPrefix: string,
  sdkOnly = false,
): Promise<{ codecs: Map<SerdeContender, Codec>; unavailable: Partial<Record<SerdeContender, string>>; schemaId: number; sdk: EventSerde }> {
  const registry = new CachingSchemaRegistry(new HttpSchemaRegistry({ url: cluster.registryUrl }), silentLogger);
  const sdk = new EventSerde({ catalog, registry, topicPrefix });
  const schemaId = await sdk.schemaId(EVENT_TYPE);
  const plain = plainAvroType();
  const codecs = new Map<SerdeContender, Codec>();
  const unavailable: Partial<Record<SerdeContender, string>> = {};

  // The SDK's per-event path as `publish` and the consumer run it: one encode behind the
  // header, which validates the payload as it writes it (the walk for field paths runs only
  // for an invalid one); decoding without waiting once the writer schema is cached.
  codecs.set('sdk', {
    encode: (payload) => sdk.encodeFramed(EVENT_TYPE, schemaId, payload),
    decode: (value) => sdk.decodeCached(value) ?? sdk.decode(value),
  });
  if (sdkOnly) return { codecs, unavailable, schemaId, sdk };
  codecs.set('avsc', {
    encode: (payload) => plainAvroEncode(plain, schemaId, payload),
    decode: (value) => plainAvroDecode(plain, value),
  });

  const kafkajsRegistry = new KafkajsSchemaRegistry(
    { host: cluster.registryUrl },
    { [SchemaType.AVRO]: { logicalTypes: LOGICAL_TYPES, wrapUnions: 'auto' } as never },
  );
  codecs.set('kafkajs-registry', {
    encode: (payload) => kafkajsRegistry.encode(schemaId, payload),
    decode: (value) => kafkajsRegistry.decode(value),
  });

  try {
    codecs.set('confluent-registry', await confluentCodec(cluster, `${topicPrefix}${ORDER_CREATED.topic}`));
  } catch (error) {
    unavailable['confluent-registry'] = (error as Error).message;
  }

  codecs.set('json', {
    encode: (payload) => Buffer.from(JSON.stringify(payload)),
    decode: (value) => JSON.parse(value.toString('utf8')),
  });
  return { codecs, unavailable, schemaId, sdk };
}

// @confluentinc/schemaregistry is not a workspace dependency: its Azure key-vault
// dependencies declare Node.js 22, and the workspace installs with engine-strict. It is
// installed with npm (which only warns about engines) into the stack cache on first use;
// where that fails, the page reports it and the other contenders still run.
const CONFLUENT_REGISTRY = `@confluentinc/schemaregistry@${CONFLUENT_REGISTRY_VERSION}`;

// Only the members used below; the package's own types are not installed in the workspace.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped on purpose, see above
type ConfluentRegistryModule = Record<string, any>;

async function loadConfluentRegistry(): Promise<ConfluentRegistryModule> {
  const prefix = confluentRegistryPrefix();
  const entry = join(prefix, 'node_modules', '@confluentinc', 'schemaregistry');
  if (!existsSync(join(entry, 'package.json'))) {
    process.stderr.write(`bench: installing ${CONFLUENT_REGISTRY} into ${prefix} (first run only)\n`);
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', prefix, CONFLUENT_REGISTRY], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return createRequire(join(prefix, 'noop.js'))('@confluentinc/schemaregistry') as ConfluentRegistryModule;
}

async function confluentCodec(cluster: ClusterAddress, topic: string): Promise<Codec> {
  const confluent = await loadConfluentRegistry();
  const client = new confluent.SchemaRegistryClient({ baseURLs: [cluster.registryUrl] });
  // The serializer looks its schema up under TopicNameStrategy (`<topic>-value`), as
  // configured below, so the schema is registered there first.
  await client.register(`${topic}-value`, { schemaType: 'AVRO', schema: ORDER_CREATED.schema }, false);
  const options = {
    subjectNameStrategyType: confluent.SubjectNameStrategyType.TOPIC,
    logicalTypes: LOGICAL_TYPES,
    wrapUnions: 'auto',
  } as const;
  const serializer = new confluent.AvroSerializer(client, confluent.SerdeType.VALUE, {
    ...options,
    useLatestVersion: true,
    autoRegisterSchemas: false,
  } as never);
  const deserializer = new confluent.AvroDeserializer(client, confluent.SerdeType.VALUE, options as never);
  return {
    encode: (payload) => serializer.serialize(topic, payload),
    decode: (value) => deserializer.deserialize(topic, value),
  };
}

async function timeEncode(codec: Codec, payloads: unknown[], count: number): Promise<number> {
  let sink = 0;
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    sink += (await codec.encode(payloads[index % payloads.length])).length;
  }
  return perSecond(count, started, sink);
}

async function timeDecode(codec: Codec, values: Buffer[], count: number): Promise<number> {
  let sink = 0;
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    if (await codec.decode(values[index % values.length] as Buffer)) sink++;
  }
  return perSecond(count, started, sink);
}

function timeSync(payloads: unknown[], count: number, encode: (payload: unknown) => Buffer): number {
  let sink = 0;
  const started = performance.now();
  for (let index = 0; index < count; index++) sink += encode(payloads[index % payloads.length]).length;
  return perSecond(count, started, sink);
}

// `sink` keeps the results alive, so the JIT cannot drop the work being timed.
function perSecond(count: number, started: number, sink: number): number {
  const seconds = (performance.now() - started) / 1000;
  if (sink < 0) throw new Error('unreachable');
  return count / seconds;
}

function measureBytes(payloads: unknown[], avroValues: Buffer[]): SerdeResult['bytes'] {
  let avroValue = 0;
  let jsonValue = 0;
  let headers = 0;
  for (const [index, payload] of payloads.entries()) {
    avroValue += avroValues[index]?.length ?? 0;
    jsonValue += Buffer.byteLength(JSON.stringify(payload));
    const key = (payload as { orderId: string }).orderId;
    for (const [name, value] of Object.entries(cloudEventHeaders(key, 'application/avro'))) {
      headers += Buffer.byteLength(name) + Buffer.byteLength(value);
    }
  }
  return { avroValue: avroValue / payloads.length, jsonValue: jsonValue / payloads.length, headers: headers / payloads.length };
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
