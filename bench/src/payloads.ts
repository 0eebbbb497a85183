import { randomUUID } from 'node:crypto';

import {
  CachingSchemaRegistry,
  DecimalType,
  EventSerde,
  HttpSchemaRegistry,
  TimestampMillisType,
  UuidType,
  catalog,
  frame,
  silentLogger,
} from '@caddy/events';
import type { OrderCreated } from '@caddy/events';
import avro from 'avsc';

import type { ClusterAddress } from './protocol.js';

/** The event every scenario sends: an order with one to five line items and an address. */
export const EVENT_TYPE = 'order.created' as const;
export const ORDER_CREATED = catalog[EVENT_TYPE];

/** Number of payloads generated per worker. Scenarios cycle through them. */
export const PAYLOAD_POOL_SIZE = 1024;

const PRODUCTS = [
  { sku: 'COF-1KG-ORG', name: 'Organic coffee beans, 1 kg', price: 2299 },
  { sku: 'TEA-GRN-250', name: 'Green tea, loose leaf, 250 g', price: 849 },
  { sku: 'MUG-CER-WHT', name: 'Ceramic mug, white, 350 ml', price: 1250 },
  { sku: 'FLT-PAP-100', name: 'Paper coffee filters, size 4, 100 pieces', price: 399 },
  { sku: 'GRD-BUR-MAN', name: 'Manual burr grinder', price: 6490 },
  { sku: 'KTL-GOO-1L', name: 'Gooseneck kettle, 1 l, stainless steel', price: 4999 },
];
const CITIES = [
  { city: 'Berlin', postalCode: '10115', country: 'DE' },
  { city: 'Lyon', postalCode: '69002', country: 'FR' },
  { city: 'Utrecht', postalCode: '3511 AB', country: 'NL' },
  { city: 'Graz', postalCode: '8010', country: 'AT' },
];

/**
 * Generates `count` distinct order payloads from a fixed seed, so every run and every
 * library encodes the same values. Amounts are exact decimal strings, as the schema's
 * decimal logical type requires.
 */
export function orderPayloads(count = PAYLOAD_POOL_SIZE, seed = 20_240_601): OrderCreated[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const payloads: OrderCreated[] = [];
  for (let index = 0; index < count; index++) {
    const items = Array.from({ length: 1 + Math.floor(random() * 5) }, () => {
      const product = pick(PRODUCTS);
      const quantity = 1 + Math.floor(random() * 3);
      return {
        productId: seededUuid(random),
        sku: product.sku,
        name: product.name,
        quantity,
        unitPrice: { amount: cents(product.price), currency: 'EUR' },
      };
    });
    const subtotal = items.reduce((sum, item) => sum + Math.round(Number(item.unitPrice.amount) * 100) * item.quantity, 0);
    const shipping = subtotal >= 5000 ? 0 : 495;
    const place = pick(CITIES);
    payloads.push({
      orderId: seededUuid(random),
      userId: seededUuid(random),
      items,
      subtotal: { amount: cents(subtotal), currency: 'EUR' },
      shippingCost: { amount: cents(shipping), currency: 'EUR' },
      total: { amount: cents(subtotal + shipping), currency: 'EUR' },
      shippingAddress: {
        line1: `${pick(['Main Street', 'Station Road', 'Market Square', 'Mill Lane'])} ${1 + Math.floor(random() * 120)}`,
        line2: random() < 0.3 ? `Apartment ${1 + Math.floor(random() * 40)}` : null,
        city: place.city,
        region: null,
        postalCode: place.postalCode,
        country: place.country,
      },
      status: 'PENDING',
      couponCode: random() < 0.2 ? 'WELCOME10' : null,
      createdAt: new Date(1_717_200_000_000 + Math.floor(random() * 86_400_000)),
    });
  }
  return payloads;
}

/**
 * Compiles the event's schema with plain avsc and the same logical types as the SDK
 * (decimal as string, timestamp-millis as Date, uuid as string), for the baselines.
 */
export function plainAvroType(): avro.Type {
  return avro.Type.forSchema(JSON.parse(ORDER_CREATED.schema) as avro.Schema, {
    logicalTypes: { decimal: DecimalType, 'timestamp-millis': TimestampMillisType, uuid: UuidType },
    wrapUnions: 'auto',
  } as unknown as Partial<avro.ForSchemaOptions>);
}

/** Registers the event's schema for a topic prefix, as the SDK does, and returns its id. */
export function registeredSchemaId(cluster: ClusterAddress, topicPrefix: string): Promise<number> {
  const registry = new CachingSchemaRegistry(new HttpSchemaRegistry({ url: cluster.registryUrl }), silentLogger);
  return new EventSerde({ catalog, registry, topicPrefix }).schemaId(EVENT_TYPE);
}

/** Encodes with plain avsc and prefixes the 5-byte Confluent header: the serde floor. */
export function plainAvroEncode(type: avro.Type, schemaId: number, payload: unknown): Buffer {
  return frame(schemaId, type.toBuffer(payload));
}

/** Decodes a framed value with plain avsc, skipping the 5-byte header without checking it. */
export function plainAvroDecode(type: avro.Type, value: Buffer): unknown {
  return type.fromBuffer(value.subarray(5));
}

/**
 * Builds the CloudEvents headers the SDK sends with each event, so the raw kafkajs
 * baselines put the same bytes on the wire.
 */
export function cloudEventHeaders(key: string, contentType: string): Record<string, string> {
  return {
    ce_specversion: '1.0',
    ce_id: randomUUID(),
    ce_type: EVENT_TYPE,
    ce_source: 'caddy-events-bench',
    ce_time: new Date().toISOString(),
    'content-type': contentType,
    ce_subject: key,
  };
}

function cents(value: number): string {
  return `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
}

// A small seeded generator (mulberry32), so payloads are the same in every run.
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + Math.floor(random() * 4)).toString(16);
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}
