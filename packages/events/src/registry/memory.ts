import { RegistryError } from '../errors.js';
import type { SchemaRegistry } from './types.js';

/**
 * A schema registry kept in memory, with Confluent's id rules: one id per distinct schema
 * text, shared by every subject that registers that text, and a version list per subject.
 */
export class InMemorySchemaRegistry implements SchemaRegistry {
  private readonly idsBySchema = new Map<string, number>();
  private readonly schemasById = new Map<number, string>();
  private readonly subjects = new Map<string, number[]>();

  async register(subject: string, schema: string): Promise<number> {
    let id = this.idsBySchema.get(schema);
    if (id === undefined) {
      id = this.idsBySchema.size + 1;
      this.idsBySchema.set(schema, id);
      this.schemasById.set(id, schema);
    }
    const versions = this.subjects.get(subject) ?? [];
    if (!versions.includes(id)) versions.push(id);
    this.subjects.set(subject, versions);
    return id;
  }

  async lookup(subject: string, schema: string): Promise<number | undefined> {
    const id = this.idsBySchema.get(schema);
    return id !== undefined && this.subjects.get(subject)?.includes(id) ? id : undefined;
  }

  async getSchema(id: number): Promise<string> {
    const schema = this.schemasById.get(id);
    if (schema === undefined) {
      throw new RegistryError('SCHEMA_NOT_FOUND', `Schema id ${id} is not registered.`, { schemaId: id });
    }
    return schema;
  }

  async ping(): Promise<void> {}

  /** Lists the subjects with their schema ids, oldest version first. */
  listSubjects(): Map<string, readonly number[]> {
    return new Map(this.subjects);
  }
}
