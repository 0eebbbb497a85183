import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../src/main.js';

const status = (symbols: string[], extraFields: unknown[] = []) => ({
  type: 'record',
  name: 'OrderUpdated',
  namespace: 'com.shop',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'status', type: { type: 'enum', name: 'OrderStatus', symbols } },
    ...extraFields,
  ],
});

const FILES: Record<string, string> = {
  'v1.avsc': JSON.stringify(status(['NEW', 'PAID'])),
  'v2.avsc': JSON.stringify(status(['NEW', 'PAID', 'SHIPPED'])),
  'v2-with-note.avsc': JSON.stringify(status(['NEW', 'PAID'], [{ name: 'note', type: 'string' }])),
  'v2-field-logical-type.avsc': JSON.stringify(
    status(
      ['NEW', 'PAID'],
      [{ name: 'at', type: 'long', logicalType: 'timestamp-millis', default: 0 }],
    ),
  ),
  'bad-default.avsc': JSON.stringify(
    status(['NEW'], [{ name: 'note', type: ['null', 'string'], default: 'x' }]),
  ),
  'not-json.avsc': '{"type": "record",',
  'not-avro.avsc': '{"type": "record", "name": "R"}',
};

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'caddy-check-'));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (text: string) => (stdout += text),
    stderr: (text: string) => (stderr += text),
    cwd: dir,
  };
  const code = await main(['check', ...args], io);
  return { code, stdout, stderr };
}

describe('caddy-events check, single schema', () => {
  it('exits 0 for a compatible schema', async () => {
    const { code, stdout, stderr } = await run(
      '--level',
      'BACKWARD',
      '--previous',
      'v1.avsc',
      'v2.avsc',
    );
    expect(code).toBe(0);
    expect(stdout).toBe(
      'v2.avsc is compatible at BACKWARD ' +
        '(checked against 1 of 1 previous version; 0 breaks, 0 warnings).\n',
    );
    expect(stderr).toBe('');
  });

  it('prints one line per break and exits 1', async () => {
    const { code, stdout, stderr } = await run(
      '--level',
      'FULL',
      '--previous',
      'v1.avsc',
      'v2-with-note.avsc',
    );
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(
      'break: OrderUpdated.note: READER_FIELD_MISSING_DEFAULT_VALUE ' +
        '(BACKWARD against v1.avsc, at /fields/2): ',
    );
    expect(lines[1]).toMatch(/^v2-with-note\.avsc is not compatible at FULL /);
    expect(stderr).toBe('');
  });

  it('names the previous file per break', async () => {
    const args = [
      '--level',
      'FORWARD_TRANSITIVE',
      '--previous',
      'v1.avsc',
      '--previous',
      'v1.avsc',
      'v2.avsc',
    ];
    const { code, stdout } = await run(...args);
    expect(code).toBe(1);
    const breaks = stdout.split('\n').filter((line) => line.startsWith('break: '));
    expect(breaks).toHaveLength(2);
    expect(breaks[0]).toContain(
      'MISSING_ENUM_SYMBOLS (FORWARD against v1.avsc, at /fields/1/type/symbols)',
    );
  });

  it('prints one JSON object with --format json', async () => {
    const args = ['--level', 'FULL', '--format', 'json', '--previous', 'v1.avsc', 'v2.avsc'];
    const { code, stdout, stderr } = await run(...args);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual({
      compatible: false,
      level: 'FULL',
      issues: [
        {
          code: 'MISSING_ENUM_SYMBOLS',
          path: 'OrderUpdated.status',
          location: '/fields/1/type/symbols',
          reader: 'enum com.shop.OrderStatus',
          writer: 'enum com.shop.OrderStatus',
          previous: 0,
          direction: 'FORWARD',
          message: expect.stringMatching(
            /^The previous schema reads enum com\.shop\.OrderStatus without the symbols SHIPPED/,
          ),
        },
      ],
      warnings: [],
    });
  });

  it('prints GitHub Actions annotations with --format github', async () => {
    const args = ['--level', 'FULL', '--format', 'github', '--previous', 'v1.avsc', 'v2.avsc'];
    const { code, stdout } = await run(...args);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^::error file=v2\.avsc,title=MISSING_ENUM_SYMBOLS at OrderUpdated\.status::The previous schema reads /,
    );
    expect(lines[0]).toMatch(/ \(FORWARD against v1\.avsc, at \/fields\/1\/type\/symbols\)$/);
    expect(lines[1]).toMatch(/^v2\.avsc is not compatible at FULL /);
  });

  it('annotates warnings as warnings', async () => {
    const args = ['--level', 'BACKWARD', '--format', 'github', '--previous', 'v1.avsc', 'v2-field-logical-type.avsc'];
    const { code, stdout } = await run(...args);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^::warning file=v2-field-logical-type\.avsc,title=FIELD_LOGICAL_TYPE_IGNORED at OrderUpdated\.at::/m,
    );
  });

  it.each([
    ['--against', 'git:main'],
    ['--schemas', 'schemas'],
    ['--history', 'history.json'],
    ['--url', 'http://127.0.0.1:1'],
  ])('rejects %s with a schema file', async (option, value) => {
    const { code, stderr } = await run('--level', 'FULL', option, value, 'v1.avsc');
    expect(code).toBe(2);
    expect(stderr).toContain(`${option} applies to repository mode, without a schema file.`);
  });

  it('exits 0 with only warnings', async () => {
    const args = ['--level', 'BACKWARD', '--previous', 'v1.avsc', 'v2-field-logical-type.avsc'];
    const { code, stdout } = await run(...args);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^warning: OrderUpdated\.at: FIELD_LOGICAL_TYPE_IGNORED \(at \/fields\/2\/logicalType\): /m,
    );
  });

  it('reads the level in any letter case', async () => {
    expect((await run('--level=backward_transitive', '--previous=v1.avsc', 'v2.avsc')).code).toBe(
      0,
    );
  });

  it('skips defaults of previous versions', async () => {
    expect((await run('--level', 'NONE', '--previous', 'bad-default.avsc', 'v1.avsc')).code).toBe(
      0,
    );
  });

  it('prints help on standard output', async () => {
    const { code, stdout, stderr } = await run('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^ {2}caddy-events check --level <LEVEL> \[--previous <old.avsc>\]\.\.\. <new.avsc>$/m,
    );
    expect(stderr).toBe('');
  });

  it.each([
    [
      'a missing file',
      ['--level', 'FULL', 'missing.avsc'],
      /cannot read missing\.avsc: no such file/,
    ],
    [
      'a missing previous file',
      ['--level', 'FULL', '--previous', 'gone.avsc', 'v1.avsc'],
      /cannot read gone\.avsc/,
    ],
    [
      'invalid JSON',
      ['--level', 'FULL', 'not-json.avsc'],
      /not-json\.avsc is not a valid Avro schema:\n {2}\/ INVALID_JSON: /,
    ],
    [
      'invalid Avro',
      ['--level', 'FULL', 'not-avro.avsc'],
      /\/ INVALID_SCHEMA: Record 'R' needs a 'fields' array/,
    ],
    [
      'an invalid default',
      ['--level', 'FULL', 'bad-default.avsc'],
      /\/fields\/2\/default INVALID_DEFAULT: /,
    ],
    [
      'an invalid previous schema',
      ['--level', 'FULL', '--previous', 'not-avro.avsc', 'v1.avsc'],
      /not-avro\.avsc is not/,
    ],
    ['an unknown level', ['--level', 'SIDEWAYS', 'v1.avsc'], /Unknown level 'SIDEWAYS'/],
    ['a missing level', ['v1.avsc'], /Missing --level/],
    [
      'an unknown format',
      ['--level', 'FULL', '--format', 'xml', 'v1.avsc'],
      /Unknown format 'xml'/,
    ],
    ['an unknown option', ['--level', 'FULL', '--strict', 'v1.avsc'], /Unknown option '--strict'/],
    [
      'no schema file, so repository mode, without a schema directory',
      ['--level', 'FULL'],
      /schema directory schemas not found/,
    ],
    ['two schema files', ['--level', 'FULL', 'v1.avsc', 'v2.avsc'], /Give one new schema file/],
  ])('exits 2 quietly on %s', async (_name, args, message) => {
    const { code, stdout, stderr } = await run(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });
});

describe('caddy-events binary', () => {
  const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

  it('runs check from the built package', () => {
    expect(existsSync(bin), `${bin} is missing; run 'corepack pnpm build' first`).toBe(true);
    const args = [
      bin,
      'check',
      '--level',
      'FULL',
      '--format',
      'json',
      '--previous',
      'v1.avsc',
      'v2.avsc',
    ];
    const result = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ compatible: false, level: 'FULL' });
  });

  it('leaves standard output empty on invalid input', () => {
    const result = spawnSync(process.execPath, [bin, 'check', '--level', 'FULL', 'not-json.avsc'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/INVALID_JSON/);
  });
});
