import { defineConfig } from 'tsup';

// Two builds, because the library and the binary need different outputs: the library is
// ESM and CommonJS with declarations, the `caddy-events` binary one ESM file. Each build
// cleans only its own files, since tsup runs the two at the same time.
export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: ['index.*', 'chunk-*'],
    target: 'node20',
  },
  {
    entry: ['src/bin.ts'],
    format: ['esm'],
    sourcemap: true,
    clean: ['bin.*'],
    target: 'node20',
  },
]);
