/** Compression codecs of Kafka record batches. */
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/**
 * Registers the codecs kafkajs lacks (it ships gzip only), so the producer can write them
 * and every consumer can read them. Safe to call more than once.
 */
export function registerCodecs(): void {
  // TODO: register snappy, lz4 and zstd codecs; until then only none and gzip work.
}
