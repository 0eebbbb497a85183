import { Agent } from 'node:https';

import * as apiModule from '@kafkajs/confluent-schema-registry/dist/api/index.js';
import type { SchemaRegistryAPIClient, SchemaRegistryAPIClientArgs } from '@kafkajs/confluent-schema-registry/dist/api/index.js';

import { canonicalText, normalizeSchema } from '@caddy/events-schema';
import type { JsonObject } from '@caddy/events-schema';

import { ConnectionError, RegistryError } from '../errors.js';
import { withTimeout } from '../retry.js';
import type { SchemaRegistry } from './types.js';

/** Options of the HTTP client for a Confluent-compatible schema registry. */
export interface HttpSchemaRegistryOptions {
  /** Base URL, for example `http://127.0.0.1:8081` or an Apicurio `.../apis/ccompat/v7`. */
  url: string;
  /** Basic-auth credentials, when the registry requires them. */
  auth?: { username: string; password: string };
  /** Time after which a request counts as failed, in milliseconds. Default 10000. */
  timeoutMs?: number;
  /** PEM certificates of the CAs to trust for an https URL, in place of Node's bundled CAs. */
  ca?: string;
}

type ApiFactory = (args: SchemaRegistryAPIClientArgs) => SchemaRegistryAPIClient;
type ApiClient = SchemaRegistryAPIClient;

// The route table is a CommonJS module whose function is `exports.default`; depending on
// how the importing module was compiled, the default import is that function or the
// exports object that contains it.
const loaded = apiModule as unknown as { default: ApiFactory | { default: ApiFactory } };
const createApiClient: ApiFactory = typeof loaded.default === 'function' ? loaded.default : loaded.default.default;

interface ResponseLike {
  data<T>(): T;
  status(): number;
}

/**
 * Talks to a Confluent-compatible registry through the REST routes of
 * `@kafkajs/confluent-schema-registry`. It calls only the register, lookup and schema-by-id
 * routes: that library's high-level `register` reads and sets the subject's compatibility
 * level, which the runtime must never do, because teams often lack that permission and
 * registries differ in what they report for an unset level.
 */
export class HttpSchemaRegistry implements SchemaRegistry {
  private readonly api: ApiClient;

  constructor(private readonly options: HttpSchemaRegistryOptions) {
    this.api = createApiClient({
      host: options.url.replace(/\/+$/, ''),
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.ca ? { agent: new Agent({ ca: options.ca, keepAlive: true }) } : {}),
      // The library's own retry is off: it retries 5xx responses only, and CachingSchemaRegistry
      // retries 408, 429 and 5xx with jittered backoff, so retries live in one place.
      retry: { retries: 0 },
    });
  }

  async register(subject: string, schema: string): Promise<number> {
    const response = await this.call(`register a schema under subject '${subject}'`, { subject }, () =>
      this.api.Subject.register({ subject, body: { schema } }),
    );
    return response.data<{ id: number }>().id;
  }

  async lookup(subject: string, schema: string): Promise<number | undefined> {
    try {
      const response = await this.call(`look up a schema under subject '${subject}'`, { subject }, () =>
        this.api.Subject.registered({ subject, body: { schema } }),
      );
      return response.data<{ id: number }>().id;
    } catch (error) {
      // 404 means the subject or the schema under it is not registered (40401, 40403), or a
      // registry that stored the text reformatted did not recognize it.
      if (error instanceof RegistryError && error.status === 404) return this.findByMeaning(subject, schema);
      throw error;
    }
  }

  // Some registries store a schema reformatted (Apicurio splits full names into name and
  // namespace) and compare lookups by text, so the versions of the subject are compared by
  // their normalized form instead, newest first.
  private async findByMeaning(subject: string, schema: string): Promise<number | undefined> {
    const wanted = normalizedText(schema);
    if (wanted === undefined) return undefined;
    let latest: { version: number; id: number; schema: string };
    try {
      const response = await this.call(`read the latest version of '${subject}'`, { subject }, () =>
        this.api.Subject.latestVersion({ subject }),
      );
      latest = response.data<{ version: number; id: number; schema: string }>();
    } catch (error) {
      if (error instanceof RegistryError && error.status === 404) return undefined;
      throw error;
    }
    if (normalizedText(latest.schema) === wanted) return latest.id;
    for (let version = latest.version - 1; version >= 1; version--) {
      try {
        const response = await this.call(`read version ${version} of '${subject}'`, { subject }, () =>
          this.api.Subject.version({ subject, version }),
        );
        const entry = response.data<{ id: number; schema: string }>();
        if (normalizedText(entry.schema) === wanted) return entry.id;
      } catch (error) {
        // A deleted version returns 404, and the others are still worth comparing.
        if (!(error instanceof RegistryError && error.status === 404)) throw error;
      }
    }
    return undefined;
  }

  async getSchema(id: number): Promise<string> {
    try {
      const response = await this.call(`fetch schema id ${id}`, { schemaId: id }, () => this.api.Schema.find({ id }));
      return response.data<{ schema: string }>().schema;
    } catch (error) {
      if (error instanceof RegistryError && error.status === 404) {
        throw new RegistryError('SCHEMA_NOT_FOUND', `Schema id ${id} is not registered in ${this.options.url}.`, {
          schemaId: id,
          cause: error,
        });
      }
      throw error;
    }
  }

  async ping(): Promise<void> {
    await this.call('list subjects', {}, () => this.api.Subject.all({}));
  }

  private async call(
    action: string,
    context: { subject?: string; schemaId?: number },
    request: () => Promise<ResponseLike>,
  ): Promise<ResponseLike> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const timedOut = () =>
      new ConnectionError(
        `Schema registry at ${this.options.url} timed out after ${timeoutMs} ms (${action}). ` +
          'Check SCHEMA_REGISTRY_URL and that the registry is running.',
        context,
      );
    try {
      return await withTimeout(request(), timeoutMs, timedOut);
    } catch (error) {
      throw toRegistryError(error, action, this.options.url, context);
    }
  }
}

// mappersmith rejects with its ResponseError for HTTP errors and with the raw response
// (status 400, "Network error" style data) when the connection itself failed.
function normalizedText(schema: string): string | undefined {
  try {
    return canonicalText(normalizeSchema(JSON.parse(schema) as JsonObject, 'registry', new Map()));
  } catch {
    // A schema that does not normalize (a non-record, another schema type) matches nothing.
    return undefined;
  }
}

// Node's TLS errors for a certificate that does not verify, and OpenSSL's for a peer that
// does not speak TLS (an https:// URL on a plain http port).
const TLS_FAILURE = /certificate|self[- ]signed|ERR_TLS_|wrong version number|SSL routines/i;

function toRegistryError(error: unknown, action: string, url: string, context: { subject?: string; schemaId?: number }): Error {
  if (error instanceof ConnectionError) return error;
  const status = (error as { status?: number }).status;
  const message = (error as { message?: string }).message ?? String(error);
  if (status === 401 || status === 403) {
    // The body is left out: proxies respond with an HTML page that says no more than the status.
    const problem = status === 401 ? 'missing or wrong credentials' : 'the user lacks permission';
    return new RegistryError(
      'REGISTRY_FAILED',
      `Schema registry at ${url} rejected the request to ${action} with HTTP ${status} (${problem}). ` +
        'Check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD.',
      { ...context, status, cause: error },
    );
  }
  if (TLS_FAILURE.test(message)) {
    return new ConnectionError(
      `TLS to the schema registry at ${url} failed to ${action}: ${message}. Trust the registry's CA with ` +
        'SCHEMA_REGISTRY_TLS_CA_FILE (or NODE_EXTRA_CA_CERTS), and check the scheme and port of SCHEMA_REGISTRY_URL.',
      { ...context, cause: error },
    );
  }
  if (status === undefined || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|socket hang up|Network/i.test(message)) {
    return new ConnectionError(
      `Could not reach the schema registry at ${url} to ${action}: ${message}. Check SCHEMA_REGISTRY_URL and that the registry is running.`,
      { ...context, cause: error },
    );
  }
  return new RegistryError(
    'REGISTRY_FAILED',
    `Schema registry at ${url} failed to ${action}: HTTP ${status}: ${message}`,
    { ...context, status, cause: error },
    status === 408 || status === 429 || status >= 500,
  );
}
