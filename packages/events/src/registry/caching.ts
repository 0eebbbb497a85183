import { RegistryError } from '../errors.js';
import type { Logger } from '../logger.js';
import { LoadingCache } from '../cache.js';
import { isRetriable, jitteredBackoff, sleep } from '../retry.js';
import type { SchemaRegistry } from './types.js';

/** Retry and cache settings of `CachingSchemaRegistry`. */
export interface CachingOptions {
  /** Tries of a request in all, the first included. Default 4. */
  maxAttempts?: number;
  /** Upper bound of the first backoff, in milliseconds; it doubles per attempt. Default 100. */
  initialBackoffMs?: number;
  /** Upper bound of any backoff, in milliseconds. Default 2000. */
  maxBackoffMs?: number;
  /** Time a "schema id not found" response is remembered, in milliseconds. Default 10000. */
  notFoundTtlMs?: number;
}

/**
 * Wraps a registry with caches in both directions (schema text to id per subject, id to
 * schema text), one request for concurrent misses of the same key, a short cache of "not
 * found" responses, and retries with jittered backoff of transient failures: HTTP 408, 429 and
 * 5xx, and connection failures. Other responses (404, 409, 422) are final. Once an id is
 * cached, events of that schema flow without the registry.
 */
export class CachingSchemaRegistry implements SchemaRegistry {
  private readonly ids = new LoadingCache<string, number>();
  private readonly schemas = new LoadingCache<number, string>();
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
    return this.ids.get(idKey(subject, schema), () => this.withRetries(() => this.inner.register(subject, schema), { subject }));
  }

  async lookup(subject: string, schema: string): Promise<number | undefined> {
    const key = idKey(subject, schema);
    const registered = this.ids.find(key);
    if (registered) return registered;
    const id = await this.withRetries(() => this.inner.lookup(subject, schema), { subject });
    if (id !== undefined) this.ids.set(key, id);
    return id;
  }

  getSchema(id: number): Promise<string> {
    const remembered = this.notFound.get(id);
    if (remembered && remembered.until > Date.now()) return Promise.reject(remembered.error);
    return this.schemas.get(id, async () => {
      try {
        return await this.withRetries(() => this.inner.getSchema(id), { schemaId: id });
      } catch (error) {
        if (error instanceof RegistryError && error.code === 'SCHEMA_NOT_FOUND') {
          this.notFound.set(id, { error, until: Date.now() + this.options.notFoundTtlMs });
        }
        throw error;
      }
    });
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }


  private async withRetries<T>(request: () => Promise<T>, context: { subject?: string; schemaId?: number }): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (!isRetriable(error) || attempt >= this.options.maxAttempts) throw error;
        const delayMs = jitteredBackoff(attempt, this.options.initialBackoffMs, this.options.maxBackoffMs);
        const status = (error as RegistryError).status;
        this.logger.warn({ ...context, attempt, delayMs, status, code: (error as RegistryError).code }, 'retrying schema registry request');
        await sleep(delayMs);
      }
    }
  }
}

// Registered ids are cached per subject and exact schema text.
function idKey(subject: string, schema: string): string {
  return `${subject}\u0000${schema}`;
}
