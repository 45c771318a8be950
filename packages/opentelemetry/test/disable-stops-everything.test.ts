import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { Pool } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { gate, instrument, useContextManager } from './otel.js';

useContextManager();

describe('disable() stops everything; two instrumentations record independently', () => {
  it('after disable(): no span, no metric record, no gauge; enable() brings them back', async () => {
    const otel = instrument({}, AggregationTemporality.DELTA);
    const pool = new Pool({ name: 'p', executor: (n: number) => n });
    otel.instrumentation.observePool(pool);
    await pool.submit(1);
    expect(otel.spans()).toHaveLength(1);
    expect(await otel.points('poolkit.task.finished')).toHaveLength(1);
    expect(await otel.points('poolkit.pool.waiting')).toHaveLength(1);

    otel.instrumentation.disable();
    otel.instrumentation.disable(); // idempotent
    await pool.submit(2);
    expect(otel.spans()).toHaveLength(1);
    expect(await otel.points('poolkit.task.finished')).toHaveLength(0);
    expect(await otel.points('poolkit.task.duration')).toHaveLength(0);
    expect(await otel.points('poolkit.pool.waiting')).toHaveLength(0);

    otel.instrumentation.enable();
    otel.instrumentation.enable(); // idempotent: one span per try, not two
    await pool.submit(3);
    expect(otel.spans()).toHaveLength(2);
    await pool.close();
  });

  it('enabled: false subscribes nothing until enable()', async () => {
    const otel = instrument({ enabled: false });
    const pool = new Pool({ executor: (n: number) => n });
    await pool.submit(1);
    expect(otel.spans()).toHaveLength(0);
    otel.instrumentation.enable();
    await pool.submit(1);
    expect(otel.spans()).toHaveLength(1);
    await pool.close();
  });

  it('two pools and two instrumentations at once: each instrumentation records every span of both pools', async () => {
    const a = instrument();
    const b = instrument();
    const g = gate();
    const work = async (n: number) => {
      await g.wait();
      return n;
    };
    const one = new Pool({ name: 'one', executor: work, concurrency: 2 });
    const two = new Pool({ name: 'two', executor: work, concurrency: 2 });
    const { span: parent } = await a.inSpan('request', async () => {
      const all = [1, 2, 3].flatMap((n) => [one.submit(n), two.submit(n)]);
      g.open();
      await Promise.all(all);
    });
    await Promise.all([one.close(), two.close()]);
    for (const otel of [a, b]) {
      const spans = otel.spans();
      expect(spans).toHaveLength(6);
      expect(spans.filter((s) => s.name === 'process one')).toHaveLength(3);
      expect(spans.filter((s) => s.name === 'process two')).toHaveLength(3);
      for (const s of spans) expect(s.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      const finished = await otel.points('poolkit.task.finished');
      expect(finished.map((p) => [p.attributes['poolkit.pool.name'], p.value]).sort()).toEqual([
        ['one', 3],
        ['two', 3],
      ]);
    }
    // distinct spans per instrumentation (each its own provider)
    const ids = new Set([...a.spans(), ...b.spans()].map((s) => s.spanContext().spanId));
    expect(ids.size).toBe(12);
  });

  it('observePool reports waiting and running until the pool is closed', async () => {
    const otel = instrument({}, AggregationTemporality.DELTA);
    const g = gate();
    const pool = new Pool({ name: 'gauged', executor: () => g.wait(), concurrency: 1 });
    otel.instrumentation.observePool(pool);
    const tasks = [pool.submit(1), pool.submit(2), pool.submit(3)];
    await new Promise((resolve) => setTimeout(resolve, 1));
    const [waiting] = await otel.points('poolkit.pool.waiting');
    const [running] = await otel.points('poolkit.pool.running');
    expect([waiting.value, running.value]).toEqual([2, 1]);
    expect(waiting.attributes).toEqual({ 'poolkit.pool.name': 'gauged', 'poolkit.backend': 'inline' });
    g.open();
    await Promise.all(tasks);
    await pool.close();
    expect(await otel.points('poolkit.pool.waiting')).toHaveLength(0);
  });
});
