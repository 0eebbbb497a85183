#!/usr/bin/env node
// Packaging smoke test, run by the test command after the unit tests:
//   1. build (unless --no-build) and `pnpm pack` every published package;
//   2. publint, Are the Types Wrong and a dependency check on every tarball;
//   3. a consumer project in a temporary folder installs the tarballs with plain npm,
//      compiles TypeScript against them (node16, bundler, node10 resolution), runs the
//      output as ESM and as CommonJS, and runs the installed `caddy-events`;
//   4. `changeset version` on throw-away copies of the workspace bumps the packages together
//      and records changed schemas in the copy's history; the release dry run prints those
//      history entries and leaves the history files as they were.
// Only the npm registry is contacted, for the packages' own dependencies. The temporary
// folder is removed at the end; --keep leaves it for a look.
//
// Usage: node scripts/smoke/run.mjs [--no-build] [--keep]

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { checkVersionBump } from './changesets.mjs';
import { checkReleaseDryRun } from './schema-release.mjs';
import { compileConsumer, installTarballs, runCli, runConsumer } from './consumer.mjs';
import {
  attwProblems,
  dependencyProblems,
  licenseProblems,
  publintProblems,
} from './package-checks.mjs';
import {
  createLog,
  formatDependencies,
  formatSize,
  packAll,
  pnpm,
  repoRoot,
  run,
  withTempDir,
} from './lib.mjs';

const log = createLog('smoke');

async function timed(label, body) {
  const started = performance.now();
  const result = await body();
  log(`${label} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function checkTarballs(packages, dir) {
  const failures = [];
  for (const pkg of packages) {
    const unpacked = join(dir, 'unpacked', pkg.name);
    mkdirSync(unpacked, { recursive: true });
    run('tar', ['-xzf', pkg.tarball, '-C', unpacked, '--strip-components=1']);
    const problems = [
      ...(await publintProblems(pkg.tarball)).map((text) => `publint: ${text}`),
      ...attwProblems(pkg.tarball).map((text) => `attw:\n${text}`),
      ...dependencyProblems(unpacked, pkg.manifest).map((text) => `dependencies: ${text}`),
      ...licenseProblems(unpacked).map((text) => `license: ${text}`),
    ];
    if (problems.length === 0) {
      log(
        `${pkg.name}: publint no messages, attw no problems, dependencies match the imports, ` +
          'LICENSE included',
      );
    } else {
      failures.push(`${pkg.name}:\n  ${problems.join('\n  ')}`);
    }
  }
  if (failures.length > 0) throw new Error(`Package checks failed:\n${failures.join('\n')}`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      'no-build': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const started = performance.now();

  if (!values['no-build']) await timed('build', () => pnpm(['run', 'build'], { cwd: repoRoot }));

  await withTempDir('caddy-events-smoke-', { keep: values.keep, log }, async (dir) => {
    log(`working in ${dir}`);
    const packages = await timed('pack', () => packAll(repoRoot, join(dir, 'tarballs')));
    for (const pkg of packages) {
      const size = `${formatSize(pkg.packedBytes)} packed, ${formatSize(pkg.unpackedBytes)} unpacked`;
      log(`packed ${pkg.name}@${pkg.version}: ${size}, ${pkg.files.length} files`);
      log(`  runtime dependencies: ${formatDependencies(pkg.manifest)}`);
    }
    await timed('publint, attw and dependency checks', () => checkTarballs(packages, dir));

    const consumer = join(dir, 'consumer');
    mkdirSync(consumer);
    await timed('npm install of the tarballs', () => installTarballs(consumer, packages, log));
    await timed('TypeScript compile checks', () => compileConsumer(consumer, log));
    await timed('ESM and CommonJS runs', () => runConsumer(consumer, log));
    await timed('caddy-events binary', () => runCli(consumer, log));

    // The patch changeset names the CLI, which no package depends on, and the minor one the
    // SDK, which the schema package does not depend on. So only the `fixed` group, not the
    // bumps of dependents, can move all four packages to one version.
    await timed('changesets', () => {
      checkVersionBump(join(dir, 'changeset-patch'), {
        bump: 'patch',
        changedPackage: '@caddy/events-cli',
        log,
      });
      checkVersionBump(join(dir, 'changeset-minor'), {
        bump: 'minor',
        changedPackage: '@caddy/events',
        withSchemaChanges: true,
        log,
      });
    });
    await timed('release dry run', () => checkReleaseDryRun(join(dir, 'release-source'), { log }));
  });

  log(`all checks passed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error) => {
  process.stderr.write(
    `smoke: FAILED: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
