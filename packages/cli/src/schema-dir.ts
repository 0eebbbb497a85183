import { loadSchemaCatalog, type SchemaCatalog } from '@caddy/events-schema';

import { InvalidInputError } from './errors.js';

/**
 * Loads the catalog of a schema directory. A missing directory becomes an `InvalidInputError`
 * that points to `--schemas`.
 */
export async function loadCatalogOf(
  command: string,
  schemaDir: string,
  label: string,
): Promise<SchemaCatalog> {
  try {
    return await loadSchemaCatalog(schemaDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new InvalidInputError(
      `caddy-events ${command}: schema directory ${label} not found; run from the repository ` +
        'root or pass --schemas <dir>.',
    );
  }
}
