import { randomUUID } from 'node:crypto';

import { createEvents, EventsError } from '@caddy/events';
import type { CaddyEvents, EventMetadata } from '@caddy/events';

import { publishShopFlow } from './flow.js';

// Runs the shop flow on the in-memory transport, or on Kafka when REDPANDA_BROKERS is set,
// with the two consumers a shop backend runs: stock-updates for product events and
// order-analytics for order and user events. Exits 0 once every event was handled.

const TIMEOUT_MS = Number(process.env.DEMO_TIMEOUT_MS ?? 60_000);
const kafka = Boolean(process.env.REDPANDA_BROKERS?.trim());
const runId = randomUUID().slice(0, 8);
// Each run has its own source, so a run on a shared cluster handles only its own events.
const source = `shop-demo/${runId}`;

async function main(): Promise<number> {
  console.log(
    kafka
      ? `transport: kafka brokers=${process.env.REDPANDA_BROKERS} registry=${process.env.SCHEMA_REGISTRY_URL ?? ''}`
      : 'transport: in-memory',
  );
  let events: CaddyEvents;
  try {
    events = createEvents({ transport: kafka ? 'kafka' : 'in-memory', source });
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  }
  const stop = () => void events.close().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const handled = new Map<string, string>();
  let allHandled: () => void = () => {};
  const finished = new Promise<void>((resolve) => (allHandled = resolve));
  let expected = Number.POSITIVE_INFINITY;

  const handle = (consumer: string) => async (event: { type: string; key: string; metadata: EventMetadata }) => {
    if (event.metadata.source !== source || !event.metadata.id || handled.has(event.metadata.id)) return;
    handled.set(event.metadata.id, consumer);
    console.log(`handled ${event.type} key=${event.key} by ${consumer}`);
    if (handled.size >= expected) allHandled();
  };
  const stockUpdates = handle('stock-updates');
  const orderAnalytics = handle('order-analytics');
  // On Kafka each run gets fresh consumer groups that start at the oldest record, and the
  // source check above skips the events of earlier runs.
  const group = (name: string) => (kafka ? `${name}-${runId}` : name);

  try {
    await events.connect();
    await events.createTopics({ numPartitions: 3 });
    await events.subscribe({
      groupId: group('stock-updates'),
      fromBeginning: true,
      handlers: {
        'product.created': stockUpdates,
        'product.updated': stockUpdates,
        'product.stock.updated': stockUpdates,
        'product.price.updated': stockUpdates,
        'product.viewed': stockUpdates,
      },
    });
    await events.subscribe({
      groupId: group('order-analytics'),
      fromBeginning: true,
      handlers: {
        'order.created': orderAnalytics,
        'order.updated': orderAnalytics,
        'order.paid': orderAnalytics,
        'order.shipped': orderAnalytics,
        'order.completed': orderAnalytics,
        'user.registered': orderAnalytics,
        'user.logged_in': orderAnalytics,
        'user.profile.updated': orderAnalytics,
      },
    });

    const started = Date.now();
    const results = await publishShopFlow(events);
    expected = results.length;
    if (handled.size >= expected) allHandled();

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS)));
    const outcome = await Promise.race([finished.then(() => 'done' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      const missing = results.filter((result) => !handled.has(result.eventId)).length;
      console.error(`error: ${missing} of ${expected} events were not handled within ${TIMEOUT_MS} ms (DEMO_TIMEOUT_MS).`);
      return 1;
    }
    const byConsumer = (name: string) => [...handled.values()].filter((consumer) => consumer === name).length;
    console.log(
      `summary: published ${expected} events, handled ${handled.size} ` +
        `(stock-updates ${byConsumer('stock-updates')}, order-analytics ${byConsumer('order-analytics')}) ` +
        `in ${Date.now() - started} ms`,
    );
    return 0;
  } catch (error) {
    const code = error instanceof EventsError ? ` [${error.code}]` : '';
    console.error(`error${code}: ${(error as Error).message}`);
    return 1;
  } finally {
    await events.close();
  }
}

process.exitCode = await main();
