import { describe, expect, it } from 'vitest';

import { decodeHeaders } from '../src/transport/kafka.js';
import type { PreviousHeaders } from '../src/transport/kafka.js';

// The Kafka transport decodes header values as UTF-8 and reuses the previous record's string
// for a value with the same ASCII bytes. Reused or not, the result must be what decoding the
// bytes gives.

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('decodeHeaders', () => {
  it('decodes values, repeats and absences', () => {
    const previous: PreviousHeaders = new Map();
    const headers = { ce_id: bytes('a1'), ce_source: bytes('Köln'), tags: [bytes('x'), bytes('y')], empty: undefined, text: 'plain' };
    expect(decodeHeaders(headers, previous)).toEqual({ ce_id: 'a1', ce_source: 'Köln', tags: 'x', empty: undefined, text: 'plain' });
    expect(decodeHeaders(undefined, previous)).toEqual({});
  });

  it('reuses the previous string for the same ASCII bytes', () => {
    const previous: PreviousHeaders = new Map();
    const first = decodeHeaders({ ce_type: bytes('order.created') }, previous);
    const second = decodeHeaders({ ce_type: bytes('order.created') }, previous);
    expect(second.ce_type).toBe('order.created');
    expect(second.ce_type).toBe(first.ce_type);
  });

  it('decodes again when the bytes differ, in length or in any place', () => {
    const previous: PreviousHeaders = new Map();
    decodeHeaders({ ce_time: bytes('2026-12-01T10:00:00.000Z') }, previous);
    expect(decodeHeaders({ ce_time: bytes('2026-12-01T10:00:00.001Z') }, previous).ce_time).toBe('2026-12-01T10:00:00.001Z');
    expect(decodeHeaders({ ce_time: bytes('3026-12-01T10:00:00.001Z') }, previous).ce_time).toBe('3026-12-01T10:00:00.001Z');
    expect(decodeHeaders({ ce_time: bytes('2026') }, previous).ce_time).toBe('2026');
  });

  it('never reuses a string for bytes that are not ASCII', () => {
    const previous: PreviousHeaders = new Map();
    // 'é' came from the two bytes c3 a9; the single byte e9 equals its character code but is
    // not valid UTF-8, so it decodes to the replacement character.
    expect(decodeHeaders({ ce_source: bytes('é') }, previous).ce_source).toBe('é');
    expect(decodeHeaders({ ce_source: Buffer.from([0xe9]) }, previous).ce_source).toBe('\ufffd');
    expect(decodeHeaders({ ce_source: bytes('Köln') }, previous).ce_source).toBe('Köln');
    expect(decodeHeaders({ ce_source: bytes('Köln') }, previous).ce_source).toBe('Köln');
  });
});
