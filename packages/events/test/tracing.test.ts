import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CaddyEvents, catalog, InMemorySchemaRegistry, InMemoryTransport, setOtelApi } from '../src/index.js';
import type { EventOf } from '../src/index.js';
import { payloads } from './fixtures/payloads.js';

const exporter = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  api.context.setGlobalContextManager(contextManager.enable());
  api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  setOtelApi(api);
});

afterAll(() => {
  setOtelApi(null);
  api.trace.disable();
  api.context.disable();
});

function client(): CaddyEvents {
  return new CaddyEvents({ catalog, transport: new InMemoryTransport(), registry: new InMemorySchemaRegistry() });
}

describe('tracing', () => {
  it('propagates the publish span to the handler as W3C trace context', async () => {
    exporter.reset();
    const events = client();
    let handlerTraceId = '';
    const received = new Promise<EventOf<'order.paid'>>((resolve) => {
      void events.subscribe({
        groupId: 'g',
        fromBeginning: true,
        handlers: {
          'order.paid': (event) => {
            handlerTraceId = api.trace.getActiveSpan()?.spanContext().traceId ?? '';
            resolve(event);
          },
        },
      });
    });
    const tracer = api.trace.getTracer('test');
    const parent = tracer.startSpan('checkout');
    await api.context.with(api.trace.setSpan(api.context.active(), parent), () => events.publishOrderPaid(payloads['order.paid']));
    parent.end();
    const event = await received;
    await events.close();

    const traceId = parent.spanContext().traceId;
    const publish = exporter.getFinishedSpans().find((span) => span.name === 'publish orders');
    const process = exporter.getFinishedSpans().find((span) => span.name === 'process orders');
    expect(publish?.kind).toBe(api.SpanKind.PRODUCER);
    expect(publish?.spanContext().traceId).toBe(traceId);
    expect(publish?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(event.metadata.traceparent).toBe(`00-${traceId}-${publish?.spanContext().spanId}-01`);
    expect(process?.kind).toBe(api.SpanKind.CONSUMER);
    expect(process?.parentSpanContext?.spanId).toBe(publish?.spanContext().spanId);
    expect(handlerTraceId).toBe(traceId);
  });

  it('marks the handle span as failed when the handler throws', async () => {
    exporter.reset();
    const transport = new InMemoryTransport();
    const events = new CaddyEvents({
      catalog,
      transport,
      registry: new InMemorySchemaRegistry(),
      retry: { maxAttempts: 1 },
    });
    await events.subscribe({
      groupId: 'g',
      fromBeginning: true,
      handlers: {
        'order.paid': () => {
          throw new TypeError('bad');
        },
      },
    });
    await events.publishOrderPaid(payloads['order.paid']);
    await expect.poll(() => exporter.getFinishedSpans().filter((span) => span.name === 'process orders').length).toBe(1);
    const process = exporter.getFinishedSpans().find((span) => span.name === 'process orders');
    expect(process?.status.code).toBe(api.SpanStatusCode.ERROR);
    await events.close();
  });

  it('sends a given traceparent when no span is active', async () => {
    setOtelApi(null);
    try {
      const events = client();
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const received = new Promise<EventOf<'order.paid'>>((resolve) => {
        void events.subscribe({ groupId: 'g', fromBeginning: true, handlers: { 'order.paid': resolve } });
      });
      await events.publishOrderPaid(payloads['order.paid'], { traceparent, tracestate: 'vendor=1' });
      const event = await received;
      expect(event.metadata.traceparent).toBe(traceparent);
      expect(event.metadata.tracestate).toBe('vendor=1');
      await events.close();
    } finally {
      setOtelApi(api);
    }
  });
});
