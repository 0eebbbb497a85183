// The repository's version step, `corepack pnpm changeset version` (scripts/changeset.mjs),
// is the only writer of schemas/history.json. These tests run it on temporary copies of the
// workspace, made by the smoke test's copyWorkspace, and read the copy's history back.

import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import {
  historyAdditions,
  loadSchemaCatalog,
  readSchemaHistory,
  unreleasedSchemaChanges,
} from '../../src/index.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

interface SmokeLib {
  copyWorkspace(destination: string, options?: { withPackFiles?: boolean }): void;
}

const smokeLib = pathToFileURL(join(repoRoot, 'scripts', 'smoke', 'lib.mjs')).href;
const { copyWorkspace } = (await import(smokeLib)) as SmokeLib;

const copies: string[] = [];

afterEach(async () => {
  for (const copy of copies.splice(0)) await rm(copy, { recursive: true, force: true });
});

/** Copies the workspace without its pending changesets, plus the given ones. */
async function workspaceCopy(changesets: Record<string, string> = {}): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'caddy-version-step-'));
  copies.push(parent);
  const root = join(parent, 'workspace');
  copyWorkspace(root);
  for (const name of await readdir(join(root, '.changeset'))) {
    if (name.endsWith('.md') && name !== 'README.md') await rm(join(root, '.changeset', name));
  }
  for (const [name, bumps] of Object.entries(changesets)) {
    await writeFile(join(root, '.changeset', name), `---\n${bumps}\n---\n\nA change.\n`);
  }
  return root;
}

function changeset(root: string, ...args: string[]): string {
  const env = { ...process.env, COREPACK_ENABLE_DOWNLOAD_PROMPT: '0' };
  return execFileSync('corepack', ['pnpm', 'changeset', ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function readJson(path: string): Promise<{ version: string }> {
  return JSON.parse(await readFile(path, 'utf8'));
}

const refunded = {
  type: 'record',
  name: 'OrderRefunded',
  namespace: 'shop.orders',
  event: { type: 'order.refunded', topic: 'orders', key: 'orderId' },
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amount', type: 'shop.common.Money' },
  ],
};

/** Adds the `order.refunded` event and a field with a default to `order.shipped`. */
async function changeSchemas(root: string): Promise<void> {
  await writeFile(join(root, 'schemas/orders/order-refunded.avsc'), JSON.stringify(refunded));
  const shippedFile = join(root, 'schemas/orders/order-shipped.avsc');
  const shipped = JSON.parse(await readFile(shippedFile, 'utf8'));
  shipped.fields.push({ name: 'smokeNote', type: ['null', 'string'], default: null });
  await writeFile(shippedFile, JSON.stringify(shipped));
}

describe('changeset version', () => {
  it('records the changed schemas for the new version of @caddy/events', async () => {
    // A changeset for the CLI alone: the fixed group moves @caddy/events along with it.
    const root = await workspaceCopy({ 'schemas.md': "'@caddy/events-cli': minor" });
    await changeSchemas(root);
    const historyFile = join(root, 'schemas/history.json');
    const before = await readSchemaHistory(historyFile);
    const previous = (await readJson(join(repoRoot, 'packages/events/package.json'))).version;

    const output = changeset(root, 'version');

    const { version } = await readJson(join(root, 'packages/events/package.json'));
    expect(version).not.toBe(previous);
    const after = await readSchemaHistory(historyFile);
    const shippedVersions = before.subjects['orders-shop.orders.OrderShipped']?.versions.length ?? 0;
    expect(historyAdditions(before, after)).toEqual([
      { subject: 'orders-shop.orders.OrderRefunded', eventType: 'order.refunded', release: version, version: 1 },
      {
        subject: 'orders-shop.orders.OrderShipped',
        eventType: 'order.shipped',
        release: version,
        version: shippedVersions + 1,
      },
    ]);
    expect(output).toContain(`2 entries for @caddy/events@${version} added to schemas/history.json`);
    const catalog = await loadSchemaCatalog(join(root, 'schemas'));
    expect(unreleasedSchemaChanges(after, catalog.events)).toEqual([]);
  }, 60_000);

  it('leaves the history alone when no changeset is pending', async () => {
    const root = await workspaceCopy();
    await changeSchemas(root);
    const before = await readFile(join(root, 'schemas/history.json'), 'utf8');
    const output = changeset(root, 'version');
    expect(output).toContain('@caddy/events stays at');
    expect(await readFile(join(root, 'schemas/history.json'), 'utf8')).toBe(before);
  }, 60_000);

  it('records nothing for a snapshot version', async () => {
    const root = await workspaceCopy({ 'schemas.md': "'@caddy/events': minor" });
    await changeSchemas(root);
    const before = await readFile(join(root, 'schemas/history.json'), 'utf8');
    const output = changeset(root, 'version', '--snapshot', 'test');
    expect(output).toContain('a snapshot is not a release');
    const { version } = await readJson(join(root, 'packages/events/package.json'));
    expect(version).toMatch(/^0\.0\.0-test-/);
    expect(await readFile(join(root, 'schemas/history.json'), 'utf8')).toBe(before);
  }, 60_000);
});
