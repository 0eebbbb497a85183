import { describe, expect, it } from 'vitest';

import { CachingSchemaRegistry, ConnectionError, InMemorySchemaRegistry, RegistryError, silentLogger } from '../src/index.js';

/** The in-memory registry with failures queued per call and a count of calls. */
class FlakyRegistry extends InMemorySchemaRegistry {
  calls = 0;
  failures: unknown[] = [];
  down = false;

  private next(): void {
    this.calls += 1;
    if (this.down) throw new ConnectionError('Could not reach the schema registry.');
    const failure = this.failures.shift();
    if (failure) throw failure;
  }

  override async register(subject: string, schema: string): Promise<number> {
    this.next();
    return super.register(subject, schema);
  }

  override async getSchema(id: number): Promise<string> {
    this.next();
    return super.getSchema(id);
  }
}

const httpError = (status: number) =>
  new RegistryError('REGISTRY_FAILED', `HTTP ${status}`, { status }, status === 408 || status === 429 || status >= 500);
const fast = { initialBackoffMs: 1, maxBackoffMs: 2 };

describe('CachingSchemaRegistry', () => {
  it.each([408, 429, 500, 503])('retries HTTP %i', async (status) => {
    const inner = new FlakyRegistry();
    inner.failures.push(httpError(status), httpError(status));
    const registry = new CachingSchemaRegistry(inner, silentLogger, fast);
    await expect(registry.register('s', '"string"')).resolves.toBe(1);
    expect(inner.calls).toBe(3);
  });

  it.each([400, 401, 404, 409, 422])('does not retry HTTP %i', async (status) => {
    const inner = new FlakyRegistry();
    inner.failures.push(httpError(status));
    const registry = new CachingSchemaRegistry(inner, silentLogger, fast);
    await expect(registry.register('s', '"string"')).rejects.toThrow(`HTTP ${status}`);
    expect(inner.calls).toBe(1);
  });

  it('gives up after the last attempt', async () => {
    const inner = new FlakyRegistry();
    inner.down = true;
    const registry = new CachingSchemaRegistry(inner, silentLogger, { ...fast, maxAttempts: 3 });
    await expect(registry.getSchema(1)).rejects.toThrow(ConnectionError);
    expect(inner.calls).toBe(3);
  });

  it('makes one request for concurrent misses of one id', async () => {
    const inner = new FlakyRegistry();
    const id = await inner.register('s', '"string"');
    inner.calls = 0;
    const registry = new CachingSchemaRegistry(inner, silentLogger, fast);
    const schemas = await Promise.all(Array.from({ length: 20 }, () => registry.getSchema(id)));
    expect(new Set(schemas)).toEqual(new Set(['"string"']));
    expect(inner.calls).toBe(1);
  });

  it('remembers a missing id briefly', async () => {
    const inner = new FlakyRegistry();
    const registry = new CachingSchemaRegistry(inner, silentLogger, { ...fast, notFoundTtlMs: 50 });
    await expect(registry.getSchema(9)).rejects.toMatchObject({ code: 'SCHEMA_NOT_FOUND' });
    await expect(registry.getSchema(9)).rejects.toMatchObject({ code: 'SCHEMA_NOT_FOUND' });
    expect(inner.calls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await expect(registry.getSchema(9)).rejects.toMatchObject({ code: 'SCHEMA_NOT_FOUND' });
    expect(inner.calls).toBe(2);
  });

  it('serves cached ids and schemas while the registry is down', async () => {
    const inner = new FlakyRegistry();
    const registry = new CachingSchemaRegistry(inner, silentLogger, fast);
    const id = await registry.register('s', '"string"');
    await registry.getSchema(id);
    inner.down = true;
    await expect(registry.register('s', '"string"')).resolves.toBe(id);
    await expect(registry.lookup('s', '"string"')).resolves.toBe(id);
    await expect(registry.getSchema(id)).resolves.toBe('"string"');
  });
});
