import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing running, `integration` needs the local Kafka
// and schema registry that scripts/stack.sh starts (or REDPANDA_BROKERS and
// SCHEMA_REGISTRY_URL pointing at another cluster).
export default defineConfig({
  test: {
    setupFiles: ['./vitest.setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.integration.test.ts', 'examples/*/test/**/*.integration.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
