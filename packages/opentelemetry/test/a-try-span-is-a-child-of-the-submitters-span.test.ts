import { SpanKind, trace } from '@opentelemetry/api';
import { Pool } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { gate, instrument, useContextManager } from './otel.js';

useContextManager();

describe('a try span is a child of the span active where the task was submitted', () => {
  it('one CONSUMER span per try, parent = the submitter span, also for a task that waited behind others', async () => {
    const otel = instrument();
    const g = gate();
    const pool = new Pool({
      name: 'images',
      executor: async (n: number) => {
        await g.wait();
        return n * 2;
      },
      concurrency: 1,
    });
    const first = pool.submit(1); // outside any span: a root span
    const { span: parent, value } = await otel.inSpan('http request', async () => {
      const queued = pool.submit(2, { task: 'resize', key: 'tenant-a' }); // waits behind the first
      g.open();
      return await queued;
    });
    expect(value).toBe(4);
    await first;
    await pool.close();

    const spans = otel.spans();
    expect(spans).toHaveLength(2);
    const [root, child] = spans;
    expect(root.parentSpanContext).toBeUndefined();
    expect(child.name).toBe('process images');
    expect(child.kind).toBe(SpanKind.CONSUMER);
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(child.attributes).toMatchObject({
      'messaging.system': 'poolkit',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'images',
      'poolkit.pool.name': 'images',
      'poolkit.backend': 'inline',
      'poolkit.task.name': 'resize',
      'poolkit.task.key': 'tenant-a',
      'poolkit.attempt': 1,
      'poolkit.outcome': 'succeeded',
    });
    expect(child.attributes['poolkit.queue.wait_ms']).toBeGreaterThanOrEqual(0);
    expect(root.attributes['poolkit.task.name']).toBeUndefined();
    expect(root.attributes['poolkit.batch.size']).toBeUndefined();
  });

  it('a span made inside an InlineBackend executor, after an await, is a child of the try span', async () => {
    const otel = instrument();
    const pool = new Pool({
      name: 'nested',
      executor: async (_n: number) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        const inner = otel.tracer.startSpan('inner work');
        inner.end();
        return trace.getActiveSpan()?.spanContext().spanId ?? 'none';
      },
    });
    const { value: activeInExecutor } = await otel.inSpan('request', () => pool.submit(1));
    await pool.close();
    const [trySpan] = otel.spans();
    const inner = otel.allSpans().find((s) => s.name === 'inner work');
    expect(activeInExecutor).toBe(trySpan.spanContext().spanId);
    expect(inner?.parentSpanContext?.spanId).toBe(trySpan.spanContext().spanId);
  });

  it('retries make one span per try, each a child of the submitter span, attempts 1, 2, 3', async () => {
    const otel = instrument();
    const pool = new Pool({
      name: 'flaky',
      executor: (n: number, ctx) => {
        if (ctx.attempt < 3) throw Object.assign(new Error(`try ${ctx.attempt}`), { code: 'E_FLAKY' });
        return n;
      },
      retries: { attempts: 3, backoff: 0 },
    });
    const { span: parent } = await otel.inSpan('request', () => pool.submit(7));
    await pool.close();
    const spans = otel.spans();
    expect(spans.map((s) => [s.attributes['poolkit.attempt'], s.attributes['poolkit.outcome']])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'succeeded'],
    ]);
    for (const s of spans) expect(s.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    // queue wait is the same on every try; the histogram has it for the first try only
    expect(new Set(spans.map((s) => s.attributes['poolkit.queue.wait_ms'])).size).toBe(1);
    const [wait] = await otel.points('poolkit.task.queue_wait');
    expect(wait.value.count).toBe(1);
  });
});
