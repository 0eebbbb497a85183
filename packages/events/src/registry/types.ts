/** Rule that derives a subject name from a topic and a record's full name. */
export type SubjectNameStrategy = 'topic-record' | 'topic' | 'record';

/**
 * Returns the subject under which a value schema is registered. The default,
 * `topic-record`, is `<topic>-<record full name>`, because several event types share a
 * topic and each needs its own version history.
 */
export function subjectName(strategy: SubjectNameStrategy, topic: string, recordName: string): string {
  switch (strategy) {
    case 'topic-record':
      return `${topic}-${recordName}`;
    case 'topic':
      return `${topic}-value`;
    case 'record':
      return recordName;
  }
}

/** The part of a Confluent-compatible schema registry the SDK needs at run time. */
export interface SchemaRegistry {
  /** Registers a schema under a subject, or finds it when already registered, and returns its id. */
  register(subject: string, schema: string): Promise<number>;
  /** Returns the id of a schema already registered under a subject, or undefined when it is not. */
  lookup(subject: string, schema: string): Promise<number | undefined>;
  /** Returns the schema text of an id, or throws a `RegistryError` with code `SCHEMA_NOT_FOUND`. */
  getSchema(id: number): Promise<string>;
  /** Checks that the registry responds; throws a `ConnectionError` when it does not. */
  ping(): Promise<void>;
}
