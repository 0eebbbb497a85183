/**
 * Returns the schema registry URL of the integration tests, from SCHEMA_REGISTRY_URL as
 * scripts/stack.sh exports it. A missing variable fails the suite instead of skipping it.
 */
export function registryUrl(): string {
  const url = process.env.SCHEMA_REGISTRY_URL;
  if (!url) {
    throw new Error(
      'Integration tests need SCHEMA_REGISTRY_URL. Run `corepack pnpm test`, which starts the ' +
        'local registry, or `eval "$(scripts/stack.sh env)"` after `scripts/stack.sh up`.',
    );
  }
  return url.replace(/\/+$/, '');
}
