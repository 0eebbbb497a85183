import { readFileSync } from 'node:fs';

import type { SASLOptions } from 'kafkajs';

import { ConfigError } from './errors.js';
import type { RegistryMode } from './serde/event-serde.js';
import type { CompressionName } from './transport/codecs.js';

/** Settings read from the environment; see the configuration table in the README. */
export interface EventsConfig {
  brokers?: string[];
  clientId: string;
  groupId?: string;
  sessionTimeout: number;
  rebalanceTimeout: number;
  heartbeatInterval: number;
  allowAutoTopicCreation: boolean;
  registryUrl?: string;
  registryAuth?: { username: string; password: string };
  topicPrefix: string;
  registryMode: RegistryMode;
  sasl?: SASLOptions;
  ssl: boolean;
  /** PEM certificates of the CAs that the brokers' TLS certificates must chain to. */
  tlsCa?: string;
  /** PEM certificates of the CAs that an https registry's certificate must chain to. */
  registryCa?: string;
  /** Compression of produced batches. */
  compression?: CompressionName;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates the SDK's settings from environment variables. */
export function configFromEnv(env: Env = process.env): EventsConfig {
  const brokers = list(env.REDPANDA_BROKERS);
  const registryUrl = text(env.SCHEMA_REGISTRY_URL);
  const groupId = text(env.REDPANDA_CONSUMER_GROUP_ID);
  const registryAuth = credentials(env, 'SCHEMA_REGISTRY_USERNAME', 'SCHEMA_REGISTRY_PASSWORD');
  const sasl = saslOptions(env);
  const tlsCa = pemFile(env, 'REDPANDA_TLS_CA_FILE');
  const registryCa = pemFile(env, 'SCHEMA_REGISTRY_TLS_CA_FILE');
  const ssl = boolean(env, 'REDPANDA_TLS', tlsCa !== undefined);
  if (tlsCa && !ssl) throw new ConfigError('REDPANDA_TLS_CA_FILE is set, but REDPANDA_TLS is false: unset one of them.');
  if (registryCa && !/^https:/i.test(registryUrl ?? '')) {
    throw new ConfigError('SCHEMA_REGISTRY_TLS_CA_FILE is set, but SCHEMA_REGISTRY_URL is not an https:// URL.');
  }
  return {
    ...(brokers ? { brokers } : {}),
    ...(registryUrl ? { registryUrl: checkUrl(registryUrl) } : {}),
    ...(groupId ? { groupId } : {}),
    ...(registryAuth ? { registryAuth } : {}),
    ...(sasl ? { sasl } : {}),
    ...(tlsCa ? { tlsCa } : {}),
    ...(registryCa ? { registryCa } : {}),
    clientId: text(env.REDPANDA_CLIENT_ID) ?? '@caddy/events',
    sessionTimeout: integer(env, 'REDPANDA_SESSION_TIMEOUT', 30_000),
    rebalanceTimeout: integer(env, 'REDPANDA_REBALANCE_TIMEOUT', 60_000),
    heartbeatInterval: integer(env, 'REDPANDA_HEARTBEAT_INTERVAL', 3_000),
    allowAutoTopicCreation: boolean(env, 'REDPANDA_ALLOW_AUTO_TOPIC_CREATION', false),
    topicPrefix: env.EVENTS_TOPIC_PREFIX ?? '',
    registryMode: registryMode(env.EVENTS_REGISTRY_MODE),
    ssl,
    compression: compression(env.EVENTS_COMPRESSION),
  };
}

function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

function checkUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // Reported below with the expected form.
  }
  throw new ConfigError(`SCHEMA_REGISTRY_URL must be an http:// or https:// URL, such as http://127.0.0.1:8081.`);
}

function integer(env: Env, name: string, fallback: number): number {
  const value = text(env[name]);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new ConfigError(`${name} must be a positive whole number of milliseconds, such as ${fallback}.`);
  }
  return parsed;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const value = text(env[name])?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(`${name} must be true or false.`);
}

function compression(value: string | undefined): CompressionName {
  const name = text(value)?.toLowerCase() ?? 'none';
  if (name === 'none' || name === 'gzip' || name === 'snappy' || name === 'lz4' || name === 'zstd') return name;
  throw new ConfigError('EVENTS_COMPRESSION must be none, gzip, snappy, lz4 or zstd.');
}

/** Reads a PEM file named by a variable, so that a wrong path fails at start with that variable's name. */
function pemFile(env: Env, name: string): string | undefined {
  const path = text(env[name]);
  if (path === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${name} names ${path}, which cannot be read: ${(error as Error).message}.`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(`${name} names ${path}, which contains no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  }
  return pem;
}

function registryMode(value: string | undefined): RegistryMode {
  const mode = text(value) ?? 'auto-register';
  if (mode === 'auto-register' || mode === 'lookup-only') return mode;
  throw new ConfigError(`EVENTS_REGISTRY_MODE must be auto-register or lookup-only.`);
}

function credentials(env: Env, userVariable: string, passwordVariable: string): { username: string; password: string } | undefined {
  const username = text(env[userVariable]);
  const password = env[passwordVariable];
  if (username === undefined && password === undefined) return undefined;
  if (username === undefined || password === undefined) {
    throw new ConfigError(`${userVariable} and ${passwordVariable} must be set together.`);
  }
  return { username, password };
}

function saslOptions(env: Env): SASLOptions | undefined {
  const mechanism = text(env.REDPANDA_SASL_MECHANISM)?.toLowerCase();
  if (mechanism === undefined) return undefined;
  const auth = credentials(env, 'REDPANDA_SASL_USERNAME', 'REDPANDA_SASL_PASSWORD');
  if (!auth) throw new ConfigError('REDPANDA_SASL_MECHANISM needs REDPANDA_SASL_USERNAME and REDPANDA_SASL_PASSWORD.');
  if (mechanism === 'plain' || mechanism === 'scram-sha-256' || mechanism === 'scram-sha-512') {
    return { mechanism, ...auth } as SASLOptions;
  }
  throw new ConfigError('REDPANDA_SASL_MECHANISM must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.');
}
