#!/usr/bin/env node
// Release dry run: shows what `changeset version` followed by `changeset publish` would
// publish, and publishes nothing. It builds the packages and copies the workspace to a
// temporary folder, where `corepack pnpm changeset version` applies the pending changesets
// and records the release's schemas in the copy's schemas/history.json, so the repository
// itself is not changed. It prints the history entries the release adds, then packs every
// package with `pnpm pack` and prints each tarball with its version, size, files and
// runtime dependencies.
//
// Usage: node scripts/release-dry-run.mjs [--no-build] [--keep] [--workspace <dir>]
//   --no-build          pack the current dist/ folders without building first
//   --keep              keep the temporary folder with the tarballs and print its path
//   --workspace <dir>   release this copy of the workspace instead of the repository (the
//                       smoke test passes one with a schema change and a changeset)

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import {
  entryCount,
  formatAddition,
  HISTORY_FILE,
  loadSchemaPackage,
} from './schema-history.mjs';

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

function pendingChangesets(source) {
  return readdirSync(join(source, '.changeset')).filter(
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

// The entries that `changeset version` added to the copy's history, compared with the
// history of the workspace the copy was made from.
async function printHistoryEntries(source, workspace) {
  const schema = await loadSchemaPackage();
  const read = (root) => schema.readSchemaHistory(join(root, HISTORY_FILE), { allowMissing: true });
  const additions = schema.historyAdditions(await read(source), await read(workspace));
  if (additions.length === 0) {
    log(`schema history: the schemas equal their latest releases; ${HISTORY_FILE} gets no entries`);
    return;
  }
  log(`schema history: the release adds ${entryCount(additions.length)} to ${HISTORY_FILE}:`);
  for (const addition of additions) log(`  ${formatAddition(addition)}`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      'no-build': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      workspace: { type: 'string' },
    },
  });
  const source = values.workspace === undefined ? repoRoot : resolve(values.workspace);
  if (!values['no-build']) {
    log('building the packages');
    pnpm(['run', 'build'], { cwd: repoRoot });
  }
  const historyBefore = readFileSync(join(source, HISTORY_FILE), 'utf8');

  await withTempDir('caddy-events-release-', { keep: values.keep, log }, async (dir) => {
    const workspace = join(dir, 'workspace');
    copyWorkspace(workspace, { source, withPackFiles: true });

    const pending = pendingChangesets(source);
    if (pending.length === 0) {
      log('no pending changesets: packing the current versions');
      log(`schema history: no release, so ${HISTORY_FILE} gets no entries`);
    } else {
      log(`applying ${pending.length} pending changeset(s) to a copy: ${pending.join(', ')}`);
      pnpm(['changeset', 'version'], { cwd: workspace });
      for (const { dir: packageDir, manifest } of publishablePackages(source)) {
        const section = newestChangelogSection(
          join(workspace, relative(source, packageDir), 'CHANGELOG.md'),
        );
        if (section) log(`changelog of ${manifest.name}:\n${section.replace(/^/gm, '    ')}`);
      }
      await printHistoryEntries(source, workspace);
    }

    const packages = packAll(workspace, join(dir, 'tarballs'));
    for (const pkg of packages) printPackage(pkg);
    log(`packed ${packages.length} packages; nothing was published`);
  });

  // The version step ran on the copy only; a change here would mean it wrote through a link.
  if (readFileSync(join(source, HISTORY_FILE), 'utf8') !== historyBefore) {
    throw new Error(`${join(source, HISTORY_FILE)} changed during the dry run.`);
  }
}

main().catch((error) => {
  process.stderr.write(
    `release-dry-run: FAILED: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
