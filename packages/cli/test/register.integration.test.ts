import { randomUUID } from 'node:crypto';

import { afterEach, describe, expect, it } from 'vitest';

import {
  catalogFiles,
  makeDirectory,
  orderPaid,
  removeDirectory,
  runCli,
  writeFiles,
} from './catalog-fixtures.js';
import { registryUrl } from './registry-env.js';

// Runs `register` and `check --against registry` against the schema registry that
// scripts/stack.sh starts (Apicurio's Confluent-compatible API) or any registry named by
// SCHEMA_REGISTRY_URL. Each test uses its own topic prefix, so its subjects are new.

const url = registryUrl();
const directories: string[] = [];

afterEach(async () => {
  for (const directory of directories.splice(0)) await removeDirectory(directory);
});

async function repository(): Promise<{ root: string; env: Record<string, string> }> {
  const root = await makeDirectory(catalogFiles());
  directories.push(root);
  const env = { SCHEMA_REGISTRY_URL: url, EVENTS_TOPIC_PREFIX: `it-${randomUUID().slice(0, 8)}.` };
  return { root, env };
}

async function registryGet(path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const optionalNote = { name: 'note', type: ['null', 'string'], default: null };

describe('register', () => {
  it('lists new subjects in a dry run and registers nothing', async () => {
    const { root, env } = await repository();
    const { code, stdout, stderr } = await runCli(root, ['register', '--dry-run'], env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const paid = `${env.EVENTS_TOPIC_PREFIX}orders-shop.orders.OrderPaid`;
    expect(stdout).toContain(`new subject: ${paid} (order.paid, schemas/orders/order-paid.avsc)\n`);
    expect(stdout).toContain(`Dry run against ${url}: 2 new subjects, 0 new versions, 0 unchanged; nothing was changed.`);
    expect((await registryGet(`/subjects/${encodeURIComponent(paid)}/versions`)).status).toBe(404);
  });

  it('registers every subject, then finds them unchanged', async () => {
    const { root, env } = await repository();
    const first = await runCli(root, ['register'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^new subject: \S+orders-shop\.orders\.OrderPaid \(order\.paid, schemas\/orders\/order-paid\.avsc\), id \d+$/m);
    expect(first.stdout).toContain('2 new subjects, 0 new versions, 0 unchanged, 0 failed.');

    const paid = `${env.EVENTS_TOPIC_PREFIX}orders-shop.orders.OrderPaid`;
    const versions = await registryGet(`/subjects/${encodeURIComponent(paid)}/versions`);
    expect(versions.body).toEqual([1]);

    const again = await runCli(root, ['register', '--dry-run'], env);
    expect(again.stdout).toMatch(new RegExp(`^unchanged: ${paid.replace(/\./g, '\\.')} .* is registered as id \\d+, version 1$`, 'm'));
    expect(again.stdout).toContain('0 new subjects, 0 new versions, 2 unchanged');
  });

  it('registers a changed schema as a new version', async () => {
    const { root, env } = await repository();
    await runCli(root, ['register'], env);
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': orderPaid([optionalNote]) });

    const dryRun = await runCli(root, ['register', '--dry-run'], env);
    expect(dryRun.stdout).toMatch(/^new version: \S+orders-shop\.orders\.OrderPaid .* after version 1$/m);
    expect(dryRun.stdout).toContain('0 new subjects, 1 new version, 1 unchanged');

    const applied = await runCli(root, ['register'], env);
    expect(applied.code).toBe(0);
    const paid = `${env.EVENTS_TOPIC_PREFIX}orders-shop.orders.OrderPaid`;
    expect((await registryGet(`/subjects/${encodeURIComponent(paid)}/versions`)).body).toEqual([1, 2]);
  });

  it('sets compatibility only when asked', async () => {
    const { root, env } = await repository();
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': orderPaid([], { compatibility: 'BACKWARD_TRANSITIVE' }) });
    const paid = `${env.EVENTS_TOPIC_PREFIX}orders-shop.orders.OrderPaid`;
    const shipped = `${env.EVENTS_TOPIC_PREFIX}orders-shop.orders.OrderShipped`;
    const levelOf = async (subject: string) =>
      (await registryGet(`/config/${encodeURIComponent(subject)}`)).body?.compatibilityLevel;

    await runCli(root, ['register'], env);
    const unset = await levelOf(shipped);
    expect(unset).not.toBe('FULL_TRANSITIVE');

    const dryRun = await runCli(root, ['register', '--dry-run', '--set-compatibility'], env);
    expect(dryRun.stdout).toContain(`compatibility: ${shipped} would be set to FULL_TRANSITIVE (was ${unset})`);
    expect(dryRun.stdout).toContain('2 level changes; nothing was changed.');
    expect(await levelOf(shipped)).toBe(unset);

    const applied = await runCli(root, ['register', '--set-compatibility'], env);
    expect(applied.code).toBe(0);
    expect(await levelOf(shipped)).toBe('FULL_TRANSITIVE');
    expect(await levelOf(paid)).toBe('BACKWARD_TRANSITIVE');

    const settled = await runCli(root, ['register', '--dry-run', '--set-compatibility'], env);
    expect(settled.stdout).toContain(`compatibility: ${shipped} stays at FULL_TRANSITIVE`);
  });

  it('sets the level of a new subject', async () => {
    const { root, env } = await repository();
    const applied = await runCli(root, ['register', '--set-compatibility'], env);
    expect(applied.code).toBe(0);
    const shipped = `${env.EVENTS_TOPIC_PREFIX}orders-shop.orders.OrderShipped`;
    expect((await registryGet(`/config/${encodeURIComponent(shipped)}`)).body.compatibilityLevel).toBe('FULL_TRANSITIVE');
  });

  it('reports a rejected schema and exits 1', async () => {
    const { root, env } = await repository();
    await runCli(root, ['register', '--set-compatibility'], env);
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': orderPaid([{ name: 'note', type: 'string' }]) });
    const { code, stdout } = await runCli(root, ['register'], env);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^failed: \S+orders-shop\.orders\.OrderPaid .*, new version: POST \/subjects\/\S+\/versions failed with HTTP 409/m);
    expect(stdout).toContain('0 new subjects, 0 new versions, 1 unchanged, 1 failed.');
  });

  it('prints JSON with --format json', async () => {
    const { root, env } = await repository();
    const { code, stdout } = await runCli(root, ['register', '--dry-run', '--format', 'json'], env);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ url, dryRun: true });
    expect(report.subjects).toEqual([
      {
        subject: `${env.EVENTS_TOPIC_PREFIX}orders-shop.orders.OrderPaid`,
        eventType: 'order.paid',
        file: 'schemas/orders/order-paid.avsc',
        status: 'new subject',
      },
      {
        subject: `${env.EVENTS_TOPIC_PREFIX}orders-shop.orders.OrderShipped`,
        eventType: 'order.shipped',
        file: 'schemas/orders/order-shipped.avsc',
        status: 'new subject',
      },
    ]);
  });

  it('takes the registry from --url', async () => {
    const { root, env } = await repository();
    const { code, stdout } = await runCli(root, ['register', '--dry-run', '--url', url], {
      EVENTS_TOPIC_PREFIX: env.EVENTS_TOPIC_PREFIX,
    });
    expect(code).toBe(0);
    expect(stdout).toContain(`Dry run against ${url}:`);
  });
});

describe('check --against registry', () => {
  it('passes what was registered', async () => {
    const { root, env } = await repository();
    await runCli(root, ['register'], env);
    const { code, stdout } = await runCli(root, ['check', '--against', 'registry'], env);
    expect(code).toBe(0);
    expect(stdout).toContain(`Checked 2 subjects against the registry at ${url}: all passed (0 new).`);
  });

  it('reports a break against a registered version', async () => {
    const { root, env } = await repository();
    await runCli(root, ['register'], env);
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': orderPaid([{ name: 'note', type: 'string' }]) });
    const { code, stdout } = await runCli(root, ['check', '--against', 'registry'], env);
    expect(code).toBe(1);
    expect(stdout).toContain(
      'OrderPaid.note: READER_FIELD_MISSING_DEFAULT_VALUE (BACKWARD against registry version 1, at /fields/2)',
    );
  });

  it('checks every registered version', async () => {
    const { root, env } = await repository();
    await runCli(root, ['register'], env);
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': orderPaid([optionalNote]) });
    await runCli(root, ['register'], env);
    const { code, stdout } = await runCli(root, ['check', '--against', 'registry'], env);
    expect(code).toBe(0);
    expect(stdout).toContain('is compatible at FULL_TRANSITIVE with 2 of 2 previous versions.');
  });

  it('treats unregistered subjects as new', async () => {
    const { root, env } = await repository();
    const { code, stdout } = await runCli(root, ['check', '--against', 'registry'], env);
    expect(code).toBe(0);
    expect(stdout).toContain('all passed (2 new).');
  });
});
