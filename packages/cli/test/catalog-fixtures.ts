import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { main, type CommandIo } from '../src/main.js';

/** A small catalog: one shared type and two events on the `orders` topic. */
export const money = {
  type: 'record',
  name: 'Money',
  namespace: 'shop.common',
  fields: [
    { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 } },
    { name: 'currency', type: 'string' },
  ],
};

/** Returns the `order.paid` event, with extra fields and event attributes when given. */
export function orderPaid(extraFields: unknown[] = [], event: Record<string, string> = {}) {
  return {
    type: 'record',
    name: 'OrderPaid',
    namespace: 'shop.orders',
    event: { type: 'order.paid', topic: 'orders', key: 'orderId', ...event },
    fields: [
      { name: 'orderId', type: 'string' },
      { name: 'amount', type: 'shop.common.Money' },
      ...extraFields,
    ],
  };
}

/** The `order.shipped` event. */
export const orderShipped = {
  type: 'record',
  name: 'OrderShipped',
  namespace: 'shop.orders',
  event: { type: 'order.shipped', topic: 'orders', key: 'orderId' },
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'carrier', type: 'string' },
  ],
};

/** Returns the files of the small catalog, by path under the repository root. */
export function catalogFiles(paid: object = orderPaid()): Record<string, unknown> {
  return {
    'schemas/shared/money.avsc': money,
    'schemas/orders/order-paid.avsc': paid,
    'schemas/orders/order-shipped.avsc': orderShipped,
  };
}

/** Creates a temporary directory with files; objects are written as JSON. */
export async function makeDirectory(files: Record<string, unknown>): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'caddy-cli-'));
  await writeFiles(directory, files);
  return directory;
}

/** Writes files under a directory, replacing existing ones. */
export async function writeFiles(directory: string, files: Record<string, unknown>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(directory, path)), { recursive: true });
    const text = typeof content === 'string' ? content : JSON.stringify(content, null, 2);
    await writeFile(join(directory, path), text);
  }
}

/** Removes a temporary directory. */
export async function removeDirectory(directory: string): Promise<void> {
  await rm(directory, { recursive: true, force: true });
}

/** Output and exit status of one CLI run. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in a directory with the given environment and captures its output. */
export async function runCli(
  cwd: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd,
    env,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** Returns a local URL on which nothing listens: a port the system gave out and took back. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
