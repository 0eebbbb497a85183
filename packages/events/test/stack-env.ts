/**
 * Returns the broker and registry addresses of the integration tests. They come from
 * scripts/stack.sh, which the test command runs; a missing variable fails the suite with
 * the way to fix it instead of skipping it.
 */
export function stackEnv(): { REDPANDA_BROKERS: string; SCHEMA_REGISTRY_URL: string } {
  const brokers = process.env.REDPANDA_BROKERS;
  const registry = process.env.SCHEMA_REGISTRY_URL;
  if (!brokers || !registry) {
    throw new Error(
      'Integration tests need REDPANDA_BROKERS and SCHEMA_REGISTRY_URL. Run `corepack pnpm test`, which starts ' +
        'the local Kafka and registry, or `eval "$(scripts/stack.sh env)"` after `scripts/stack.sh up`.',
    );
  }
  return { REDPANDA_BROKERS: brokers, SCHEMA_REGISTRY_URL: registry };
}
