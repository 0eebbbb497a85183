/** One event type of a catalog: where it goes and the exact schema text that gets registered. */
export interface EventDefinition {
  /** Event type, for example `order.created`. */
  readonly type: string;
  /** Topic before any topic prefix. */
  readonly topic: string;
  /** Name of the payload field whose value, as UTF-8 bytes, is the record key. */
  readonly key: string;
  /** Full name of the event's record; consumers route on the writer schema's record name. */
  readonly recordName: string;
  /** Normalized, self-contained Avro schema as compact JSON. */
  readonly schema: string;
}

/** A catalog: event definitions by event type. */
export type Catalog = Readonly<Record<string, EventDefinition>>;
