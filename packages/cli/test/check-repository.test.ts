import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { recordSchemaRelease } from '@caddy/events-schema';
import { afterEach, describe, expect, it } from 'vitest';

import {
  catalogFiles,
  closedPortUrl,
  makeDirectory,
  orderPaid,
  removeDirectory,
  runCli,
  writeFiles,
} from './catalog-fixtures.js';

const directories: string[] = [];

afterEach(async () => {
  for (const directory of directories.splice(0)) await removeDirectory(directory);
});

/** Creates a repository whose history has the small catalog released as 0.1.0. */
async function releasedRepository(): Promise<string> {
  const root = await makeDirectory(catalogFiles());
  directories.push(root);
  await recordSchemaRelease({ schemaDir: join(root, 'schemas'), release: '0.1.0' });
  return root;
}

const optionalNote = { name: 'note', type: ['null', 'string'], default: null };
const requiredNote = { name: 'note', type: 'string' };

describe('check in repository mode', () => {
  it('passes an unchanged catalog', async () => {
    const root = await releasedRepository();
    const { code, stdout, stderr } = await runCli(root, ['check']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.split('\n')).toEqual([
      'ok: orders-shop.orders.OrderPaid (schemas/orders/order-paid.avsc) is compatible at ' +
        'FULL_TRANSITIVE with 1 of 1 previous version.',
      'ok: orders-shop.orders.OrderShipped (schemas/orders/order-shipped.avsc) is compatible at ' +
        'FULL_TRANSITIVE with 1 of 1 previous version.',
      'Checked 2 subjects against the history in schemas/history.json: all passed (0 new).',
      '',
    ]);
  });

  it('passes a compatible change', async () => {
    const root = await releasedRepository();
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': orderPaid([optionalNote]) });
    expect((await runCli(root, ['check'])).code).toBe(0);
  });

  it('names the field and rule of a break', async () => {
    const root = await releasedRepository();
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': orderPaid([requiredNote]) });
    const { code, stdout } = await runCli(root, ['check']);
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(
      'break: schemas/orders/order-paid.avsc: OrderPaid.note: READER_FIELD_MISSING_DEFAULT_VALUE ' +
        "(BACKWARD against release 0.1.0, at /fields/2): The new schema has field 'note' without " +
        "a default, and the previous schema has no field of that name or alias; give 'note' a default.",
    );
    expect(lines[1]).toMatch(
      /^fail: orders-shop\.orders\.OrderPaid \(schemas\/orders\/order-paid\.avsc\) is not compatible at FULL_TRANSITIVE /,
    );
    expect(stdout).toContain('Checked 2 subjects against the history in schemas/history.json: 1 failed (0 new).');
  });

  it('suggests a new event version on a break', async () => {
    const root = await releasedRepository();
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': orderPaid([requiredNote]) });
    const { stdout } = await runCli(root, ['check']);
    expect(stdout).toContain('ship the change as a new event version');
    expect(stdout).toContain('new record name and event type (such as shop.orders.OrderPaidV2 and order.paid.v2)');
  });

  it('reports a break inside a shared type', async () => {
    const root = await releasedRepository();
    const money = JSON.parse(await readFile(join(root, 'schemas/shared/money.avsc'), 'utf8'));
    money.fields[1].type = 'int';
    await writeFiles(root, { 'schemas/shared/money.avsc': money });
    const { code, stdout } = await runCli(root, ['check']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^break: schemas\/orders\/order-paid\.avsc: OrderPaid\.amount\.currency: TYPE_MISMATCH \(BACKWARD /m);
    expect(stdout).toMatch(/^break: schemas\/orders\/order-paid\.avsc: OrderPaid\.amount\.currency: TYPE_MISMATCH \(FORWARD /m);
  });

  it('uses the level a schema declares', async () => {
    const root = await releasedRepository();
    const forward = orderPaid([requiredNote], { compatibility: 'FORWARD' });
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': forward });
    const { code, stdout } = await runCli(root, ['check']);
    expect(code).toBe(0);
    expect(stdout).toContain('ok: orders-shop.orders.OrderPaid (schemas/orders/order-paid.avsc) is compatible at FORWARD');
  });

  it('replaces every level with --level', async () => {
    const root = await releasedRepository();
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': orderPaid([requiredNote]) });
    const { code, stdout } = await runCli(root, ['check', '--level', 'forward']);
    expect(code).toBe(0);
    expect(stdout).toContain('is compatible at FORWARD with 1 of 1 previous version.');
  });

  it('fails on a lint warning', async () => {
    const root = await releasedRepository();
    const ignored = { name: 'at', type: 'long', logicalType: 'timestamp-millis', default: 0 };
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': orderPaid([ignored]) });
    const { code, stdout } = await runCli(root, ['check']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^warning: schemas\/orders\/order-paid\.avsc: OrderPaid\.at: FIELD_LOGICAL_TYPE_IGNORED \(at \/fields\/2\/logicalType\): /m);
    expect(stdout).toContain('but has 0 breaks, 1 warning; repository mode fails on warnings');
  });

  it('accepts a new event version as a new subject', async () => {
    const root = await releasedRepository();
    const v2 = { ...orderPaid([requiredNote], { type: 'order.paid.v2' }), name: 'OrderPaidV2' };
    await writeFiles(root, { 'schemas/orders/order-paid-v2.avsc': v2 });
    const { code, stdout } = await runCli(root, ['check']);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'new: orders-shop.orders.OrderPaidV2 (schemas/orders/order-paid-v2.avsc) has no previous version',
    );
    expect(stdout).toContain('all passed (1 new).');
  });

  it('notes a subject that was removed', async () => {
    const root = await releasedRepository();
    await removeDirectory(join(root, 'schemas/orders/order-shipped.avsc'));
    const { code, stdout } = await runCli(root, ['check']);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'note: orders-shop.orders.OrderShipped has previous versions in the history in schemas/history.json, ' +
        'but no schema in schemas declares it any more',
    );
  });

  it('checks every release at FULL_TRANSITIVE', async () => {
    const root = await releasedRepository();
    const withCode = orderPaid([{ name: 'code', type: 'string', default: '' }]);
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': withCode });
    await recordSchemaRelease({ schemaDir: join(root, 'schemas'), release: '0.2.0' });
    const withoutDefault = orderPaid([{ name: 'code', type: 'string' }]);
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': withoutDefault });
    const { code, stdout } = await runCli(root, ['check']);
    expect(code).toBe(1);
    expect(stdout).toContain('(BACKWARD against release 0.1.0, at /fields/2)');
    expect(stdout).toContain('with 2 of 2 previous versions (1 break, 0 warnings)');
  });

  it('reads --schemas and --history', async () => {
    const root = await releasedRepository();
    const { code, stdout } = await runCli(join(root, 'schemas'), ['check', '--schemas', '.', '--history', 'history.json']);
    expect(code).toBe(0);
    expect(stdout).toContain('(orders/order-paid.avsc)');
    expect(stdout).toContain('against the history in history.json');
  });
});

describe('check output formats', () => {
  it('prints one JSON object', async () => {
    const root = await releasedRepository();
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': orderPaid([requiredNote]) });
    const { code, stdout } = await runCli(root, ['check', '--format', 'json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ passed: false, against: 'history', removedSubjects: [] });
    expect(report.subjects).toHaveLength(2);
    expect(report.subjects[0]).toMatchObject({
      subject: 'orders-shop.orders.OrderPaid',
      eventType: 'order.paid',
      file: 'schemas/orders/order-paid.avsc',
      level: 'FULL_TRANSITIVE',
      previous: ['release 0.1.0'],
      passed: false,
      compatible: false,
      warnings: [],
    });
    expect(report.subjects[0].issues[0]).toMatchObject({
      code: 'READER_FIELD_MISSING_DEFAULT_VALUE',
      path: 'OrderPaid.note',
      location: '/fields/2',
    });
    expect(report.subjects[1]).toMatchObject({ passed: true, issues: [] });
  });

  it('prints GitHub Actions annotations', async () => {
    const root = await releasedRepository();
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': orderPaid([requiredNote]) });
    const { code, stdout } = await runCli(root, ['check', '--format', 'github']);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      '::error file=schemas/orders/order-paid.avsc,title=READER_FIELD_MISSING_DEFAULT_VALUE at ' +
        "OrderPaid.note::The new schema has field 'note' without a default, and the previous schema " +
        "has no field of that name or alias; give 'note' a default. (BACKWARD against release " +
        '0.1.0, at /fields/2)',
    );
    expect(lines[1]).toMatch(
      /^::error file=schemas\/orders\/order-paid\.avsc,title=orders-shop\.orders\.OrderPaid fails the FULL_TRANSITIVE check::orders-shop/,
    );
    expect(lines[2]).toMatch(/^Checked 2 subjects /);
  });

});

describe('check in repository mode, invalid input', () => {
  it.each([
    ['a missing history file', [], /history\.json: history file not found/],
    ['an unknown source', ['--against', 'svn:trunk'], /unknown --against 'svn:trunk'; use history, git:<ref> or registry/],
    ['--previous without a file', ['--previous', 'old.avsc'], /Missing the new schema file that --previous versions are compared with/],
    ['--url without the registry', ['--url', 'http://127.0.0.1:1'], /--url applies to --against registry only/],
    ['--history with git', ['--against', 'git:HEAD', '--history', 'h.json'], /--history applies to --against history only/],
    ['a registry without a URL', ['--against', 'registry'], /--against registry needs SCHEMA_REGISTRY_URL or --url/],
    ['a missing schema directory', ['--schemas', 'nowhere'], /schema directory nowhere not found/],
  ])('exits 2 on %s', async (_name, args, message) => {
    const root = await makeDirectory(catalogFiles());
    directories.push(root);
    const { code, stdout, stderr } = await runCli(root, ['check', ...args]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('exits 2 on an unknown declared level', async () => {
    const root = await releasedRepository();
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': orderPaid([], { compatibility: 'SIDEWAYS' }) });
    const { code, stderr } = await runCli(root, ['check']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/orders\/order-paid\.avsc at \/event\/compatibility: unknown compatibility level 'SIDEWAYS'/);
  });

  it('exits 2 on an invalid history file', async () => {
    const root = await releasedRepository();
    await writeFiles(root, { 'schemas/history.json': '{"formatVersion": 7, "subjects": {}}' });
    const { code, stderr } = await runCli(root, ['check']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unsupported formatVersion 7/);
  });

  it('exits 2 on an unreachable registry', async () => {
    const root = await releasedRepository();
    const url = await closedPortUrl();
    const { code, stderr } = await runCli(root, ['check', '--against', 'registry'], { SCHEMA_REGISTRY_URL: url });
    expect(code).toBe(2);
    expect(stderr).toContain(`Could not reach the schema registry at ${url} (GET /subjects/`);
    expect(stderr).toContain('ECONNREFUSED');
  });
});

describe('check against a git ref', () => {
  // A throwaway repository in a temporary directory, with the GIT_* variables of any outer
  // git process removed so that the commands act on it alone.
  function git(cwd: string, ...args: string[]): string {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_')));
    const identity = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false'];
    return execFileSync('git', [...identity, ...args], { cwd, env, encoding: 'utf8' });
  }

  async function committedRepository(): Promise<string> {
    const root = await makeDirectory(catalogFiles());
    directories.push(root);
    git(root, 'init', '--quiet', '--initial-branch=main');
    git(root, 'add', 'schemas');
    git(root, 'commit', '--quiet', '-m', 'schemas');
    return root;
  }

  it('passes the working tree of the ref', async () => {
    const root = await committedRepository();
    const { code, stdout } = await runCli(root, ['check', '--against', 'git:main']);
    expect(code).toBe(0);
    expect(stdout).toContain('Checked 2 subjects against the schemas at git:main: all passed (0 new).');
  });

  it('reports a break against the ref', async () => {
    const root = await committedRepository();
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': orderPaid([requiredNote]) });
    const { code, stdout } = await runCli(root, ['check', '--against', 'git:HEAD']);
    expect(code).toBe(1);
    expect(stdout).toContain('OrderPaid.note: READER_FIELD_MISSING_DEFAULT_VALUE (BACKWARD against git:HEAD, at /fields/2)');
  });

  it('runs from a subdirectory with --schemas', async () => {
    const root = await committedRepository();
    await writeFiles(root, { 'schemas/orders/order-paid.avsc': orderPaid([requiredNote]) });
    const { code, stdout } = await runCli(join(root, 'schemas'), ['check', '--schemas', '.', '--against', 'git:main']);
    expect(code).toBe(1);
    expect(stdout).toContain('break: orders/order-paid.avsc: OrderPaid.note:');
  });

  it('treats every subject as new before the schemas existed', async () => {
    const root = await committedRepository();
    await writeFiles(root, { 'README.md': 'later' });
    git(root, 'rm', '--quiet', '-r', '--cached', 'schemas');
    git(root, 'add', 'README.md');
    git(root, 'commit', '--quiet', '-m', 'no schemas');
    const { code, stdout } = await runCli(root, ['check', '--against', 'git:HEAD']);
    expect(code).toBe(0);
    expect(stdout).toContain('all passed (2 new).');
  });

  it('exits 2 on an unknown ref', async () => {
    const root = await committedRepository();
    const { code, stderr } = await runCli(root, ['check', '--against', 'git:no-such-branch']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/git ref 'no-such-branch' does not name a commit/);
  });

  it('exits 2 outside a git repository', async () => {
    const root = await makeDirectory(catalogFiles());
    directories.push(root);
    const { code, stderr } = await runCli(root, ['check', '--against', 'git:main']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/git rev-parse failed in .*not a git repository/);
  });
});

describe("this repository's schemas", () => {
  it('pass against their history', async () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const { code, stdout, stderr } = await runCli(root, ['check']);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/against the history in schemas\/history\.json: all passed/);
    expect(code).toBe(0);
  });
});
