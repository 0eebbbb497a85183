import { randomUUID } from 'node:crypto';

// Event metadata travels in Kafka headers following the CloudEvents Kafka protocol binding
// (binary content mode): every CloudEvents attribute is a header named `ce_<attribute>`,
// and the payload's media type is the `content-type` header.

/** CloudEvents spec version the SDK writes. */
export const CLOUDEVENTS_SPEC_VERSION = '1.0';
/** Media type of a Confluent-framed Avro value. */
export const AVRO_CONTENT_TYPE = 'application/avro';

/** Metadata a publisher sets on an event. */
export interface OutgoingMetadata {
  id?: string;
  type: string;
  source: string;
  time?: Date;
  subject?: string;
  correlationId?: string;
  causationId?: string;
}

/** Builds the Kafka headers of an event; a missing id or time is generated. */
export function buildHeaders(metadata: OutgoingMetadata): { id: string; time: Date; headers: Record<string, string> } {
  const id = metadata.id ?? randomUUID();
  const time = metadata.time ?? new Date();
  const headers: Record<string, string> = {
    ce_specversion: CLOUDEVENTS_SPEC_VERSION,
    ce_id: id,
    ce_type: metadata.type,
    ce_source: metadata.source,
    ce_time: time.toISOString(),
    'content-type': AVRO_CONTENT_TYPE,
  };
  if (metadata.subject !== undefined) headers.ce_subject = metadata.subject;
  if (metadata.correlationId !== undefined) headers.ce_correlationid = metadata.correlationId;
  if (metadata.causationId !== undefined) headers.ce_causationid = metadata.causationId;
  return { id, time, headers };
}

/** Metadata read from headers; each attribute is absent when the producer did not send it. */
export interface IncomingHeaderMetadata {
  id?: string;
  source?: string;
  time?: Date;
  specVersion?: string;
  contentType?: string;
  correlationId?: string;
  causationId?: string;
  /** W3C trace context of the producer's span. */
  traceparent?: string;
  tracestate?: string;
}

/**
 * Reads CloudEvents attributes from Kafka headers, ignoring values that do not parse. They are
 * set on `into` when given (the consumer's metadata object, to save a copy per record), or on
 * a new object.
 */
export function readHeaders(
  headers: Readonly<Record<string, string | undefined>>,
  into: IncomingHeaderMetadata = {},
): IncomingHeaderMetadata {
  const result = into;
  if (headers.ce_id) result.id = headers.ce_id;
  if (headers.ce_source) result.source = headers.ce_source;
  if (headers.ce_specversion) result.specVersion = headers.ce_specversion;
  if (headers['content-type']) result.contentType = headers['content-type'];
  if (headers.ce_correlationid) result.correlationId = headers.ce_correlationid;
  if (headers.ce_causationid) result.causationId = headers.ce_causationid;
  if (headers.traceparent) result.traceparent = headers.traceparent;
  if (headers.tracestate) result.tracestate = headers.tracestate;
  if (headers.ce_time) {
    const time = parseTime(headers.ce_time);
    if (!Number.isNaN(time.getTime())) result.time = time;
  }
  return result;
}

// Records of one producer often carry the same time text, because many share a millisecond.
// So the last text parsed and its value are kept: a new Date of a known value costs a
// fraction of parsing the text again.
let lastTimeText = '';
let lastTimeValue = Number.NaN;

function parseTime(text: string): Date {
  if (text !== lastTimeText) {
    lastTimeValue = new Date(text).getTime();
    lastTimeText = text;
  }
  return new Date(lastTimeValue);
}
