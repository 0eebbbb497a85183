/** A schema file that cannot be loaded, with the file and the JSON path of the problem. */
export class SchemaLoadError extends Error {
  override readonly name = 'SchemaLoadError';
  readonly code = 'SCHEMA_INVALID';

  constructor(
    message: string,
    readonly file: string,
    readonly path: string = '',
  ) {
    super(`${file}${path ? ` at ${path}` : ''}: ${message}`);
  }
}
