import { createAvscResolver, parseAvroSchemaText, toAvscSchema } from '@caddy/events-schema';
import avro from 'avsc';

import { LoadingCache } from '../cache.js';
import type { Catalog, EventDefinition } from '../catalog.js';
import { DecodeError, EventsError, RegistryError } from '../errors.js';
import { subjectName } from '../registry/types.js';
import type { SchemaRegistry, SubjectNameStrategy } from '../registry/types.js';
import { AVSC_OPTIONS, compileSchema, encodeFramed, encodePayload, newRegistry, validatePayload } from './avro.js';
import { frame, readSchemaId, unframe, WIRE_HEADER_LENGTH } from './wire.js';

/** Whether the SDK may register schemas or only looks up ids registered ahead of time. */
export type RegistryMode = 'auto-register' | 'lookup-only';

/** Options of the serializer and deserializer shared by every transport. */
export interface EventSerdeOptions {
  catalog: Catalog;
  registry: SchemaRegistry;
  registryMode?: RegistryMode;
  subjectNameStrategy?: SubjectNameStrategy;
  topicPrefix?: string;
}

/** An event decoded from a record value. */
export interface DecodedEvent {
  type: string;
  payload: unknown;
  schemaId: number;
}

interface WriterEntry {
  definition: EventDefinition;
  /** The reader type of the definition's event type, compiled into the SDK. */
  reader: avro.Type;
  /** Absent when the writer's binary layout is the reader's, so no resolution is needed. */
  resolver: avro.Resolver | undefined;
}

/**
 * Encodes payloads into framed Avro and back. Compiled schemas, schema ids and resolvers are
 * cached, so after the first event of a type no registry call and no schema work happens on
 * the publish path. Concurrent misses for one id share one registry request.
 */
export class EventSerde {
  private readonly readers = new Map<string, avro.Type>();
  private readonly byRecordName = new Map<string, EventDefinition>();
  private readonly schemaIds = new LoadingCache<string, number>();
  private readonly writers = new LoadingCache<number, WriterEntry>();
  private readonly registryMode: RegistryMode;
  private readonly strategy: SubjectNameStrategy;
  private readonly topicPrefix: string;

  constructor(private readonly options: EventSerdeOptions) {
    this.registryMode = options.registryMode ?? 'auto-register';
    this.strategy = options.subjectNameStrategy ?? 'topic-record';
    this.topicPrefix = options.topicPrefix ?? '';
    for (const definition of Object.values(options.catalog)) {
      this.byRecordName.set(definition.recordName, definition);
    }
  }

  /** Returns the definition of an event type, or throws when the catalog has no such type. */
  definition(type: string): EventDefinition {
    const definition = this.options.catalog[type];
    if (!definition) {
      throw new EventsError(
        'EVENT_TYPE_UNKNOWN',
        `Unknown event type '${type}'. Known types: ${Object.keys(this.options.catalog).join(', ')}.`,
        { eventType: type },
      );
    }
    return definition;
  }

  /** Returns the topic an event type is published to, with the topic prefix. */
  topicOf(type: string): string {
    return `${this.topicPrefix}${this.definition(type).topic}`;
  }

  /** Returns the subject an event type's schema is registered under. */
  subjectOf(type: string): string {
    const definition = this.definition(type);
    return subjectName(this.strategy, this.topicOf(type), definition.recordName);
  }

  /** Validates and encodes a payload; throws `PayloadValidationError` before any I/O when it is invalid. */
  encodeBody(type: string, payload: unknown): Buffer {
    return encodePayload(this.readerType(type), type, payload);
  }

  /** Throws `PayloadValidationError` unless the payload matches its event's schema. */
  validate(type: string, payload: unknown): void {
    validatePayload(this.readerType(type), type, payload);
  }

  /**
   * Validates and encodes a payload with its header, given the schema id, in one pass; throws
   * `PayloadValidationError` before any I/O when it is invalid.
   */
  encodeFramed(type: string, schemaId: number, payload: unknown): Buffer {
    return encodeFramed(this.readerType(type), type, schemaId, payload);
  }

  /** Returns the schema id of an event type when it is already known, without waiting. */
  knownSchemaId(type: string): number | undefined {
    return this.schemaIds.peek(type);
  }

  /** Frames an encoded body with the schema id of its event type, registering the schema if allowed. */
  async frame(type: string, body: Buffer): Promise<{ value: Buffer; schemaId: number }> {
    const schemaId = await this.schemaId(type);
    return { value: frame(schemaId, body), schemaId };
  }

  /** Returns the schema id of an event type, cached after the first call. */
  schemaId(type: string): Promise<number> {
    return this.schemaIds.get(type, (key) => this.fetchSchemaId(key));
  }


  /** Decodes a framed value into the reader schema of its event type, routed by the writer's record name. */
  async decode(value: Buffer | null): Promise<DecodedEvent> {
    const { schemaId, body } = unframe(value);
    return this.decodeWith(await this.writer(schemaId), schemaId, body);
  }

  /**
   * Decodes a framed value without waiting when its writer schema is already cached, and
   * returns undefined when it is not (then `decode` fetches it). Throws as `decode` does.
   */
  decodeCached(value: Buffer | null): DecodedEvent | undefined {
    const schemaId = readSchemaId(value);
    const writer = this.writers.peek(schemaId);
    return writer ? this.decodeWith(writer, schemaId, (value as Buffer).subarray(WIRE_HEADER_LENGTH)) : undefined;
  }

  private decodeWith(writer: WriterEntry, schemaId: number, body: Buffer): DecodedEvent {
    let payload: unknown;
    try {
      payload = writer.reader.fromBuffer(body, writer.resolver);
    } catch (error) {
      throw new DecodeError(
        'DECODE_FAILED',
        `Could not decode a ${writer.definition.type} event written with schema id ${schemaId}: ${(error as Error).message}.`,
        { eventType: writer.definition.type, schemaId, cause: error },
      );
    }
    return { type: writer.definition.type, payload, schemaId };
  }

  private readerType(type: string): avro.Type {
    let reader = this.readers.get(type);
    if (!reader) {
      reader = compileSchema(this.definition(type).schema);
      this.readers.set(type, reader);
    }
    return reader;
  }

  private async fetchSchemaId(type: string): Promise<number> {
    const subject = this.subjectOf(type);
    const schema = this.definition(type).schema;
    if (this.registryMode === 'auto-register') return this.options.registry.register(subject, schema);
    const id = await this.options.registry.lookup(subject, schema);
    if (id === undefined) {
      throw new RegistryError(
        'SCHEMA_NOT_FOUND',
        `The schema of ${type} is not registered under subject '${subject}', and EVENTS_REGISTRY_MODE is lookup-only. ` +
          'Register it with `caddy-events register`, or use auto-register outside production.',
        { eventType: type, subject },
      );
    }
    return id;
  }

  private writer(schemaId: number): Promise<WriterEntry> {
    return this.writers.get(schemaId, (id) => this.loadWriter(id));
  }


  private async loadWriter(schemaId: number): Promise<WriterEntry> {
    const text = await this.options.registry.getSchema(schemaId);
    const writerType = compileWriter(text, schemaId);
    const recordName = writerType.name;
    const definition = recordName === undefined ? undefined : this.byRecordName.get(recordName);
    if (!definition) {
      throw new DecodeError(
        'EVENT_TYPE_UNKNOWN',
        `Schema id ${schemaId} writes record '${recordName ?? writerType.typeName}', which is not an event of this catalog.`,
        { schemaId },
      );
    }
    let readerType: avro.Type;
    let resolver: avro.Resolver | undefined;
    try {
      readerType = this.readerType(definition.type);
      // Equal Parsing Canonical Forms mean the same bytes for the same values, so the reader
      // decodes directly; this is the common case of a producer on the same schema version.
      resolver = readerType.fingerprint().equals(writerType.fingerprint())
        ? undefined
        : createAvscResolver(readerType, writerType);
    } catch (error) {
      throw new DecodeError(
        'SCHEMA_INCOMPATIBLE',
        `Events of schema id ${schemaId} cannot be read as ${definition.type}: ${(error as Error).message}.`,
        { eventType: definition.type, schemaId, cause: error },
      );
    }
    return { definition, reader: readerType, resolver };
  }
}

// A writer schema is parsed the way Avro's Java parser accepts it, then rewritten for avsc:
// references written in full and the writer's defaults dropped, because reading never uses
// them and old versions registered elsewhere may carry defaults that avsc rejects.
function compileWriter(text: string, schemaId: number): avro.Type {
  const parsed = parseAvroSchemaText(text, { validateDefaults: false });
  if (!parsed.ok) {
    const first = parsed.errors[0];
    throw new DecodeError(
      'DECODE_FAILED',
      `Writer schema id ${schemaId} is not a valid Avro schema: ${first ? `${first.message} at ${first.location}` : 'unknown error'}.`,
      { schemaId },
    );
  }
  try {
    return avro.Type.forSchema(toAvscSchema(parsed.schema, { dropDefaults: true }) as avro.Schema, {
      ...AVSC_OPTIONS,
      registry: newRegistry(),
    });
  } catch (error) {
    throw new DecodeError('DECODE_FAILED', `Writer schema id ${schemaId} cannot be compiled: ${(error as Error).message}.`, {
      schemaId,
      cause: error,
    });
  }
}
