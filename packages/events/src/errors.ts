/** Stable codes of every error this SDK throws; match on these, not on messages. */
export type EventsErrorCode =
  | 'CONFIG_INVALID'
  | 'CONNECTION_FAILED'
  | 'PAYLOAD_INVALID'
  | 'EVENT_TYPE_UNKNOWN'
  | 'EVENT_TYPE_UNHANDLED'
  | 'FRAME_INVALID'
  | 'SCHEMA_NOT_FOUND'
  | 'SCHEMA_INCOMPATIBLE'
  | 'DECODE_FAILED'
  | 'REGISTRY_FAILED'
  | 'PUBLISH_FAILED'
  | 'BUFFER_FULL'
  | 'DELIVERY_TIMEOUT'
  | 'HANDLER_FAILED'
  | 'CLIENT_CLOSED';

/** Context attached to an error as properties, so messages stay free of payload values. */
export interface EventsErrorContext {
  eventType?: string;
  topic?: string;
  subject?: string;
  schemaId?: number;
  fieldPath?: string;
  expected?: string;
  /** The offending value; kept out of the message because events carry personal data. */
  value?: unknown;
  cause?: unknown;
}

/** Base class of the SDK's errors: a stable `code`, a `retriable` flag, and context as properties. */
export class EventsError extends Error {
  override name = 'EventsError';
  readonly code: EventsErrorCode;
  readonly retriable: boolean;
  declare readonly eventType?: string;
  declare readonly topic?: string;
  declare readonly subject?: string;
  declare readonly schemaId?: number;
  declare readonly fieldPath?: string;
  declare readonly expected?: string;
  declare readonly value?: unknown;

  constructor(code: EventsErrorCode, message: string, context: EventsErrorContext = {}, retriable = false) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.code = code;
    this.retriable = retriable;
    const { cause: _cause, value: _value, ...rest } = context;
    for (const [key, entry] of Object.entries(rest)) {
      if (entry !== undefined) Object.assign(this, { [key]: entry });
    }
    // The value can hold personal data: keep it off enumerable properties so that loggers
    // which serialize errors field by field do not print it.
    Object.defineProperty(this, 'value', { value: context.value, enumerable: false });
  }
}

/** A payload that does not match its event's schema; nothing was sent. */
export class PayloadValidationError extends EventsError {
  override name = 'PayloadValidationError';
  /** Every field that failed, in schema order; `fieldPath` and `expected` repeat the first. */
  readonly problems: ReadonlyArray<{ fieldPath: string; expected: string }>;

  constructor(eventType: string, problems: { fieldPath: string; expected: string; value: unknown }[]) {
    const first = problems[0] ?? { fieldPath: '', expected: 'a value', value: undefined };
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s), see error.problems)` : '';
    super(
      'PAYLOAD_INVALID',
      `Invalid ${eventType} payload: field '${first.fieldPath || '(root)'}' must be ${first.expected}${more}. ` +
        'Fix the value before publishing; nothing was sent.',
      { eventType, fieldPath: first.fieldPath, expected: first.expected, value: first.value },
    );
    this.problems = problems.map(({ fieldPath, expected }) => ({ fieldPath, expected }));
  }
}

/** The broker or the registry could not be reached or refused the connection. */
export class ConnectionError extends EventsError {
  override name = 'ConnectionError';

  constructor(message: string, context: EventsErrorContext = {}) {
    super('CONNECTION_FAILED', message, context, true);
  }
}

/** Invalid or missing configuration, found before anything connects. */
export class ConfigError extends EventsError {
  override name = 'ConfigError';

  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** A message that cannot be turned back into an event: bad framing, unknown schema, corrupt Avro. */
export class DecodeError extends EventsError {
  override name = 'DecodeError';
}

/** An error response from the schema registry. */
export class RegistryError extends EventsError {
  override name = 'RegistryError';
  /** HTTP status of the registry's response. */
  readonly status?: number;

  constructor(
    code: EventsErrorCode,
    message: string,
    context: EventsErrorContext & { status?: number } = {},
    retriable = false,
  ) {
    const { status, ...rest } = context;
    super(code, message, rest, retriable);
    if (status !== undefined) this.status = status;
  }
}
