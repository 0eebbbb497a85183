import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import type { CommandIo } from '../main.js';

const HELP = `Usage: caddy-events codegen [--schemas <dir>] [--package <dir>] [--check]

Generates the SDK's TypeScript types, catalog, typed client and round-trip test from the
Avro schemas.

Options:
  --schemas <dir>   directory of .avsc files (default: schemas)
  --package <dir>   events package to write into (default: packages/events)
  --check           write nothing; exit 1 when a generated file is stale
`;

/** Runs `caddy-events codegen`: generates sources, or with `--check` reports stale ones. */
export async function runCodegen(argv: string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        schemas: { type: 'string', default: 'schemas' },
        package: { type: 'string', default: 'packages/events' },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr(`caddy-events codegen: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  // Loaded here, not at the top, because the generator imports the runtime package with
  // kafkajs, and `check` and `register` must run without them.
  const { findStale, generate, writeGenerated } = await import('@caddy/events-codegen');
  const schemasDir = resolve(io.cwd, values.schemas);
  const packageDir = resolve(io.cwd, values.package);
  let files;
  try {
    files = await generate({ schemasDir, packageDir, rootDir: io.cwd });
  } catch (error) {
    io.stderr(`caddy-events codegen: ${(error as Error).message}\n`);
    return 2;
  }
  if (values.check) {
    const stale = await findStale(files);
    if (stale.length === 0) {
      io.stdout(`Generated files are up to date (${files.length} files).\n`);
      return 0;
    }
    io.stderr(`Generated files are stale; run 'corepack pnpm codegen' and commit the result:\n`);
    for (const path of stale) io.stderr(`  ${path}\n`);
    return 1;
  }
  await writeGenerated(files);
  io.stdout(`Generated ${files.length} files from ${schemasDir}.\n`);
  return 0;
}
