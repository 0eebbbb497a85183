import { homedir } from 'node:os';
import { join } from 'node:path';

/** Returns the download cache of scripts/stack.sh, which the benchmark shares for its own tools. */
export function stackCache(): string {
  if (process.env.CADDY_STACK_CACHE) return process.env.CADDY_STACK_CACHE;
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'caddy-events', 'stack');
}

/** The @confluentinc/schemaregistry version the serde part measures. */
export const CONFLUENT_REGISTRY_VERSION = '1.10.1';

/**
 * Returns the npm prefix that @confluentinc/schemaregistry is installed into, in the stack
 * cache rather than the workspace (serde-bench.ts explains why).
 */
export function confluentRegistryPrefix(): string {
  return join(stackCache(), `bench-confluent-schemaregistry-${CONFLUENT_REGISTRY_VERSION}`);
}
