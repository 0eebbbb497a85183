import { randomUUID } from 'node:crypto';

import type { CaddyEvents, PublishResult } from '@caddy/events';

const at = (base: number, minutes: number) => new Date(base + minutes * 60_000);
const eur = (amount: string) => ({ amount, currency: 'EUR' });

/**
 * Publishes one shop story: a customer registers and signs in, two products are created,
 * restocked and edited, the customer orders, corrects the address and pays, and the order
 * ships and completes. Every event type of the catalog appears. Returns
 * the results in publish order.
 */
export async function publishShopFlow(events: CaddyEvents): Promise<PublishResult[]> {
  const base = Date.now();
  const userId = randomUUID();
  const orderId = randomUUID();
  const mug = { productId: randomUUID(), sku: 'MUG-BLUE', name: 'Blue mug' };
  const beans = { productId: randomUUID(), sku: 'BEANS-1KG', name: 'Coffee beans, 1 kg' };
  const address = { line1: 'Hauptstraße 5', city: 'Berlin', postalCode: '10115', country: 'DE' };
  const results: PublishResult[] = [];
  const record = async (result: Promise<PublishResult>) => void results.push(await result);

  await record(events.publishUserRegistered({ userId, email: 'ada@example.com', displayName: 'Ada', locale: 'de-DE', registeredAt: at(base, 0) }));
  await record(events.publishUserLoggedIn({ userId, method: 'PASSWORD', loggedInAt: at(base, 1) }));

  await record(events.publishProductCreated({ ...mug, category: 'kitchen', price: eur('12.90'), stock: 0, tags: ['ceramic'], createdAt: at(base, 2) }));
  await record(events.publishProductCreated({ ...beans, category: 'coffee', price: eur('18.50'), stock: 0, attributes: { roast: 'medium' }, createdAt: at(base, 2) }));
  await record(events.publishProductStockUpdated({ productId: mug.productId, sku: mug.sku, previousStock: 0, stock: 40, reason: 'RESTOCK', updatedAt: at(base, 3) }));
  await record(events.publishProductStockUpdated({ productId: beans.productId, sku: beans.sku, previousStock: 0, stock: 25, reason: 'RESTOCK', updatedAt: at(base, 3) }));
  await record(events.publishProductPriceUpdated({ productId: beans.productId, previousPrice: eur('18.50'), price: eur('16.90'), updatedAt: at(base, 4) }));
  await record(events.publishProductUpdated({ productId: mug.productId, description: 'Stoneware, 350 ml, dishwasher safe.', updatedAt: at(base, 4) }));
  await record(events.publishProductViewed({ productId: mug.productId, userId, sessionId: 'session-1', viewedAt: at(base, 5) }));

  const items = [
    { ...mug, quantity: 2, unitPrice: eur('12.90') },
    { ...beans, quantity: 1, unitPrice: eur('16.90') },
  ];
  await record(events.publishOrderCreated({ orderId, userId, items, subtotal: eur('42.70'), shippingCost: eur('4.90'), total: eur('47.60'), shippingAddress: address, createdAt: at(base, 6) }));
  await record(events.publishOrderUpdated({ orderId, status: 'PENDING', shippingAddress: { ...address, line2: '3rd floor' }, reason: 'address corrected', updatedAt: at(base, 6) }));
  await record(events.publishOrderPaid({ orderId, paymentId: 'pay-1', amount: eur('47.60'), method: 'CARD', paidAt: at(base, 7) }));
  await record(events.publishProductStockUpdated({ productId: mug.productId, sku: mug.sku, previousStock: 40, stock: 38, reason: 'SALE', updatedAt: at(base, 7) }));
  await record(events.publishProductStockUpdated({ productId: beans.productId, sku: beans.sku, previousStock: 25, stock: 24, reason: 'SALE', updatedAt: at(base, 7) }));
  await record(events.publishOrderShipped({ orderId, shipmentId: 'ship-1', carrier: 'DHL', trackingNumber: '00340434161234567890', shippingAddress: address, shippedAt: at(base, 60) }));
  await record(events.publishOrderCompleted({ orderId, total: eur('47.60'), deliveredAt: at(base, 1500), completedAt: at(base, 1501) }));
  await record(events.publishUserProfileUpdated({ userId, displayName: 'Ada L.', changedFields: ['displayName'], updatedAt: at(base, 1600) }));
  return results;
}
