import { simpleName } from '@caddy/events-schema';

/** Converts an event type such as `product.stock.updated` or `user.logged_in` to `ProductStockUpdated`. */
export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

/** Returns the name of the typed publish method of an event type, such as `publishOrderCreated`. */
export function publishMethodName(eventType: string): string {
  return `publish${pascalCase(eventType)}`;
}

/**
 * Assigns a TypeScript name to every named Avro type: its simple name, unless two full names
 * share one, in which case both get their namespace as a prefix (`ShopOrdersStatus`).
 */
export function assignTypeNames(fullNames: Iterable<string>): Map<string, string> {
  const names = [...new Set(fullNames)].sort();
  const bySimple = new Map<string, string[]>();
  for (const full of names) {
    const simple = simpleName(full);
    bySimple.set(simple, [...(bySimple.get(simple) ?? []), full]);
  }
  const result = new Map<string, string>();
  for (const [simple, fulls] of bySimple) {
    for (const full of fulls) result.set(full, fulls.length === 1 ? pascalCase(simple) : pascalCase(full));
  }
  return result;
}

/** Quotes a property name when it is not a valid identifier. */
export function propertyName(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}
