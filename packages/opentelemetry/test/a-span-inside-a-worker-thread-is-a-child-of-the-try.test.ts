import { fileURLToPath } from 'node:url';
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PiscinaBackend } from '@poolkit/adapters';
import { Pool } from '@poolkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrument, useContextManager } from './otel.js';

useContextManager();
beforeAll(() => {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(() => {
  propagation.disable();
});

const TRACED = fileURLToPath(new URL('./fixtures/traced.mjs', import.meta.url));

interface Seen {
  n: number;
  traceId: string;
  parentSpanId: string | undefined;
}

describe('a span a task starts in a worker thread is a child of its try span', () => {
  for (const batched of [false, true]) {
    it(`PiscinaBackend, ${batched ? 'batched' : 'one task per message'}`, async () => {
      const otel = instrument();
      const pool = new Pool<number, Seen>({
        name: 'threads',
        backend: new PiscinaBackend({ filename: TRACED, threads: 1 }),
        maxBatch: batched ? 64 : 1,
        paused: batched, // everything waits, then goes in batches
      });
      try {
        const { span: parent, value } = await otel.inSpan('request', async () => {
          const all = Promise.all([1, 2, 3, 4, 5, 6].map((n) => pool.submit(n)));
          pool.resume();
          return all;
        });
        const tries = otel.spans();
        expect(tries).toHaveLength(6);
        if (batched) expect(tries.some((s) => Number(s.attributes['poolkit.batch.size']) > 1)).toBe(true);
        const tryOf = new Map(tries.map((s) => [s.spanContext().spanId, s]));
        for (const seen of value) {
          // Same trace as the request; its parent is one of the try spans, the one of its own input.
          expect(seen.traceId).toBe(parent.spanContext().traceId);
          const owner = tryOf.get(seen.parentSpanId ?? '');
          expect(owner, `input ${seen.n}: the worker span's parent is a try span`).toBeDefined();
          expect(owner?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
        }
        // Each try is the parent of exactly one worker span.
        expect(new Set(value.map((seen) => seen.parentSpanId)).size).toBe(6);
      } finally {
        await pool.close();
      }
    });
  }

  it('a try the config ignores has no span, yet its task stays in the submitter trace', async () => {
    const otel = instrument({ ignore: (trace) => trace.input === 2 });
    const pool = new Pool<number, Seen>({ backend: new PiscinaBackend({ filename: TRACED, threads: 1 }) });
    try {
      const { span: parent, value } = await otel.inSpan('request', async () => [
        await pool.submit(1),
        await pool.submit(2),
      ]);
      const [tried] = otel.spans();
      expect(otel.spans()).toHaveLength(1);
      expect(value.map((seen) => seen.traceId)).toEqual([
        parent.spanContext().traceId,
        parent.spanContext().traceId,
      ]);
      expect(value[0].parentSpanId).toBe(tried.spanContext().spanId);
      expect(value[1].parentSpanId, 'the ignored try: a child of the request').toBe(
        parent.spanContext().spanId,
      );
    } finally {
      await pool.close();
    }
  });

  it('without a tracer on the main thread, the task runs outside any trace', async () => {
    const pool = new Pool<number, Seen>({ backend: new PiscinaBackend({ filename: TRACED, threads: 1 }) });
    try {
      const seen = await pool.submit(9);
      expect(seen.parentSpanId).toBeUndefined();
    } finally {
      await pool.close();
    }
  });
});
