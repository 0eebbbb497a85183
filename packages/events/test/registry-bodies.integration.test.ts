import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { catalog, createEvents, HttpSchemaRegistry } from '../src/index.js';
import { payloads } from './fixtures/payloads.js';
import { registerDirectly, REGISTRY_CONTENT_TYPE } from './registry-rest.js';
import { stackEnv } from './stack-env.js';

// The SDK talks to the real registry through a forwarder on 127.0.0.1 that records every
// request it forwards. Some registries reject a body with `null` in an optional field, so
// no body may carry one.
//
// The request shape comes from the Schema Registry API reference of Redpanda
// (docs.redpanda.com/api/doc/schema-registry) for POST /subjects/{subject}/versions
// (register) and POST /subjects/{subject} (look up): a string `schema`, a `schemaType` that
// is AVRO when omitted, and an array `references`. Newer versions add `metadata`, which the
// SDK has no use for, so any field outside the first three fails the test.

const env = stackEnv();
const SCHEMA_BODY_FIELDS = ['schema', 'schemaType', 'references'];

interface RecordedRequest {
  method: string;
  path: string;
  body: string;
  status: number;
}

interface Recorder {
  /** The registry URL to hand to the SDK: the forwarder with the registry's base path. */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts an HTTP forwarder on 127.0.0.1 that sends each request on to `target` and records it. */
async function startRecorder(target: URL): Promise<Recorder> {
  if (target.protocol !== 'http:') throw new Error(`The recording forwarder supports http:// registries only, but SCHEMA_REGISTRY_URL is ${target.href}.`);
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    void readBody(incoming).then((body) => {
      const recorded: RecordedRequest = { method: incoming.method ?? '', path: incoming.url ?? '', body, status: 0 };
      requests.push(recorded);
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: target.host },
        },
        (response) => {
          recorded.status = response.statusCode ?? 0;
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
      );
      upstream.on('error', (error) => {
        outgoing.writeHead(502).end(error.message);
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname.replace(/\/+$/, '')}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', reject);
  });
}

/** Returns the JSON paths of every `null` in a parsed JSON value, at any depth. */
function nullPaths(value: unknown, path = '$'): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => nullPaths(item, `${path}[${index}]`));
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => nullPaths(item, `${path}.${key}`));
  }
  return [];
}

/** Asserts the registry API's request shape and the absence of nulls on every recorded body. */
function expectCleanBodies(requests: RecordedRequest[]): void {
  for (const request of requests) {
    const label = `${request.method} ${request.path}`;
    if (request.method === 'GET') {
      expect(request.body, `${label} has no body`).toBe('');
      continue;
    }
    let body: unknown;
    expect(() => (body = JSON.parse(request.body)), `${label} body is JSON`).not.toThrow();
    expect(nullPaths(body), `${label} null values`).toEqual([]);
    const fields = body as Record<string, unknown>;
    if (!('schema' in fields)) continue;
    expect(typeof fields.schema, `${label} schema`).toBe('string');
    expect(fields.schemaType === undefined || fields.schemaType === 'AVRO', `${label} schemaType ${String(fields.schemaType)}`).toBe(true);
    if ('references' in fields) expect(Array.isArray(fields.references), `${label} references`).toBe(true);
    for (const name of Object.keys(fields)) expect(SCHEMA_BODY_FIELDS, `${label} field ${name}`).toContain(name);
  }
}

/** Fetches the id of the latest version of a subject directly from the registry. */
async function latestId(subject: string): Promise<number> {
  const response = await fetch(`${env.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(subject)}/versions/latest`);
  expect(response.status, `latest version of ${subject}`).toBe(200);
  return ((await response.json()) as { id: number }).id;
}

// The catalog's schema written the way Java's Schema.toString writes it: name and namespace
// apart, attributes in another order, indented.
function reformatted(schema: string): string {
  const json = JSON.parse(schema) as { name: string; [key: string]: unknown };
  const dot = json.name.lastIndexOf('.');
  const { name, type, fields, ...rest } = json;
  return JSON.stringify({ fields, ...rest, namespace: name.slice(0, dot), name: name.slice(dot + 1), type }, null, 2);
}

// The schema with the keys of every JSON object in reverse order. Apicurio 3.3 compares
// lookups by a canonical form that keeps the order of attributes such as `logicalType`,
// `precision` and `scale`, so it does not recognize this text as the catalog's.
function reversedKeys(schema: string): string {
  const reverse = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(reverse);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reverse(item)]));
  };
  return JSON.stringify(reverse(JSON.parse(schema)), null, 2);
}

/** Looks up a schema text directly through the registry's REST API and returns the HTTP status. */
async function lookupStatus(subject: string, schema: string): Promise<number> {
  const response = await fetch(`${env.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(subject)}`, {
    method: 'POST',
    headers: { 'content-type': REGISTRY_CONTENT_TYPE },
    body: JSON.stringify({ schema }),
  });
  await response.arrayBuffer();
  return response.status;
}

const subjectOf = (prefix: string, type: keyof typeof catalog) => `${prefix}${catalog[type].topic}-${catalog[type].recordName}`;

let recorder: Recorder;

beforeAll(async () => {
  recorder = await startRecorder(new URL(env.SCHEMA_REGISTRY_URL));
});

afterAll(async () => {
  await recorder?.close();
});

describe('registry request bodies', () => {
  it('auto-register sends no null fields', async () => {
    recorder.requests.length = 0;
    const prefix = `it-bodies-${randomUUID().slice(0, 8)}.`;
    const events = createEvents({
      transport: 'kafka',
      env: { ...env, SCHEMA_REGISTRY_URL: recorder.url, EVENTS_TOPIC_PREFIX: prefix },
    });
    await events.createTopics({ numPartitions: 1 });
    const paid = await events.publishOrderPaid(payloads['order.paid']);
    const viewed = await events.publishProductViewed(payloads['product.viewed']);
    await events.close();

    const registrations = recorder.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/versions'));
    expect(registrations.map((request) => decodeURIComponent(request.path.split('/subjects/')[1] ?? ''))).toEqual(
      expect.arrayContaining([`${subjectOf(prefix, 'order.paid')}/versions`, `${subjectOf(prefix, 'product.viewed')}/versions`]),
    );
    expectCleanBodies(recorder.requests);
    expect(paid.schemaId).toBe(await latestId(subjectOf(prefix, 'order.paid')));
    expect(viewed.schemaId).toBe(await latestId(subjectOf(prefix, 'product.viewed')));
  });

  it('lookup-only sends no null fields', async () => {
    recorder.requests.length = 0;
    const prefix = `it-bodies-${randomUUID().slice(0, 8)}.`;
    const types = Object.keys(catalog) as Array<keyof typeof catalog>;
    for (const type of types) await registerDirectly(env.SCHEMA_REGISTRY_URL, subjectOf(prefix, type), reformatted(catalog[type].schema));
    const events = createEvents({
      transport: 'kafka',
      env: { ...env, SCHEMA_REGISTRY_URL: recorder.url, EVENTS_TOPIC_PREFIX: prefix, EVENTS_REGISTRY_MODE: 'lookup-only' },
    });
    await events.createTopics({ numPartitions: 1 });
    const paid = await events.publishOrderPaid(payloads['order.paid']);
    await events.close();

    const lookups = recorder.requests.filter((request) => request.method === 'POST' && !request.path.endsWith('/versions'));
    expect(lookups.length, 'one lookup per event type at connect').toBe(types.length);
    expect(recorder.requests.filter((request) => request.path.endsWith('/versions'))).toEqual([]);
    expectCleanBodies(recorder.requests);
    expect(paid.schemaId).toBe(await latestId(subjectOf(prefix, 'order.paid')));
  });

  it('lookups return the ids the registry assigned', async () => {
    const prefix = `it-bodies-${randomUUID().slice(0, 8)}.`;
    const types = Object.keys(catalog) as Array<keyof typeof catalog>;
    const assigned = new Map<string, number>();
    for (const type of types) assigned.set(type, await registerDirectly(env.SCHEMA_REGISTRY_URL, subjectOf(prefix, type), reformatted(catalog[type].schema)));
    recorder.requests.length = 0;
    const registry = new HttpSchemaRegistry({ url: recorder.url });

    for (const type of types) {
      const subject = subjectOf(prefix, type);
      const found = await registry.lookup(subject, catalog[type].schema);
      expect(found, subject).toBe(assigned.get(type));
      expect(found, subject).toBe(await latestId(subject));
    }
    expectCleanBodies(recorder.requests);
  });

  it('finds schemas the registry compares as other text', async () => {
    const prefix = `it-bodies-${randomUUID().slice(0, 8)}.`;
    const types = Object.keys(catalog) as Array<keyof typeof catalog>;
    const assigned = new Map<string, number>();
    for (const type of types) assigned.set(type, await registerDirectly(env.SCHEMA_REGISTRY_URL, subjectOf(prefix, type), reversedKeys(catalog[type].schema)));
    const paidSubject = subjectOf(prefix, 'order.paid');
    expect(await lookupStatus(paidSubject, catalog['order.paid'].schema), 'the registry itself does not match the catalog text').toBe(404);
    recorder.requests.length = 0;

    const registry = new HttpSchemaRegistry({ url: recorder.url });
    for (const type of types) {
      expect(await registry.lookup(subjectOf(prefix, type), catalog[type].schema), subjectOf(prefix, type)).toBe(assigned.get(type));
    }
    const events = createEvents({
      transport: 'kafka',
      env: { ...env, SCHEMA_REGISTRY_URL: recorder.url, EVENTS_TOPIC_PREFIX: prefix, EVENTS_REGISTRY_MODE: 'lookup-only' },
    });
    await events.createTopics({ numPartitions: 1 });
    const paid = await events.publishOrderPaid(payloads['order.paid']);
    await events.close();

    expect(paid.schemaId).toBe(assigned.get('order.paid'));
    expect(paid.schemaId).toBe(await latestId(paidSubject));
    expectCleanBodies(recorder.requests);
  });
});
