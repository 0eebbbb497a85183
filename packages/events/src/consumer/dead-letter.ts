import type { EventsError } from '../errors.js';
import type { IncomingRecord, OutgoingRecord } from '../transport/types.js';

// Headers of a dead-lettered record. They record why it failed and where it came from, never
// its content: the value and key are the original bytes, and no header carries a payload value.
export const DLQ_HEADERS = {
  errorCode: 'dlq_error_code',
  errorClass: 'dlq_error_class',
  errorMessage: 'dlq_error_message',
  fieldPath: 'dlq_field_path',
  topic: 'dlq_original_topic',
  partition: 'dlq_original_partition',
  offset: 'dlq_original_offset',
  attempts: 'dlq_attempts',
  groupId: 'dlq_group_id',
  time: 'dlq_time',
} as const;

/** Returns the dead-letter topic of a topic: `<topic>.dlq`, under the same prefix. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Builds the dead-letter record of a record that failed, keeping its original bytes and headers. */
export function deadLetterRecord(
  record: IncomingRecord,
  error: unknown,
  attempts: number,
  groupId: string,
): OutgoingRecord {
  const failure = error as Partial<EventsError> & { name?: string; message?: string };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers)) if (value !== undefined) headers[name] = value;
  headers[DLQ_HEADERS.errorCode] = failure.code ?? 'HANDLER_FAILED';
  headers[DLQ_HEADERS.errorClass] = failure.name ?? 'Error';
  // Handler messages are application text and may quote payload values, so only the SDK's
  // own messages, which keep values in properties, are copied.
  if (failure.code !== undefined && failure.message) headers[DLQ_HEADERS.errorMessage] = failure.message;
  if (failure.fieldPath) headers[DLQ_HEADERS.fieldPath] = failure.fieldPath;
  headers[DLQ_HEADERS.topic] = record.topic;
  headers[DLQ_HEADERS.partition] = String(record.partition);
  headers[DLQ_HEADERS.offset] = record.offset;
  headers[DLQ_HEADERS.attempts] = String(attempts);
  headers[DLQ_HEADERS.groupId] = groupId;
  headers[DLQ_HEADERS.time] = new Date().toISOString();
  return {
    topic: deadLetterTopic(record.topic),
    key: record.key ?? Buffer.alloc(0),
    value: record.value ?? Buffer.alloc(0),
    headers,
  };
}

/** Rebuilds the original record of a dead-lettered one, for replay, without the dead-letter headers. */
export function originalRecord(
  record: IncomingRecord,
  topic: string | undefined = record.headers[DLQ_HEADERS.topic],
): OutgoingRecord | undefined {
  if (!topic || !record.value) return undefined;
  // Every header the dead-letter step may have added starts with `dlq_`, including those of
  // other tools that follow the same convention.
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers)) {
    if (value !== undefined && !name.startsWith('dlq_')) headers[name] = value;
  }
  return { topic, key: record.key ?? Buffer.alloc(0), value: record.value, headers };
}
