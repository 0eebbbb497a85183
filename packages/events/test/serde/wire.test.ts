import { describe, expect, it } from 'vitest';

import { DecodeError, frame, unframe } from '../../src/index.js';

describe('frame', () => {
  it('writes magic byte 0 and a big-endian schema id before the body', () => {
    const framed = frame(0x01020304, Buffer.from([0xaa, 0xbb]));
    expect(framed.toString('hex')).toBe('0001020304aabb');
  });

  it('writes ids above 2^31 as unsigned', () => {
    expect(frame(0xfffffffe, Buffer.alloc(0)).toString('hex')).toBe('00fffffffe');
  });
});

describe('unframe', () => {
  it('returns the schema id and the body', () => {
    const { schemaId, body } = unframe(Buffer.from('000000002aff', 'hex'));
    expect(schemaId).toBe(42);
    expect(body.toString('hex')).toBe('ff');
  });

  it('rejects a value shorter than the header', () => {
    expect(() => unframe(Buffer.from('0000', 'hex'))).toThrow(DecodeError);
    expect(() => unframe(Buffer.from('0000', 'hex'))).toThrow(/2 byte\(s\); expected at least 5 bytes/);
  });

  it('rejects a value without magic byte 0', () => {
    expect(() => unframe(Buffer.from('7b22613a', 'hex'))).toThrow(/at least 5 bytes/);
    expect(() => unframe(Buffer.from('7b2261223a317d', 'hex'))).toThrow(/starts with byte 123; expected magic byte 0/);
  });

  it('rejects an empty value', () => {
    expect(() => unframe(null)).toThrow(/empty/);
  });
});
