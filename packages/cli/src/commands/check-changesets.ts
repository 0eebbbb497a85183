import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import parseModule from '@changesets/parse';

import { InvalidInputError } from '../errors.js';

// @changesets/parse is CommonJS with `exports.default`. The ESM build gets the function from
// the package's ESM wrapper, but the CommonJS build follows Node's rule for a module of a
// "type": "module" package and gets the `exports` object, so take `.default` from it there.
const parseChangeset: typeof parseModule =
  typeof parseModule === 'function'
    ? parseModule
    : (parseModule as unknown as { default: typeof parseModule }).default;

/** Bump a changeset gives a package; `none` bumps nothing and is left out. */
export type ReleaseType = 'major' | 'minor' | 'patch';

const RELEASE_ORDER: readonly ReleaseType[] = ['patch', 'minor', 'major'];

/** A pending changeset that bumps the release package or a package versioned with it. */
export interface CoveringChangeset {
  /** File name inside the changesets folder, such as `brave-owls-sing.md`. */
  file: string;
  /** The largest bump it gives one of those packages. */
  bump: ReleaseType;
}

/** The pending changesets of a repository, as the schema release check reads them. */
export interface PendingChangesets {
  /** The changesets folder. */
  dir: string;
  /** The package whose version a release records in the history, such as `@caddy/events`. */
  releasePackage: string;
  /** The other names or patterns of its `fixed` group in `config.json`, which version with it. */
  fixedWith: string[];
  /** Number of pending changesets in the folder, covering or not. */
  pending: number;
  /** Pending changesets that bump the release package or its `fixed` group, by file name. */
  covering: CoveringChangeset[];
  /** Command that adds a changeset in this repository, such as `corepack pnpm changeset`. */
  addCommand: string;
}

/**
 * Finds the changesets folder of the repository that holds a schema directory: the first
 * `.changeset` folder from the schema directory upwards, stopping at the repository root (the
 * folder with `.git`). Returns undefined when there is none.
 */
export async function findChangesetDir(schemaDir: string): Promise<string | undefined> {
  let dir = schemaDir;
  for (;;) {
    if (await isDirectory(join(dir, '.changeset'))) return join(dir, '.changeset');
    const parent = dirname(dir);
    if (parent === dir || (await exists(join(dir, '.git')))) return undefined;
    dir = parent;
  }
}

/**
 * Reads the pending changesets of a folder (every `.md` file but `README.md`, as changesets
 * does) with the changesets parser, and keeps those that bump `releasePackage` or a package
 * of its `fixed` group, because a fixed group releases all its packages at one version.
 * Throws `InvalidInputError` for a missing folder or an unreadable changeset or config.
 */
export async function readPendingChangesets(
  dir: string,
  releasePackage: string,
  label: string,
): Promise<PendingChangesets> {
  if (!(await isDirectory(dir))) {
    throw new InvalidInputError(`caddy-events check: changesets folder ${label} not found.`);
  }
  const fixedWith = await fixedGroupOf(dir, releasePackage, label);
  const versionsWithRelease = matcher([releasePackage, ...fixedWith]);
  const files = (await readdir(dir)).filter((name) => name.endsWith('.md') && name !== 'README.md');
  const covering: CoveringChangeset[] = [];
  for (const file of files.sort()) {
    const bump = await bumpOf(join(dir, file), `${label}/${file}`, versionsWithRelease);
    if (bump !== undefined) covering.push({ file, bump });
  }
  const addCommand = await addChangesetCommand(dirname(dir));
  return { dir, releasePackage, fixedWith, pending: files.length, covering, addCommand };
}

/** Returns the largest of some bumps, or undefined for none. */
export function largestReleaseType(bumps: readonly ReleaseType[]): ReleaseType | undefined {
  let largest: ReleaseType | undefined;
  for (const bump of bumps) {
    if (largest === undefined || RELEASE_ORDER.indexOf(bump) > RELEASE_ORDER.indexOf(largest)) {
      largest = bump;
    }
  }
  return largest;
}

/** Returns whether `bump` is at least `minimum`. */
export function bumpsAtLeast(bump: ReleaseType, minimum: ReleaseType): boolean {
  return RELEASE_ORDER.indexOf(bump) >= RELEASE_ORDER.indexOf(minimum);
}

async function bumpOf(
  file: string,
  label: string,
  versionsWithRelease: (name: string) => boolean,
): Promise<ReleaseType | undefined> {
  let releases;
  try {
    releases = parseChangeset(await readFile(file, 'utf8')).releases;
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new InvalidInputError(`caddy-events check: ${label} is not a valid changeset: ${reason}`);
  }
  const bumps = releases
    .filter((release) => release.type !== 'none' && versionsWithRelease(release.name))
    .map((release) => release.type as ReleaseType);
  return largestReleaseType(bumps);
}

// The `fixed` groups of `.changeset/config.json`. A missing config leaves the release package
// alone; `changeset` itself fails on an invalid one, so this check does too.
async function fixedGroupOf(dir: string, releasePackage: string, label: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(join(dir, 'config.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message;
    throw new InvalidInputError(
      `caddy-events check: ${label}/config.json: invalid JSON (${reason}).`,
    );
  }
  const fixed = (config as { fixed?: unknown }).fixed;
  const groups = Array.isArray(fixed) ? fixed.filter(Array.isArray) : [];
  const group = groups.find((names: unknown[]) => matcher(names.map(String))(releasePackage));
  return (group ?? []).map(String).filter((name) => name !== releasePackage);
}

// Changesets matches group entries as globs; package names only need `*`, as in `@caddy/*`.
function matcher(patterns: readonly string[]): (name: string) => boolean {
  const expressions = patterns.map((pattern) => {
    const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    return new RegExp(`^${escaped}$`);
  });
  return (name) => expressions.some((expression) => expression.test(name));
}

async function addChangesetCommand(root: string): Promise<string> {
  const pnpmFiles = ['pnpm-lock.yaml', 'pnpm-workspace.yaml'];
  for (const file of pnpmFiles) {
    if (await exists(join(root, file))) return 'corepack pnpm changeset';
  }
  if (await exists(join(root, 'yarn.lock'))) return 'yarn changeset';
  return 'npx changeset';
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
