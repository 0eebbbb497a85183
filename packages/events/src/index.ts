export { EventsClient } from './client.js';
export type {
  BatchItem,
  EventHandlers,
  HealthReport,
  EventMetadata,
  EventsClientOptions,
  PublishOptions,
  PublishResult,
  ReceivedEvent,
  SubscribeOptions,
  Subscription,
} from './client.js';
export { createEventsClient, createKafkaTransport, resolveClientOptions } from './create.js';
export type { CreateClientOptions } from './create.js';
export type { Catalog, EventDefinition } from './catalog.js';
export { configFromEnv } from './config.js';
export type { EventsConfig } from './config.js';
export {
  ConfigError,
  ConnectionError,
  DecodeError,
  EventsError,
  PayloadValidationError,
  RegistryError,
} from './errors.js';
export type { EventsErrorCode, EventsErrorContext } from './errors.js';
export { AVRO_CONTENT_TYPE, CLOUDEVENTS_SPEC_VERSION } from './headers.js';
export { silentLogger } from './logger.js';
export { setOtelApi } from './tracing.js';
export type { Logger } from './logger.js';
export { murmur2, partitionFor } from './partitioner.js';
export type { MetricsHooks } from './metrics.js';
export type { BatchingOptions } from './producer/batcher.js';
export type { RetryPolicy } from './consumer/dispatcher.js';
export { DLQ_HEADERS, deadLetterTopic } from './consumer/dead-letter.js';
export { planReplay, replayDeadLetterTopics } from './consumer/replay.js';
export type { ReplayOptions, ReplayPartition, ReplayReport, SkippedRecord } from './consumer/replay.js';
export { HttpSchemaRegistry } from './registry/http.js';
export type { HttpSchemaRegistryOptions } from './registry/http.js';
export { InMemorySchemaRegistry } from './registry/memory.js';
export { CachingSchemaRegistry } from './registry/caching.js';
export type { CachingOptions } from './registry/caching.js';
export { subjectName } from './registry/types.js';
export type { SchemaRegistry, SubjectNameStrategy } from './registry/types.js';
export { compileSchema, describeType, findProblems } from './serde/avro.js';
export type { PayloadProblem } from './serde/avro.js';
export { EventSerde } from './serde/event-serde.js';
export type { RegistryMode } from './serde/event-serde.js';
export { frame, unframe, WIRE_HEADER_LENGTH } from './serde/wire.js';
export { DecimalType, TimestampMillisType, UuidType } from './serde/logical-types.js';
export { InMemoryTransport } from './transport/memory.js';
export type { InMemoryTransportOptions } from './transport/memory.js';
export { KafkaTransport } from './transport/kafka.js';
export { registerCodecs } from './transport/codecs.js';
export type { CompressionName } from './transport/codecs.js';
export type { KafkaTransportOptions } from './transport/kafka.js';
export type { DeliveryReport, IncomingRecord, OutgoingRecord, PartitionOffsets, ServerHealth, Transport } from './transport/types.js';

export * from './generated/types.js';
export { catalog } from './generated/catalog.js';
export type { EventInputs, EventPayloads, EventType } from './generated/catalog.js';
export { CaddyEvents, createEvents } from './generated/client.js';
export type { EventOf } from './generated/client.js';
