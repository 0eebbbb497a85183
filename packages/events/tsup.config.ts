import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/testing.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  // Shared chunks in both formats, so `@caddy/events/testing` re-exports the very classes of
  // `@caddy/events` and `instanceof` works across the two entry points. Without this option
  // tsup splits only the ESM output.
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
