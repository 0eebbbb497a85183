import { ConnectionError, RegistryError } from '../errors.js';
import type { Logger } from '../logger.js';
import { jitteredBackoff, sleep } from '../retry.js';
import type { SchemaRegistry } from './types.js';

/** Retry and cache settings of `CachingSchemaRegistry`. */
export interface CachingOptions {
  /** Tries of a request in all, the first included. Default 4. */
  maxAttempts?: number;
  /** Upper bound of the first backoff, in milliseconds; it doubles per attempt. Default 100. */
  initialBackoffMs?: number;
  /** Upper bound of any backoff, in milliseconds. Default 2000. */
  maxBackoffMs?: number;
  /** Time a "schema id not found" answer is remembered, in milliseconds. Default 10000. */
  notFoundTtlMs?: number;
}

/**
 * Wraps a registry with caches in both directions (schema text to id per subject, id to
 * schema text), one request for concurrent misses of the same key, a short cache of "not
 * found" answers, and retries with jittered backoff of transient failures: HTTP 408, 429 and
 * 5xx, and connection failures. Other answers (404, 409, 422) are final. Once an id is
 * cached, events of that schema flow without the registry.
 */
export class CachingSchemaRegistry implements SchemaRegistry {
  private readonly ids = new Map<string, Promise<number>>();
  private readonly schemas = new Map<number, Promise<string>>();
  private readonly notFound = new Map<number, { error: unknown; until: number }>();
  private readonly options: Required<CachingOptions>;

  constructor(
    private readonly inner: SchemaRegistry,
    private readonly logger: Logger,
    options: CachingOptions = {},
  ) {
    this.options = { maxAttempts: 4, initialBackoffMs: 100, maxBackoffMs: 2_000, notFoundTtlMs: 10_000, ...options };
  }

  register(subject: string, schema: string): Promise<number> {
    return this.cachedId(`register\u0000${subject}\u0000${schema}`, () => this.inner.register(subject, schema), { subject });
  }

  async lookup(subject: string, schema: string): Promise<number | undefined> {
    const key = `register\u0000${subject}\u0000${schema}`;
    const registered = this.ids.get(key);
    if (registered) return registered;
    const id = await this.withRetries(() => this.inner.lookup(subject, schema), { subject });
    if (id !== undefined) this.ids.set(key, Promise.resolve(id));
    return id;
  }

  getSchema(id: number): Promise<string> {
    const remembered = this.notFound.get(id);
    if (remembered && remembered.until > Date.now()) return Promise.reject(remembered.error);
    let schema = this.schemas.get(id);
    if (!schema) {
      schema = this.withRetries(() => this.inner.getSchema(id), { schemaId: id });
      this.schemas.set(id, schema);
      schema.catch((error: unknown) => {
        this.schemas.delete(id);
        if (error instanceof RegistryError && error.code === 'SCHEMA_NOT_FOUND') {
          this.notFound.set(id, { error, until: Date.now() + this.options.notFoundTtlMs });
        }
      });
    }
    return schema;
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  private cachedId(key: string, request: () => Promise<number>, context: { subject: string }): Promise<number> {
    let id = this.ids.get(key);
    if (!id) {
      id = this.withRetries(request, context);
      this.ids.set(key, id);
      id.catch(() => this.ids.delete(key));
    }
    return id;
  }

  private async withRetries<T>(request: () => Promise<T>, context: { subject?: string; schemaId?: number }): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (!isTransient(error) || attempt >= this.options.maxAttempts) throw error;
        const delayMs = jitteredBackoff(attempt, this.options.initialBackoffMs, this.options.maxBackoffMs);
        const status = (error as RegistryError).status;
        this.logger.warn({ ...context, attempt, delayMs, status, code: (error as RegistryError).code }, 'retrying schema registry request');
        await sleep(delayMs);
      }
    }
  }
}

// Connection failures and HTTP 408, 429 and 5xx can pass; any other answer would repeat.
function isTransient(error: unknown): boolean {
  return error instanceof ConnectionError || (error instanceof RegistryError && error.retriable);
}
