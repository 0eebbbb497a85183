import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CaddyEvents, catalog, InMemorySchemaRegistry, InMemoryTransport, setOtelApi } from '../src/index.js';
import type { EventOf } from '../src/index.js';
import { payloads } from './fixtures/payloads.js';

// An application may have @opentelemetry/api installed, and a context manager, without a
// tracer provider. Spans are then non-recording; the SDK skips them where they would carry
// nothing, and still carries a record's trace context where there is one.

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const TRACEPARENT = `00-${TRACE_ID}-b7ad6b7169203331-01`;

beforeAll(() => {
  api.trace.disable();
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  setOtelApi(api);
});

afterAll(() => {
  setOtelApi(null);
  api.context.disable();
});

function client(): CaddyEvents {
  return new CaddyEvents({ catalog, transport: new InMemoryTransport(), registry: new InMemorySchemaRegistry() });
}

describe('tracing without a tracer provider', () => {
  it('runs a handler with no active span and sends no trace context', async () => {
    const events = client();
    let activeSpan: api.Span | undefined = api.INVALID_SPAN_CONTEXT as unknown as api.Span;
    const received = new Promise<EventOf<'order.paid'>>((resolve) => {
      void events.subscribe({
        groupId: 'g',
        fromBeginning: true,
        handlers: {
          'order.paid': (event) => {
            activeSpan = api.trace.getActiveSpan();
            resolve(event);
          },
        },
      });
    });
    await events.publishOrderPaid(payloads['order.paid']);
    const event = await received;
    await events.close();
    expect(activeSpan).toBeUndefined();
    expect(event.metadata.traceparent).toBeUndefined();
    expect(event.metadata.headers.traceparent).toBeUndefined();
  });

  it("carries a record's traceparent into the handler and on to what it publishes", async () => {
    const events = client();
    let handlerTraceId: string | undefined;
    const forwarded = new Promise<EventOf<'order.shipped'>>((resolve) => {
      void events.subscribe({
        groupId: 'g',
        fromBeginning: true,
        handlers: {
          'order.paid': async () => {
            handlerTraceId = api.trace.getSpanContext(api.context.active())?.traceId;
            await events.publishOrderShipped(payloads['order.shipped']);
          },
          'order.shipped': resolve,
        },
      });
    });
    await events.publishOrderPaid(payloads['order.paid'], { traceparent: TRACEPARENT });
    const shipped = await forwarded;
    await events.close();
    expect(handlerTraceId).toBe(TRACE_ID);
    expect(shipped.metadata.traceparent).toBe(TRACEPARENT);
  });
});
