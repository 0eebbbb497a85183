#!/usr/bin/env node
// The repository's `changeset` command, run as `corepack pnpm changeset [args]`. It runs the
// changesets CLI with the same arguments and, after a successful `changeset version`, records
// the schemas of the new release in schemas/history.json: each subject whose schema differs
// from its latest released version gets a version for the new release of @caddy/events.
// That file is what `caddy-events check` compares schemas/ with, and this is the only step
// that writes it. Every other subcommand (add, status, publish, pre, tag) passes through.
// `version --snapshot` records nothing, because a snapshot is not a release of the catalog.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import {
  entryCount,
  formatAddition,
  HISTORY_FILE,
  loadSchemaPackage,
  RELEASE_PACKAGE,
  SCHEMA_DIR,
  workspaceVersion,
} from './schema-history.mjs';

const log = (message) => process.stdout.write(`schema history: ${message}\n`);

// The changesets CLI of this workspace, run with the current Node.js.
function changesetsBin() {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@changesets/cli/package.json');
  const { bin } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  return join(dirname(manifestPath), typeof bin === 'string' ? bin : bin.changeset);
}

function runChangesets(args) {
  const result = spawnSync(process.execPath, [changesetsBin(), ...args], { stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

// The workspace root as changesets finds it: the nearest folder with .changeset/config.json.
function workspaceRoot(start) {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.changeset', 'config.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No .changeset/config.json above ${start}.`);
  }
}

/**
 * Reads what recording needs before `changeset version` runs, so an invalid schema or
 * history stops the step before it bumps anything.
 */
async function prepareRecording() {
  const root = workspaceRoot(process.cwd());
  const schema = await loadSchemaPackage();
  const schemaDir = join(root, SCHEMA_DIR);
  const historyFile = join(root, HISTORY_FILE);
  await schema.loadSchemaCatalog(schemaDir);
  const before = await schema.readSchemaHistory(historyFile, { allowMissing: true });
  const version = workspaceVersion(root, RELEASE_PACKAGE);
  return { root, schema, schemaDir, historyFile, before, version };
}

async function recordRelease({ root, schema, schemaDir, historyFile, before, version }) {
  const release = workspaceVersion(root, RELEASE_PACKAGE);
  if (release === version) {
    log(`${RELEASE_PACKAGE} stays at ${release}, so ${HISTORY_FILE} is unchanged`);
    return;
  }
  try {
    await schema.recordSchemaRelease({ schemaDir, historyFile, release });
  } catch (error) {
    throw new Error(
      `changeset version bumped ${RELEASE_PACKAGE} to ${release}, but ${HISTORY_FILE} was not ` +
        `updated: ${error.message}. Undo the version changes (git checkout and git clean), ` +
        'fix the cause, and run `corepack pnpm changeset version` again.',
    );
  }
  const additions = schema.historyAdditions(before, await schema.readSchemaHistory(historyFile));
  if (additions.length === 0) {
    log(`the schemas equal their latest releases, so ${HISTORY_FILE} is unchanged`);
    return;
  }
  const entries = entryCount(additions.length);
  log(`${entries} for ${RELEASE_PACKAGE}@${release} added to ${HISTORY_FILE}:`);
  for (const addition of additions) log(`  ${formatAddition(addition)}`);
}

async function main(args) {
  const version = args[0] === 'version';
  const snapshot = version && args.some((arg) => arg.startsWith('--snapshot'));
  const prepared = version && !snapshot ? await prepareRecording() : undefined;
  const status = runChangesets(args);
  if (status === 0 && prepared) await recordRelease(prepared);
  if (status === 0 && snapshot) log(`a snapshot is not a release: ${HISTORY_FILE} is unchanged`);
  return status;
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error) => {
    process.stderr.write(`changeset: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
