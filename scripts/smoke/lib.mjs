// Helpers shared by the smoke test and the release dry run: running commands, temporary
// folders, copies of the workspace and packing its packages.

import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the repository this script belongs to. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Prints one progress line with a prefix naming the script. */
export function createLog(prefix) {
  return (message) => process.stdout.write(`${prefix}: ${message}\n`);
}

/** Environment for child processes: pnpm through corepack with no download prompt. */
export const baseEnv = { ...process.env, COREPACK_ENABLE_DOWNLOAD_PROMPT: '0' };

/**
 * Runs a command to completion and returns its status and output. Throws, with the end of
 * the output, when the exit status is not `expectStatus` (0 unless given; `null` accepts any).
 */
export function run(command, args, { cwd = repoRoot, env = baseEnv, expectStatus = 0 } = {}) {
  const started = performance.now();
  const result = spawnSync(command, args, {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${command} could not be started: ${result.error.message}`);
  const outcome = {
    status: result.status ?? 128,
    stdout: result.stdout,
    stderr: result.stderr,
    seconds: (performance.now() - started) / 1000,
  };
  if (expectStatus !== null && outcome.status !== expectStatus) {
    const output = `${outcome.stdout}\n${outcome.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(
      `'${[command, ...args].join(' ')}' in ${cwd} exited with ${outcome.status}, expected ${expectStatus}:\n${output}`,
    );
  }
  return outcome;
}

/** Runs pnpm through corepack, which takes the version pinned in the root package.json. */
export function pnpm(args, options) {
  return run('corepack', ['pnpm', ...args], options);
}

/**
 * Creates a temporary folder outside the repository and removes it when `body` settles or
 * the process is interrupted, unless `keep` is set.
 */
export async function withTempDir(prefix, { keep = false, log }, body) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (!relative(repoRoot, dir).startsWith('..')) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `The temporary folder ${dir} is inside the repository; set TMPDIR to a folder outside it.`,
    );
  }
  const remove = () => {
    if (keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    remove();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await body(dir);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    remove();
  }
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Lists the publishable packages under `packages/` with their folder and manifest. */
export function publishablePackages(root = repoRoot) {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir)
    .sort()
    .map((name) => join(packagesDir, name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: readJson(join(dir, 'package.json')) }))
    .filter(({ manifest }) => manifest.private !== true);
}

/**
 * Copies what pnpm and changesets read from the workspace at `source` (default: this
 * repository) into `destination`: the root manifest, the workspace file, the LICENSE that
 * `pnpm pack` adds to packages without one, `.changeset/`, `schemas/` (the version step
 * writes its history file), and every workspace package's manifest. With `withPackFiles`,
 * each publishable package also gets the files it publishes and links to its workspace
 * dependencies, because `pnpm pack` reads their versions through `node_modules`. The copy's
 * `node_modules` and `scripts/` link to the repository's, so `changeset`, its changelog
 * module and the root `changeset` script (scripts/changeset.mjs) resolve.
 */
export function copyWorkspace(destination, { source = repoRoot, withPackFiles = false } = {}) {
  for (const file of ['package.json', 'pnpm-workspace.yaml', 'LICENSE']) {
    if (existsSync(join(source, file))) cpSync(join(source, file), join(destination, file));
  }
  for (const folder of ['.changeset', 'schemas']) {
    cpSync(join(source, folder), join(destination, folder), { recursive: true });
  }
  for (const folder of ['node_modules', 'scripts']) {
    symlinkSync(realpathSync(join(source, folder)), join(destination, folder), 'dir');
  }

  for (const group of ['packages', 'examples']) {
    const groupDir = join(source, group);
    if (!existsSync(groupDir)) continue;
    for (const name of readdirSync(groupDir)) {
      const manifestPath = join(groupDir, name, 'package.json');
      if (!existsSync(manifestPath)) continue;
      mkdirSync(join(destination, group, name), { recursive: true });
      cpSync(manifestPath, join(destination, group, name, 'package.json'));
    }
  }
  if (withPackFiles) {
    for (const { dir, manifest } of publishablePackages(source)) {
      copyPackFiles(dir, manifest, { source, destination });
    }
  }
}

function copyPackFiles(dir, manifest, { source, destination }) {
  const target = join(destination, relative(source, dir));
  const entries = [...(manifest.files ?? []), 'README.md', 'CHANGELOG.md', 'LICENSE'];
  for (const entry of new Set(entries)) {
    if (existsSync(join(dir, entry))) {
      cpSync(join(dir, entry), join(target, entry), { recursive: true });
    }
  }
  const workspaceNames = new Map(
    publishablePackages(source).map((pkg) => [pkg.manifest.name, pkg.dir]),
  );
  const dependencies = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
  for (const dependency of dependencies) {
    const dependencyDir = workspaceNames.get(dependency);
    if (!dependencyDir) continue;
    const link = join(target, 'node_modules', dependency);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(destination, relative(source, dependencyDir)), link, 'dir');
  }
}

/**
 * Packs every publishable package of the workspace at `root` into `destination` with
 * `pnpm pack`, which turns `workspace:` ranges into version ranges as `pnpm publish` does.
 * Returns, per package, its tarball, sizes, packed files and the manifest as packed. The
 * files and the unpacked size are read from the tarball, because pnpm's report leaves out
 * the LICENSE it adds from the workspace root.
 */
export function packAll(root, destination) {
  mkdirSync(destination, { recursive: true });
  return publishablePackages(root).map(({ dir }) => {
    const { stdout } = pnpm(['pack', '--pack-destination', destination, '--json'], { cwd: dir });
    const report = JSON.parse(stdout);
    const packed = run('tar', ['-xzOf', report.filename, 'package/package.json']).stdout;
    return {
      name: report.name,
      version: report.version,
      tarball: report.filename,
      packedBytes: statSync(report.filename).size,
      ...tarballContents(report.filename),
      manifest: JSON.parse(packed),
    };
  });
}

// The files of a tarball, without npm's `package/` folder, and their total size unpacked.
function tarballContents(tarball) {
  const files = run('tar', ['-tzf', tarball])
    .stdout.split('\n')
    .filter((line) => line !== '' && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''))
    .sort();
  const contents = spawnSync('tar', ['-xzOf', tarball], { maxBuffer: 256 * 1024 * 1024 });
  if (contents.status !== 0) throw new Error(`tar could not read ${tarball}.`);
  return { files, unpackedBytes: contents.stdout.length };
}

/** Formats a byte count in kB (1000 bytes), as npm prints package sizes. */
export function formatSize(bytes) {
  return `${(bytes / 1000).toFixed(1)} kB`;
}

/** Formats a package's runtime dependencies as `name@range` or `none`. */
export function formatDependencies(manifest) {
  const entries = Object.entries(manifest.dependencies ?? {});
  return entries.length === 0
    ? 'none'
    : entries.map(([name, range]) => `${name}@${range}`).join(', ');
}
