/**
 * A cache of values loaded asynchronously. Concurrent misses for one key share one load, a
 * failed load is forgotten so the next call tries again, and a loaded value can be read
 * without waiting, which keeps the hot paths free of an await once a key is known.
 */
export class LoadingCache<K, V> {
  private readonly pending = new Map<K, Promise<V>>();
  private readonly loaded = new Map<K, V>();

  /** Returns the value of a key, calling `load` only when no load of it succeeded or is running. */
  get(key: K, load: (key: K) => Promise<V>): Promise<V> {
    let value = this.pending.get(key);
    if (!value) {
      value = load(key);
      this.pending.set(key, value);
      value.then(
        (result) => this.loaded.set(key, result),
        () => this.pending.delete(key),
      );
    }
    return value;
  }

  /** Returns the running or finished load of a key, or undefined when there is none. */
  find(key: K): Promise<V> | undefined {
    return this.pending.get(key);
  }

  /** Returns the value of a key once its load succeeded, or undefined. */
  peek(key: K): V | undefined {
    return this.loaded.get(key);
  }

  /** Stores a value found another way. */
  set(key: K, value: V): void {
    this.pending.set(key, Promise.resolve(value));
    this.loaded.set(key, value);
  }
}
