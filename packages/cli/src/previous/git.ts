import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { loadSchemaCatalog, type SchemaCatalog } from '@caddy/events-schema';

import { InvalidInputError } from '../errors.js';

const run = promisify(execFile);

/**
 * Loads the schema catalog as it was at a git ref: the `.avsc` files under the same directory
 * of the same repository, read with `git ls-tree` and `git show`, which change nothing in the
 * repository. Returns undefined when the directory has no `.avsc` file at that ref.
 */
export async function loadCatalogAtRef(
  schemaDir: string,
  ref: string,
): Promise<SchemaCatalog | undefined> {
  const prefix = (await git(schemaDir, ['rev-parse', '--show-prefix'])).trim();
  const top = (await git(schemaDir, ['rev-parse', '--show-toplevel'])).trim();
  await verifyRef(top, ref);
  const listing = await git(top, ['ls-tree', '-r', '-z', '--name-only', ref, '--', prefix || '.']);
  const files = listing.split('\0').filter((path) => path.endsWith('.avsc'));
  if (files.length === 0) return undefined;

  const copy = await mkdtemp(join(tmpdir(), 'caddy-events-git-'));
  try {
    for (const file of files) {
      const target = join(copy, file.slice(prefix.length));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, await git(top, ['show', `${ref}:${file}`]));
    }
    return await loadSchemaCatalog(copy);
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}

async function verifyRef(top: string, ref: string): Promise<void> {
  try {
    await git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  } catch {
    throw new InvalidInputError(
      `git ref '${ref}' does not name a commit in ${top}; fetch it first, or use a branch, ` +
        'tag or commit that exists locally.',
    );
  }
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new InvalidInputError('git was not found on PATH; --against git:<ref> needs it.');
    }
    const detail = failure.stderr?.trim() || failure.message;
    throw new InvalidInputError(`git ${args[0]} failed in ${cwd}: ${detail}`);
  }
}
