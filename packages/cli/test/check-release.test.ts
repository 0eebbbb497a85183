import { join } from 'node:path';

import { recordSchemaRelease } from '@caddy/events-schema';
import { afterEach, describe, expect, it } from 'vitest';

import {
  catalogFiles,
  makeDirectory,
  orderPaid,
  orderShipped,
  removeDirectory,
  runCli,
  writeFiles,
} from './catalog-fixtures.js';

const directories: string[] = [];

afterEach(async () => {
  for (const directory of directories.splice(0)) await removeDirectory(directory);
});

const FIXED = ['@caddy/events', '@caddy/events-schema', '@caddy/events-codegen', '@caddy/events-cli'];

/**
 * Creates a pnpm repository whose history has the small catalog released as 0.1.0, with a
 * changesets folder whose config puts the four packages in one `fixed` group.
 */
async function releasedRepository(): Promise<string> {
  const root = await makeDirectory({
    ...catalogFiles(),
    'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
    '.changeset/config.json': { fixed: [FIXED], ignore: [] },
    '.changeset/README.md': 'Changesets.',
  });
  directories.push(root);
  await recordSchemaRelease({ schemaDir: join(root, 'schemas'), release: '0.1.0' });
  return root;
}

function changeset(bumps: Record<string, string>): string {
  const lines = Object.entries(bumps).map(([name, bump]) => `'${name}': ${bump}`);
  return `---\n${lines.join('\n')}\n---\n\nA schema change.\n`;
}

const refunded = {
  ...orderShipped,
  name: 'OrderRefunded',
  event: { type: 'order.refunded', topic: 'orders', key: 'orderId' },
};
const paidV2 = {
  ...orderPaid([{ name: 'reason', type: 'string' }], { type: 'order.paid.v2' }),
  name: 'OrderPaidV2',
};
const note = { name: 'note', type: ['null', 'string'], default: null };

const cases = [
  {
    name: 'a new event type',
    files: { 'schemas/orders/order-refunded.avsc': refunded },
    line:
      'unreleased: schemas/orders/order-refunded.avsc: orders-shop.orders.OrderRefunded is a new ' +
      'event type, order.refunded: a minor bump.',
    bump: 'minor',
  },
  {
    name: 'a new version of an event',
    files: { 'schemas/orders/order-paid-v2.avsc': paidV2 },
    line:
      'unreleased: schemas/orders/order-paid-v2.avsc: orders-shop.orders.OrderPaidV2 is a new ' +
      'version of orders-shop.orders.OrderPaid, with event type order.paid.v2 (a new record ' +
      'name, so a new subject): a minor bump.',
    bump: 'minor',
  },
  {
    name: 'a field added with a default',
    files: { 'schemas/orders/order-paid.avsc': orderPaid([note]) },
    line:
      'unreleased: schemas/orders/order-paid.avsc: orders-shop.orders.OrderPaid adds ' +
      'OrderPaid.note with a default: a patch or minor bump.',
    bump: 'patch or minor',
  },
  {
    name: 'a documentation change',
    files: { 'schemas/orders/order-shipped.avsc': { ...orderShipped, doc: 'Left the warehouse.' } },
    line:
      'unreleased: schemas/orders/order-shipped.avsc: orders-shop.orders.OrderShipped changes ' +
      'only its documentation: a patch bump.',
    bump: 'patch',
  },
];

describe('check against the history without a changeset', () => {
  it.each(cases)('fails on $name and suggests a $bump bump', async ({ files, line, bump }) => {
    const root = await releasedRepository();
    await writeFiles(root, files);
    const { code, stdout, stderr } = await runCli(root, ['check']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toContain(line);
    expect(lines.at(-2)).toBe(
      'fail: 1 schema differs from the latest release in schemas/history.json, and no pending ' +
        'changeset in .changeset bumps @caddy/events or a package versioned with it ' +
        '(@caddy/events-schema, @caddy/events-codegen, @caddy/events-cli). Run `corepack pnpm ' +
        `changeset\`, choose a ${bump} bump for @caddy/events, and describe the schema change; ` +
        '`changeset version` records the new schemas in schemas/history.json at the release.',
    );
    expect(lines.at(-1)).toMatch(/: all passed \(\d new\); 1 changed schema needs a changeset\.$/);
  });

  it('needs no changeset when the schemas equal their latest release', async () => {
    const root = await releasedRepository();
    const { code, stdout } = await runCli(root, ['check']);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/^(unreleased|fail|note):/m);
  });

  it('suggests the largest bump of several changes', async () => {
    const root = await releasedRepository();
    await writeFiles(root, { ...cases[2]!.files, ...cases[0]!.files });
    const { stdout } = await runCli(root, ['check']);
    expect(stdout).toContain('2 schemas differ from the latest release');
    expect(stdout).toContain('choose a minor bump for @caddy/events');
  });
});

describe('check against the history with pending changesets', () => {
  it('passes with a changeset for a package of the fixed group', async () => {
    const root = await releasedRepository();
    await writeFiles(root, {
      ...cases[0]!.files,
      '.changeset/brave-owls.md': changeset({ '@caddy/events-schema': 'minor' }),
    });
    const { code, stdout } = await runCli(root, ['check']);
    expect(code).toBe(0);
    expect(stdout).toContain(cases[0]!.line);
    expect(stdout).toContain(
      'ok: 1 schema differs from the latest release in schemas/history.json, and the pending ' +
        'changeset .changeset/brave-owls.md bumps @caddy/events by minor;',
    );
  });

  it('passes a patch changeset for a field added with a default', async () => {
    const root = await releasedRepository();
    await writeFiles(root, {
      ...cases[2]!.files,
      '.changeset/a.md': changeset({ '@caddy/events': 'patch' }),
    });
    expect((await runCli(root, ['check'])).code).toBe(0);
  });

  it('fails a patch changeset for a new event type', async () => {
    const root = await releasedRepository();
    await writeFiles(root, {
      ...cases[0]!.files,
      '.changeset/a.md': changeset({ '@caddy/events': 'patch' }),
    });
    const { code, stdout } = await runCli(root, ['check']);
    expect(code).toBe(1);
    expect(stdout).toContain(
      'and the pending changeset .changeset/a.md bumps @caddy/events by patch only, but ' +
        'orders-shop.orders.OrderRefunded calls for a minor bump. Raise the bump to minor in ' +
        'that changeset, or run `corepack pnpm changeset` and choose a minor bump for ' +
        '@caddy/events.',
    );
    expect(stdout).toContain('1 changed schema needs a minor changeset.');
  });

  it.each([
    ['a package outside the fixed group', { 'shop-demo': 'minor' }],
    ['a bump of none', { '@caddy/events': 'none' }],
  ])('does not count a changeset for %s', async (_name, bumps) => {
    const root = await releasedRepository();
    await writeFiles(root, { ...cases[3]!.files, '.changeset/a.md': changeset(bumps) });
    const { code, stdout } = await runCli(root, ['check']);
    expect(code).toBe(1);
    expect(stdout).toContain('and no pending changeset in .changeset bumps @caddy/events');
  });

  it('reads the changesets folder and release package given as options', async () => {
    const root = await releasedRepository();
    await writeFiles(root, {
      ...cases[3]!.files,
      'release-notes/a.md': changeset({ 'shop-events': 'patch' }),
    });
    const args = ['check', '--changesets', 'release-notes', '--release-package', 'shop-events'];
    const { code, stdout } = await runCli(root, args);
    expect(code).toBe(0);
    expect(stdout).toContain('the pending changeset release-notes/a.md bumps shop-events by patch');
  });

  it('requires no changeset without a changesets folder', async () => {
    const root = await makeDirectory(catalogFiles());
    directories.push(root);
    await recordSchemaRelease({ schemaDir: join(root, 'schemas'), release: '0.1.0' });
    await writeFiles(root, cases[3]!.files);
    const { code, stdout } = await runCli(root, ['check']);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'note: 1 schema differs from the latest release in schemas/history.json, but no ' +
        '.changeset folder was found from schemas up to the repository root, so no changeset ' +
        'is required; pass --changesets <dir> to require one.',
    );
  });
});

describe('changeset rule output formats', () => {
  it('adds a release object to the JSON report', async () => {
    const root = await releasedRepository();
    await writeFiles(root, cases[2]!.files);
    const { code, stdout } = await runCli(root, ['check', '--format', 'json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.passed).toBe(false);
    expect(report.release).toEqual({
      passed: false,
      verdict: 'no-changeset',
      history: 'schemas/history.json',
      releasePackage: '@caddy/events',
      suggestedBump: 'patch or minor',
      requiredBump: 'patch',
      changes: [
        {
          subject: 'orders-shop.orders.OrderPaid',
          eventType: 'order.paid',
          file: 'schemas/orders/order-paid.avsc',
          kind: 'field-added',
          bump: 'patch or minor',
          addedFields: ['OrderPaid.note'],
        },
      ],
      changesets: {
        dir: '.changeset',
        pending: 0,
        covering: [],
        bump: null,
        addCommand: 'corepack pnpm changeset',
      },
    });
  });

  it('annotates the changed file for GitHub Actions', async () => {
    const root = await releasedRepository();
    await writeFiles(root, cases[0]!.files);
    const { stdout } = await runCli(root, ['check', '--format', 'github']);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toContain(
      '::error file=schemas/orders/order-refunded.avsc,title=orders-shop.orders.OrderRefunded ' +
        'changed without a changeset::orders-shop.orders.OrderRefunded is a new event type, ' +
        'order.refunded: a minor bump.',
    );
    expect(lines.at(-2)).toMatch(/^::error title=Missing changeset::1 schema differs /);
  });

  it('titles a too-small bump as such', async () => {
    const root = await releasedRepository();
    await writeFiles(root, {
      ...cases[0]!.files,
      '.changeset/a.md': changeset({ '@caddy/events': 'patch' }),
    });
    const { code, stdout } = await runCli(root, ['check', '--format', 'github']);
    const lines = stdout.trimEnd().split('\n');
    expect(code).toBe(1);
    expect(lines).toContain(
      '::error file=schemas/orders/order-refunded.avsc,title=orders-shop.orders.OrderRefunded ' +
        'needs a larger bump::orders-shop.orders.OrderRefunded is a new event type, ' +
        'order.refunded: a minor bump.',
    );
    expect(lines.at(-2)).toMatch(/^::error title=Changeset bump too small::1 schema differs /);
  });
});

describe('changeset rule, invalid input', () => {
  it.each([
    ['a missing changesets folder', ['--changesets', 'nowhere'], /changesets folder nowhere not found/],
    ['an empty --changesets', ['--changesets', ''], /--changesets is empty; give a value or leave the option out/],
    ['--changesets with git', ['--against', 'git:HEAD', '--changesets', '.changeset'], /--changesets applies to --against history only/],
    ['--release-package with the registry', ['--against', 'registry', '--release-package', 'x'], /--release-package applies to --against history only/],
  ])('exits 2 on %s', async (_name, args, message) => {
    const root = await releasedRepository();
    const { code, stdout, stderr } = await runCli(root, ['check', ...args]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('exits 2 on a changeset that changesets cannot parse', async () => {
    const root = await releasedRepository();
    await writeFiles(root, { ...cases[3]!.files, '.changeset/broken.md': 'no front matter' });
    const { code, stderr } = await runCli(root, ['check']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/\.changeset\/broken\.md is not a valid changeset: could not parse changeset/);
  });
});
