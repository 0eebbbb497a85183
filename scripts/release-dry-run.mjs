#!/usr/bin/env node
// Release dry run: shows what `changeset version` followed by `changeset publish` would
// publish, and publishes nothing. It builds the packages and copies the workspace to a
// temporary folder, where `changeset version` applies the pending changesets, so the
// repository itself is not changed. Then it packs every package with `pnpm pack` and prints
// each tarball with its version, size, files and runtime dependencies.
//
// Usage: node scripts/release-dry-run.mjs [--no-build] [--keep]
//   --no-build  pack the current dist/ folders without building first
//   --keep      keep the temporary folder with the tarballs and print its path

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

import {
  copyWorkspace,
  createLog,
  formatDependencies,
  formatSize,
  packAll,
  pnpm,
  publishablePackages,
  repoRoot,
  withTempDir,
} from './smoke/lib.mjs';

const log = createLog('release-dry-run');

function pendingChangesets() {
  return readdirSync(join(repoRoot, '.changeset')).filter(
    (name) => name.endsWith('.md') && name !== 'README.md',
  );
}

// The section that `changeset version` added at the top of a package's CHANGELOG.md.
function newestChangelogSection(changelogPath) {
  if (!existsSync(changelogPath)) return undefined;
  const sections = readFileSync(changelogPath, 'utf8').split(/^(?=## )/m);
  return sections[1]?.trim();
}

function printPackage(pkg) {
  log(
    `${pkg.name}@${pkg.version}: ${formatSize(pkg.packedBytes)} packed, ${formatSize(pkg.unpackedBytes)} unpacked`,
  );
  log(`  tarball: ${pkg.tarball}`);
  log(`  runtime dependencies: ${formatDependencies(pkg.manifest)}`);
  log(`  files (${pkg.files.length}): ${pkg.files.join(', ')}`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      'no-build': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  if (!values['no-build']) {
    log('building the packages');
    pnpm(['run', 'build'], { cwd: repoRoot });
  }

  await withTempDir('caddy-events-release-', { keep: values.keep, log }, async (dir) => {
    const workspace = join(dir, 'workspace');
    copyWorkspace(workspace, { withPackFiles: true });

    const pending = pendingChangesets();
    if (pending.length === 0) {
      log('no pending changesets: packing the current versions');
    } else {
      log(`applying ${pending.length} pending changeset(s) to a copy: ${pending.join(', ')}`);
      pnpm(['changeset', 'version'], { cwd: workspace });
      for (const { dir: packageDir, manifest } of publishablePackages()) {
        const section = newestChangelogSection(
          join(workspace, relative(repoRoot, packageDir), 'CHANGELOG.md'),
        );
        if (section) log(`changelog of ${manifest.name}:\n${section.replace(/^/gm, '    ')}`);
      }
    }

    // TODO: print the schema history entries that the release adds for each changed schema.
    // `changeset version` does not write history entries yet, so there is nothing to show.

    const packages = packAll(workspace, join(dir, 'tarballs'));
    for (const pkg of packages) printPackage(pkg);
    log(`packed ${packages.length} packages; nothing was published`);
  });
}

main().catch((error) => {
  process.stderr.write(
    `release-dry-run: FAILED: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
