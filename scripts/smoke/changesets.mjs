// Checks the changesets setup on a throw-away copy of the workspace: `changeset version`
// with one changeset for one package bumps all four published packages together (they are
// one `fixed` group), writes their changelogs, leaves the ignored demo alone, and records
// the changed schemas (and only those) in the copy's schemas/history.json.

import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { copyWorkspace, pnpm, publishablePackages, repoRoot } from './lib.mjs';
import { changeSchemas, checkHistoryEntries } from './schema-release.mjs';

// Computes the version that a bump of the given type releases.
function bumped(version, bump) {
  const [major, minor, patch] = version.split('.').map(Number);
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

function readManifest(root, dir) {
  return JSON.parse(readFileSync(join(root, relative(repoRoot, dir), 'package.json'), 'utf8'));
}

/**
 * Applies one changeset of `bump` for `changedPackage` with `changeset version` in a copy
 * of the workspace at `dir`, and throws unless every published package went from its
 * current version to the bumped one with a changelog entry for it. With `withSchemaChanges`
 * the copy's schemas change first, and the history must gain exactly their entries for the
 * new version; without, the history must stay as it is.
 */
export function checkVersionBump(dir, { bump, changedPackage, withSchemaChanges = false, log }) {
  mkdirSync(dir, { recursive: true });
  copyWorkspace(dir);
  // Changesets waiting in the repository are removed from the copy, so that the one below
  // alone decides the bump.
  for (const name of readdirSync(join(dir, '.changeset'))) {
    if (name.endsWith('.md') && name !== 'README.md') rmSync(join(dir, '.changeset', name));
  }
  const summary = `Smoke test ${bump} change.`;
  writeFileSync(
    join(dir, '.changeset', 'smoke-test.md'),
    `---\n'${changedPackage}': ${bump}\n---\n\n${summary}\n`,
  );

  const expectedEntries = withSchemaChanges ? changeSchemas(dir) : [];

  pnpm(['changeset', 'version'], { cwd: dir });

  const packages = publishablePackages();
  const versions = new Set();
  for (const { dir: packageDir, manifest } of packages) {
    const next = readManifest(dir, packageDir).version;
    const expected = bumped(manifest.version, bump);
    if (next !== expected) {
      throw new Error(
        `${manifest.name}: ${manifest.version} became ${next}, expected ${expected}.`,
      );
    }
    versions.add(next);
    const changelogPath = join(dir, relative(repoRoot, packageDir), 'CHANGELOG.md');
    const changelog = existsSync(changelogPath) ? readFileSync(changelogPath, 'utf8') : '';
    if (!changelog.includes(`## ${next}`)) {
      throw new Error(`${manifest.name}: CHANGELOG.md has no entry for ${next}.`);
    }
    if (manifest.name === changedPackage && !changelog.includes(summary)) {
      throw new Error(`${manifest.name}: CHANGELOG.md does not contain the changeset's summary.`);
    }
  }
  checkIgnoredPackagesUnchanged(dir);
  if (existsSync(join(dir, '.changeset', 'smoke-test.md'))) {
    throw new Error('changeset version left the changeset file.');
  }

  const release = [...versions][0];
  const added = checkHistoryEntries(dir, { expected: expectedEntries, release });

  const names = packages.map(({ manifest }) => manifest.name).join(', ');
  log(`changeset version, one ${bump} changeset for ${changedPackage}: ${names} all at ${release}`);
  const entries = added.map((entry) => `${entry.subject} v${entry.version}`).join(', ');
  log(`  schema history: ${added.length === 0 ? 'unchanged' : `added ${entries}`}`);
}

function checkIgnoredPackagesUnchanged(dir) {
  const config = JSON.parse(readFileSync(join(repoRoot, '.changeset', 'config.json'), 'utf8'));
  const examplesDir = join(repoRoot, 'examples');
  if (!existsSync(examplesDir)) return;
  for (const name of readdirSync(examplesDir)) {
    const manifestPath = join('examples', name, 'package.json');
    if (!existsSync(join(repoRoot, manifestPath))) continue;
    const before = readFileSync(join(repoRoot, manifestPath), 'utf8');
    const after = readFileSync(join(dir, manifestPath), 'utf8');
    const manifest = JSON.parse(before);
    if (config.ignore.includes(manifest.name) && before !== after) {
      throw new Error(
        `changeset version changed ${manifestPath} of the ignored package ${manifest.name}.`,
      );
    }
  }
}
