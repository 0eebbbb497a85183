import { DecodeError } from '../errors.js';

// Confluent wire format of a record value:
//
//   byte 0      magic byte, always 0
//   bytes 1-4   schema id, a 32-bit big-endian integer assigned by the schema registry
//   bytes 5-    the Avro binary encoding of the value, written with that schema
//
// Java, Python and Go deserializers of Confluent and Redpanda read exactly this layout.

/** Length of the header before the Avro body. */
export const WIRE_HEADER_LENGTH = 5;
const MAGIC_BYTE = 0;

/** Prefixes an Avro body with the magic byte and the schema id. */
export function frame(schemaId: number, body: Uint8Array): Buffer {
  const buffer = Buffer.allocUnsafe(WIRE_HEADER_LENGTH + body.length);
  writeHeader(buffer, schemaId);
  buffer.set(body, WIRE_HEADER_LENGTH);
  return buffer;
}

/** Writes the magic byte and the schema id into the first five bytes of a buffer. */
export function writeHeader(buffer: Buffer, schemaId: number): void {
  buffer[0] = MAGIC_BYTE;
  buffer.writeUInt32BE(schemaId, 1);
}

/** Splits a framed value into its schema id and Avro body, or throws a `DecodeError`. */
export function unframe(value: Buffer | null | undefined): { schemaId: number; body: Buffer } {
  const schemaId = readSchemaId(value);
  return { schemaId, body: (value as Buffer).subarray(WIRE_HEADER_LENGTH) };
}

/** Reads the schema id of a framed value after checking its header, or throws a `DecodeError`. */
export function readSchemaId(value: Buffer | null | undefined): number {
  if (!value || value.length < WIRE_HEADER_LENGTH) {
    throw new DecodeError(
      'FRAME_INVALID',
      `Message value is ${value ? `${value.length} byte(s)` : 'empty'}; expected at least ${WIRE_HEADER_LENGTH} bytes ` +
        '(magic byte 0, a 4-byte schema id, then Avro). It was not written by a schema-registry serializer.',
    );
  }
  if (value[0] !== MAGIC_BYTE) {
    throw new DecodeError(
      'FRAME_INVALID',
      `Message value starts with byte ${value[0]}; expected magic byte 0 of the Confluent wire format. ` +
        'It was not written by a schema-registry serializer.',
    );
  }
  return value.readUInt32BE(1);
}
