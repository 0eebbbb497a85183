import { afterEach, describe, expect, it } from 'vitest';

import { catalogFiles, closedPortUrl, makeDirectory, orderPaid, removeDirectory, runCli } from './catalog-fixtures.js';

// Input checks of `register` that need no registry; register.integration.test.ts covers
// registration against a real one.

const directories: string[] = [];

afterEach(async () => {
  for (const directory of directories.splice(0)) await removeDirectory(directory);
});

async function repository(files = catalogFiles()): Promise<string> {
  const root = await makeDirectory(files);
  directories.push(root);
  return root;
}

describe('register, invalid input', () => {
  it.each([
    ['no registry URL', [], {}, /set SCHEMA_REGISTRY_URL or pass --url/],
    ['an unknown format', ['--format', 'xml'], { SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1' }, /Unknown format 'xml'; use text or json/],
    ['an unknown option', ['--force'], {}, /Unknown option '--force'/],
    ['a missing schema directory', ['--schemas', 'nowhere'], { SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1' }, /schema directory nowhere not found/],
  ])('exits 2 on %s', async (_name, args, env, message) => {
    const { code, stdout, stderr } = await runCli(await repository(), ['register', ...args], env);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('exits 2 on an unknown declared level with --set-compatibility', async () => {
    const root = await repository({ ...catalogFiles(orderPaid([], { compatibility: 'SIDEWAYS' })) });
    const url = await closedPortUrl();
    const { code, stderr } = await runCli(root, ['register', '--dry-run', '--set-compatibility', '--url', url]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/at \/event\/compatibility: unknown compatibility level 'SIDEWAYS'/);
  });

  it('exits 2 on an unreachable registry', async () => {
    const url = await closedPortUrl();
    const { code, stdout, stderr } = await runCli(await repository(), ['register', '--dry-run'], { SCHEMA_REGISTRY_URL: url });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^caddy-events register: Could not reach the schema registry at ${url} \\(POST /subjects/orders-shop\\.orders\\.OrderPaid\\): ECONNREFUSED`));
  });

  it('prints help', async () => {
    const { code, stdout } = await runCli(await repository(), ['register', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: caddy-events register \[--dry-run\] \[--set-compatibility\] \[--url <url>\]/);
  });
});
