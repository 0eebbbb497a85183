import type { Catalog } from './catalog.js';
import { EventsClient } from './client.js';
import type { EventsClientOptions } from './client.js';
import { configFromEnv } from './config.js';
import type { EventsConfig } from './config.js';
import { ConfigError } from './errors.js';
import type { Logger } from './logger.js';
import { childLogger, silentLogger } from './logger.js';
import { CachingSchemaRegistry } from './registry/caching.js';
import { HttpSchemaRegistry } from './registry/http.js';
import { InMemorySchemaRegistry } from './registry/memory.js';
import type { SchemaRegistry } from './registry/types.js';
import { InMemoryTransport } from './transport/memory.js';
import { KafkaTransport } from './transport/kafka.js';
import type { KafkaTransportOptions } from './transport/kafka.js';
import type { RetryPolicy } from './consumer/dispatcher.js';
import type { MetricsHooks } from './metrics.js';
import type { BatchingOptions } from './producer/batcher.js';
import type { Transport } from './transport/types.js';

/** Options of `createEventsClient`; anything not given is read from the environment. */
export interface CreateClientOptions {
  /** Transport to use. Neither transport falls back to the other. */
  transport: 'kafka' | 'in-memory';
  /** Overrides of the settings read from the environment. */
  config?: Partial<EventsConfig>;
  env?: Readonly<Record<string, string | undefined>>;
  source?: string;
  logger?: Logger;
  /** Batching, buffering and delivery timeout of the publish path. */
  producer?: BatchingOptions;
  /** kafkajs producer settings, with kafkajs's names; idempotence and acks=all are the defaults. */
  kafkaProducer?: KafkaTransportOptions['producer'];
  retry?: RetryPolicy;
  metrics?: MetricsHooks;
  /** Close the client on SIGTERM and SIGINT, then exit. Default false. */
  handleSignals?: boolean;
}

/** Builds the options of a client (transport, registry, settings) from options and the environment. */
export function resolveClientOptions(catalog: Catalog, options: CreateClientOptions): EventsClientOptions {
  const config = { ...configFromEnv(options.env), ...options.config };
  let transport: Transport;
  let registry: SchemaRegistry;
  if (options.transport === 'in-memory') {
    transport = new InMemoryTransport();
    registry = new InMemorySchemaRegistry();
  } else {
    if (!config.brokers) throw new ConfigError('REDPANDA_BROKERS is not set: the Kafka transport needs the broker list, such as 127.0.0.1:9092.');
    if (!config.registryUrl) throw new ConfigError('SCHEMA_REGISTRY_URL is not set: the Kafka transport needs the schema registry, such as http://127.0.0.1:8081.');
    transport = createKafkaTransport(config, options);
    const http = new HttpSchemaRegistry({
      url: config.registryUrl,
      ...(config.registryAuth ? { auth: config.registryAuth } : {}),
      ...(config.registryCa ? { ca: config.registryCa } : {}),
    });
    registry = new CachingSchemaRegistry(http, childLogger(options.logger ?? silentLogger, 'registry'));
  }
  return {
    catalog,
    transport,
    registry,
    registryMode: config.registryMode,
    topicPrefix: config.topicPrefix,
    ...(options.source ? { source: options.source } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.producer ? { producer: options.producer } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.handleSignals ? { handleSignals: true } : {}),
  };
}

/**
 * Creates the Kafka transport from settings such as `configFromEnv` returns, for tools that
 * need the broker but no registry. Throws a `ConfigError` when no brokers are set.
 */
export function createKafkaTransport(
  config: EventsConfig,
  options: Pick<CreateClientOptions, 'logger' | 'kafkaProducer'> = {},
): KafkaTransport {
  if (!config.brokers) throw new ConfigError('REDPANDA_BROKERS is not set: the Kafka transport needs the broker list, such as 127.0.0.1:9092.');
  return new KafkaTransport({
    brokers: config.brokers,
    clientId: config.clientId,
    // kafkajs passes an object to tls.connect, where `ca` replaces Node's bundled CAs.
    ssl: config.tlsCa ? { ca: [config.tlsCa] } : config.ssl,
    ...(config.sasl ? { sasl: config.sasl } : {}),
    sessionTimeout: config.sessionTimeout,
    rebalanceTimeout: config.rebalanceTimeout,
    heartbeatInterval: config.heartbeatInterval,
    allowAutoTopicCreation: config.allowAutoTopicCreation,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.kafkaProducer ? { producer: options.kafkaProducer } : {}),
    ...(config.compression ? { compression: config.compression } : {}),
  });
}

/** Creates a client for any catalog, typed by its payload and input maps. */
export function createEventsClient<Payloads, Inputs extends { [K in keyof Payloads]: unknown } = Payloads>(
  catalog: Catalog,
  options: CreateClientOptions,
): EventsClient<Payloads, Inputs> {
  return new EventsClient<Payloads, Inputs>(resolveClientOptions(catalog, options));
}
