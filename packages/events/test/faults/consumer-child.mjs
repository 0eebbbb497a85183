// A consumer process for the fault tests, run with `node consumer-child.mjs '<json settings>'`.
// It imports the built SDK (packages/events/dist), subscribes one consumer group member,
// and appends one line per handler step to the log file named in the settings:
//
//   ready <time>                                   the subscription joined its group
//   start <partition> <offset> <ce_id> <time>      a handler began
//   done <partition> <offset> <ce_id> <time>       a handler is about to return
//   signal <name> <time>                           the process received SIGTERM or SIGINT
//
// Lines are written with writeSync before the handler returns, so a line is on disk before
// the SDK can commit that record's offset, even when the process is then killed with SIGKILL.
// Settings: brokers, registryUrl, prefix, groupId, logFile, types (event types to handle),
// handlerDelayMs, partitionsConsumedConcurrently, concurrency, sessionTimeout, heartbeatInterval.

import { openSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const { createEvents } = await import(new URL('../../dist/index.js', import.meta.url).href);

const settings = JSON.parse(process.argv[2] ?? '{}');
const log = openSync(settings.logFile, 'a');
const write = (line) => writeSync(log, `${line} ${Date.now()}\n`);

// Only warnings and errors reach stderr, one JSON line each, and the test shows them when it fails.
const stderrLogger = {
  debug() {},
  info() {},
  warn(fields, message) {
    process.stderr.write(`${JSON.stringify({ level: 'warn', message, ...fields })}\n`);
  },
  error(fields, message) {
    process.stderr.write(`${JSON.stringify({ level: 'error', message, ...fields })}\n`);
  },
};

const events = createEvents({
  transport: 'kafka',
  env: {
    REDPANDA_BROKERS: settings.brokers,
    SCHEMA_REGISTRY_URL: settings.registryUrl,
    EVENTS_TOPIC_PREFIX: settings.prefix,
    REDPANDA_SESSION_TIMEOUT: String(settings.sessionTimeout ?? 30_000),
    REDPANDA_HEARTBEAT_INTERVAL: String(settings.heartbeatInterval ?? 3_000),
  },
  logger: stderrLogger,
  handleSignals: true,
});

// The client closes itself on these signals because of handleSignals. This listener only
// logs when the signal arrived, so the test can find handlers that started after it.
for (const name of ['SIGTERM', 'SIGINT']) process.on(name, () => write(`signal ${name}`));

const handle = async (event) => {
  const { partition, offset, id } = event.metadata;
  write(`start ${partition} ${offset} ${id}`);
  if (settings.handlerDelayMs > 0) await sleep(settings.handlerDelayMs);
  write(`done ${partition} ${offset} ${id}`);
};

await events.subscribe({
  groupId: settings.groupId,
  fromBeginning: true,
  handlers: Object.fromEntries(settings.types.map((type) => [type, handle])),
  partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently ?? 1,
  concurrency: settings.concurrency ?? 1,
});
write('ready');
